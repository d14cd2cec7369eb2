import FileAccess
import Foundation
import ImageIO
import Testing

// MARK: - Frame streams: header bytes, rows versus whole frames, the atomic file

/// Collects what a writer sends.
final class Collected: FrameStreamOutput {
  var bytes: [UInt8] = []
  func send(_ chunk: UnsafeRawBufferPointer) throws(FrameStreamError) { bytes += chunk }
}

@Suite struct FrameStreamTests {
  @Test func headersAreTheDocumentedBytes() {
    #expect(
      FrameStreamFormat.y4m.streamHeader(width: 208, height: 120, fps: 25)
        == Array("YUV4MPEG2 W208 H120 F25:1 Ip A1:1 Cmono\n".utf8))
    #expect(FrameStreamFormat.y4m.frameHeader(width: 208, height: 120) == Array("FRAME\n".utf8))
    #expect(FrameStreamFormat.pgm.frameHeader(width: 208, height: 120) == Array("P5\n208 120\n255\n".utf8))
    #expect(FrameStreamFormat.raw.frameHeader(width: 208, height: 120).isEmpty)
    #expect(FrameStreamFormat.pgm.streamHeader(width: 208, height: 120, fps: 25).isEmpty)
    #expect(FrameStreamFormat.y4m.streamBytes(frames: 250, width: 208, height: 120, fps: 25) == 6_241_540)
  }

  /// Two 3×2 frames, given row by row and whole: the same bytes, in the documented layout.
  @Test(arguments: FrameStreamFormat.allCases)
  func rowsAndWholeFramesGiveTheSameStream(_ format: FrameStreamFormat) throws {
    let frames: [[UInt8]] = [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]
    let byRows = FrameStreamWriter(format: format, width: 3, height: 2, fps: 10, output: Collected())
    let whole = FrameStreamWriter(format: format, width: 3, height: 2, fps: 10, output: Collected())
    for f in frames {
      byRows.beginFrame()
      for r in 0..<2 { f[(r * 3)..<(r * 3 + 3)].withUnsafeBufferPointer { byRows.append(row: $0) } }
      try byRows.endFrame()
      try f.withUnsafeBufferPointer { try whole.write(frame: $0) }
    }
    let frameHeader = format.frameHeader(width: 3, height: 2)
    let expected = format.streamHeader(width: 3, height: 2, fps: 10) + frames.flatMap { frameHeader + $0 }
    #expect(byRows.output.bytes == expected)
    #expect(whole.output.bytes == expected)
    #expect(whole.framesWritten == 2)
  }

  @Test func atomicFileAppearsOnlyOnCommit() throws {
    let folder = NSTemporaryDirectory() + "frame-stream-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/dance.raw"
    let writer = FrameStreamWriter(
      format: .raw, width: 2, height: 1, fps: 25, output: try AtomicFileWriter(path: path))
    try [UInt8]([9, 8]).withUnsafeBufferPointer { try writer.write(frame: $0) }
    #expect(!FileManager.default.fileExists(atPath: path))
    try writer.output.commit()
    #expect(FileManager.default.contents(atPath: path) == Data([9, 8]))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["dance.raw"])
    // dropped without commit: nothing is left behind
    do { _ = try AtomicFileWriter(path: folder + "/other.raw") }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["dance.raw"])
  }
}
