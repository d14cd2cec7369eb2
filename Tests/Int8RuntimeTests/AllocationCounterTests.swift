import AllocationCounter
import Foundation
import Int8Runtime
import Testing

// MARK: - The test-only allocation counter, and the reference generator's frames

/// Allocations made on this thread while `body` runs (the count is per thread: tests running in
/// parallel on other threads do not disturb it).
private func allocations(_ body: () -> Void) -> UInt64 {
  dancenet_alloc_count_reset()
  body()
  return dancenet_alloc_count()
}

/// Keeps a value alive and opaque to the optimiser, so an allocation cannot be removed.
@inline(never) private func keep<T>(_ value: T) -> Int { withExtendedLifetime(value) { 1 } }

/// Skips a suite when the allocator is not interposed (an AddressSanitizer build owns malloc).
let countingAllocations = Testing.ConditionTrait.enabled(
  if: dancenet_alloc_count_available() != 0,
  "AddressSanitizer owns malloc in this build: allocations are not counted")

@Suite(countingAllocations) struct AllocationCounterTests {
  @Test func anArrayAllocationIsCounted() {
    let n = Int.random(in: 1000...2000)
    var made = 0
    let count = allocations { made = keep([UInt8](repeating: 7, count: n)) }
    #expect(made == 1)
    #expect(count >= 1)
  }

  @Test func integerArithmeticAllocatesNothing() {
    var sum: UInt64 = 0
    let count = allocations {
      var i: UInt64 = 0
      while i < 100_000 {
        sum = sum &* 31 &+ i ^ (sum >> 7)
        i += 1
      }
    }
    #expect(count == 0)
    #expect(sum != 1)  // the loop ran
  }

  /// Another thread's allocations do not show in this thread's count, and its own count sees them.
  @Test func countsArePerThread() {
    let ready = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var otherCount: UInt64 = 0
    let thread = Thread {
      ready.signal()
      go.wait()
      dancenet_alloc_count_reset()
      var kept = 0
      for n in 1...100 { kept += keep([Int](repeating: n, count: 64 + n)) }
      otherCount = dancenet_alloc_count()
      precondition(kept == 100)
      done.signal()
    }
    thread.start()
    ready.wait()
    let mine = allocations {
      go.signal()
      done.wait()
    }
    #expect(mine == 0)
    #expect(otherCount >= 100)
  }

  /// `Int8Generator.nextFrame(into:)` after a warm-up frame: no buffer is allocated per frame
  /// (they all come from `init`), but the reference generator is not allocation-free. Each frame
  /// makes the same few small allocations, found with gdb on a debug build:
  /// - Int8Generator.swift `sequenceStep`, `for (l, layer) in model.lstms.enumerated()`: one
  ///   40-byte allocation per LSTM layer (unspecialised generic iteration at -Onone);
  /// - Int8Generator.swift `decode`, `p.bottleneckShape[0]` and `[1]`: `ModelPreset.bottleneckShape`
  ///   is a computed property that builds a new Array on every call.
  /// So the count per frame is at most lstmLayers + 2 and the same every frame; the streaming
  /// generator is the one that must reach 0.
  @Test func referenceGeneratorFramesMakeOnlyAFewFixedAllocations() throws {
    let bytes = AlignedBytes(SyntheticInt8Model().builder.bytes())
    try withExtendedLifetime(bytes) {
      let model = try Int8Model(bytes.buffer)
      var generator = try Int8Generator(model: model, seed: 5)
      var frame = [UInt8](repeating: 0, count: model.preset.pixelsPerFrame)
      frame.withUnsafeMutableBufferPointer { generator.nextFrame(into: $0) }  // warm-up
      var counts: [UInt64] = []
      counts.reserveCapacity(4)
      for _ in 0..<4 {
        counts.append(
          frame.withUnsafeMutableBufferPointer { pixels in allocations { generator.nextFrame(into: pixels) } }
        )
      }
      #expect(Set(counts).count == 1, "allocations per frame: \(counts)")
      #expect(counts[0] <= UInt64(model.preset.lstmLayers + 2), "allocations per frame: \(counts)")
    }
  }
}

// MARK: - The streaming generator allocates nothing after load

/// After a warm-up frame, the streaming generator's frames make no heap allocation at all. The
/// release pass (scripts/test.sh, DANCENET_RELEASE_TESTS=1) runs the 1,000 frames; a
/// debug build, a hundred times slower, runs 5.
@Suite(countingAllocations) struct StreamingAllocationTests {
  static let frames = ProcessInfo.processInfo.environment["DANCENET_RELEASE_TESTS"] == "1" ? 1000 : 5

  @Test(arguments: [false, true])
  func streamingFramesAllocateNothing(stateless: Bool) throws {
    var synthetic = SyntheticInt8Model()
    if stateless { synthetic.builder.metadata["sequence.mode"] = "stateless" }
    let bytes = AlignedBytes(synthetic.builder.bytes())
    try withExtendedLifetime(bytes) {
      let model = try Int8Model(bytes.buffer)
      let plan = StreamingPlan(model: model)
      let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: plan.totalBytes, alignment: 16)
      defer { arena.deallocate() }
      var generator = try StreamingGenerator(model: model, seed: 5, arena: arena)
      var sink = ChecksumRowSink()
      generator.nextFrame(&sink)  // warm-up
      let frames = Self.frames  // read outside the count: the first read builds the environment
      let count = allocations {
        for _ in 0..<frames { generator.nextFrame(&sink) }
      }
      #expect(count == 0, "\(count) allocations in \(frames) frames")
      #expect(sink.rows == (frames + 1) * model.preset.frameHeight)
    }
  }
}

/// Counts rows and sums pixels without allocating.
private struct ChecksumRowSink: FrameRowSink {
  var rows = 0
  var sum: UInt64 = 0
  mutating func take(row y: Int, pixels: UnsafeBufferPointer<UInt8>) {
    rows += 1
    var i = 0
    while i < pixels.count {
      sum &+= UInt64(pixels[i])
      i += 1
    }
  }
}
