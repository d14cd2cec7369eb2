import FileAccess
import Foundation
import Int8Runtime
import ModelFiles
import Quantize
import Testing

@Suite struct Int8FootprintTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  @Test func tinyWithSixteenStartsFitsIn256KB() throws {
    let bytes = try Int8Footprint.fileBytes(.tiny, starts: 16, primers: 8)
    #expect(bytes <= 256 * 1024)
  }

  @Test func paperIsAbout14MB() throws {
    // The original: int8 weights of decoder + sequence model are about 14 MB.
    let bytes = try Int8Footprint.fileBytes(.paper, starts: 0, primers: 0)
    #expect(bytes > 13_500_000 && bytes < 14_500_000)
  }

  @Test func theShippedTinyFileHoldsExactlyTheLayoutsTensors() throws {
    let path = Self.root + "/models/tiny/model-int8.dnm"
    let shipped = try ContainerFile.read(path, as: .int8Model) { c throws(FileIOError) in
      (
        c.tensors.reduce(0) { $0 + $1.data.count },
        c.tensor(named: "start.latents")!.shape[0], c.tensor(named: "start.primers")!.shape[1]
      )
    }
    #expect(shipped.0 == Int8Footprint.tensorBytes(.tiny, starts: shipped.1, primers: shipped.2))
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    // The file adds only its free-text metadata to the footprint.
    #expect(size > (try Int8Footprint.fileBytes(.tiny, starts: shipped.1, primers: shipped.2)))
  }
}
