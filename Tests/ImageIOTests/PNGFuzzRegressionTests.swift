import Foundation
import Testing

@testable import ImageIO

// MARK: - Inputs found by fuzzing (fuzz/PNGFrameFuzz.swift)

/// Each input here crashed or exhausted the PNG fuzz target once; it is also kept as
/// `fuzz/regressions/png-<name>`, which scripts/fuzz.sh replays.
@Suite struct PNGFuzzRegressionTests {
  /// fuzz/regressions/png-text-chunk-2gb (94 bytes): a valid 12x8 1-bit IHDR, then a chunk
  /// header declaring 2,027,578,120 bytes. libpng allocated the declared size (2 GB, libFuzzer's
  /// out-of-memory limit) before noticing the file ends; now refused before libpng runs.
  static let textChunk2GB =
    "iVBORw0KGgoAAAANSUhEUgAAAAwAAAAIAQAAAADlnyNceNpjCHRFWHSAAYMEAFkoB73Emz0AAAARSURBVHjaYwh0RVh0"
    + "gAGDBABZKAe9xJs9agAAAwBJRU5ErkJggg=="

  @Test func chunkLongerThanTheFileIsRefusedBeforeLibpng() throws {
    let bytes = try #require(Data(base64Encoded: Self.textChunk2GB))
    #expect(bytes.count == 94)
    let e = ImageIOError.chunkPastEnd(path: "f.png", offset: 33, declared: 2_027_578_120, available: 53)
    #expect(throws: e) { try PNGFile.decodeGray([UInt8](bytes), path: "f.png") }
    #expect(
      e.description
        == "f.png: damaged PNG (the chunk at byte 33 declares 2027578120 bytes, the file holds 53 "
        + "after its header)")
  }

  @Test func chunkLengthCheckAcceptsCompleteFilesAndStopsAtIEND() throws {
    var image = GrayImage(width: 4, height: 3)
    for i in image.pixels.indices { image.pixels[i] = UInt8(i * 20) }
    let png = try PNGFile.encode(image)
    #expect(PNGFile.chunkPastEnd(png) == nil)
    // Bytes after IEND are not chunks: never checked.
    #expect(PNGFile.chunkPastEnd(png + [0xFF, 0xFF, 0xFF, 0xFF, 0x41, 0x42, 0x43, 0x44]) == nil)
    #expect(try PNGFile.decodeGray(png, path: "ok.png") == image)
  }
}
