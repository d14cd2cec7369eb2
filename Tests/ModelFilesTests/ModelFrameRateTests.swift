import FileAccess
import Foundation
import ModelFiles
import TestSupport
import Testing

// MARK: - provenance.fps: generate's default frame rate

@Suite struct ModelFrameRateTests {
  /// Writes a small container with `provenance.fps` = `fps` (none when nil) to `path`.
  static func write(_ path: String, fps: String?) throws {
    var w = ContainerWriter(kind: .int8Model)
    w.addFloat32("x", shape: [1], values: [0])
    if let fps { w.metadata[ModelFrameRate.key] = fps }
    try AtomicFile.write(try w.encoded(), to: path)
  }

  @Test func firstRecordedRateWinsElse25() throws {
    let folder = makeTemporaryFolder("frame-rate")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let (a, b, missing) = (folder + "/a.dnm", folder + "/b.dnm", folder + "/missing.dnm")
    try Self.write(a, fps: nil)
    try Self.write(b, fps: "10")
    #expect(try ModelFrameRate.resolve([a, missing, b]) == (10, "provenance.fps of \(b)"))
    #expect(try ModelFrameRate.resolve([a, missing]).fps == 25)
  }

  @Test(arguments: ["0", "1001", "25.0", "-1", ""])
  func badValueIsOneLineNamingFileAndKey(_ value: String) throws {
    let folder = makeTemporaryFolder("frame-rate")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/m.dnm"
    try Self.write(path, fps: value)
    #expect(
      throws: FileIOError(path: path, "metadata provenance.fps is '\(value)', not a whole number in 1...1000")
    ) { try ModelFrameRate.resolve([path]) }
  }
}
