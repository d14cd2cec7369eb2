import Foundation
import Int8Runtime
import Testing

// MARK: - The shipped paper model, streamed against the reference (release builds)

/// The reference generator decodes a paper frame in about a second in a release build and a
/// hundred times slower in debug, so this runs only in the release pass:
///     DANCENET_RELEASE_TESTS=1 swift test -c release -Xswiftc -enable-testing --filter StreamingPaperTests
@Suite(
  .enabled(
    if: ProcessInfo.processInfo.environment["DANCENET_RELEASE_TESTS"] == "1",
    "needs a release build: set DANCENET_RELEASE_TESTS=1 and build with -c release (scripts/test.sh)"))
struct StreamingPaperTests {
  @Test func twoPaperFramesEqualTheReferenceFrames() throws {
    let bytes = try shippedInt8Model("paper")
    try withExtendedLifetime(bytes) {
      let model = try Int8Model(bytes.buffer)
      #expect(model.subPixelPhases.allSatisfy { $0 != nil })  // the shipped file carries them
      let options = Int8Generator.Options(start: 0, piTemperatureQ16: 19661, sigmaTemperatureQ16: 65536)
      var reference = try Int8Generator(model: model, seed: 1, options: options)
      let plan = StreamingPlan(model: model)
      let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: plan.totalBytes, alignment: 16)
      defer { arena.deallocate() }
      var streaming = try StreamingGenerator(model: model, seed: 1, options: options, arena: arena)
      for _ in 0..<2 {
        var expected = [UInt8](repeating: 0, count: model.preset.pixelsPerFrame)
        var got = expected
        expected.withUnsafeMutableBufferPointer { reference.nextFrame(into: $0) }
        got.withUnsafeMutableBufferPointer { streaming.nextFrame(into: $0) }
        #expect(got == expected)
        #expect(Array(streaming.currentLatent) == reference.current)
      }
    }
  }
}
