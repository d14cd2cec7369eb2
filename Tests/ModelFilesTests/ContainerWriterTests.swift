import FileAccess
import Foundation
import Int8Runtime
import ModelFiles
import Testing

@testable import Trainer

// MARK: - Helpers

/// Parses `bytes` (copied to 16-byte aligned memory) and hands the container to `body`.
fileprivate func withParsedContainer(_ bytes: [UInt8], _ body: (TensorContainer) -> Void) {
  do throws(FileIOError) {
    try ContainerFile.read(bytes: bytes, source: "test", as: ContainerKind(rawValue: readLE16(bytes, 6))!) {
      (c) throws(FileIOError) in body(c)
    }
  } catch {
    Issue.record("did not parse: \(error.message)")
  }
}

fileprivate func readLE16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
fileprivate func readLE32(_ b: [UInt8], _ at: Int) -> UInt32 {
  (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * $1) }
}
fileprivate func readLE64(_ b: [UInt8], _ at: Int) -> UInt64 {
  (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * $1) }
}

// MARK: - Tests

@Suite struct ContainerWriterTests {
  @Test func docExampleHasTheDocumentedLayout() throws {
    var w = ContainerWriter(kind: .floatModel)
    w.addFloat32("sequence.normalizer.mean", shape: [2], values: [0.5, -1])
    w.metadata["provenance.seed"] = "7"
    let bytes = try w.encoded()
    #expect(bytes.count == 156)
    #expect(Array(bytes[0..<4]) == Array("DNCE".utf8))
    #expect(readLE16(bytes, 4) == 1 && readLE16(bytes, 6) == 1)  // version, kind
    #expect(readLE32(bytes, 8) == 1 && readLE32(bytes, 12) == 1)  // counts
    #expect(readLE64(bytes, 16) == 156)  // file size
    #expect(readLE64(bytes, 24) == 64 && readLE64(bytes, 32) == 48)  // table
    #expect(readLE64(bytes, 40) == 112 && readLE64(bytes, 48) == 24)  // metadata
    #expect(readLE32(bytes, 56) == 16 && readLE32(bytes, 60) == 0)
    // The table entry: name, dtype f32 (1), rank 1, dim 2, offset 144, length 8.
    #expect(readLE16(bytes, 64) == 24)
    #expect(bytes[90] == 1 && bytes[91] == 1 && readLE32(bytes, 92) == 2)
    #expect(readLE64(bytes, 96) == 144 && readLE64(bytes, 104) == 8)
    #expect(Array(bytes[136..<144]) == [0, 0, 0, 0, 0, 0, 0, 0])  // padding
    #expect(readLE32(bytes, 144) == Float(0.5).bitPattern)
    let crc = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<152])) }
    #expect(readLE32(bytes, 152) == crc)
    // The hex dump printed in docs/FORMAT.md ("A worked example"), produced there by an
    // independent script from the spec's tables.
    let documented =
      "444e43450100010001000000010000009c00000000000000400000000000000030000000000000007000"
      + "00000000000018000000000000001000000000000000180073657175656e63652e6e6f726d616c697a"
      + "65722e6d65616e010102000000900000000000000008000000000000000f00000070726f76656e616e"
      + "63652e73656564010000003700000000000000000000003f000080bfa8c8a7ec"
    #expect(bytes.map { String(format: "%02x", $0) }.joined() == documented)
  }

  @Test func outputIsCanonicalWhateverTheInsertionOrder() throws {
    var a = ContainerWriter(kind: .int8Model)
    a.addInt8("z", shape: [3], values: [1, -2, 3])
    a.addInt16("b", shape: [1, 2], values: [-300, 300])
    a.addUInt8("m", shape: [], values: [9])
    a.metadata = ["y": "1", "a": "2"]
    var b = ContainerWriter(kind: .int8Model)
    b.metadata = ["a": "2", "y": "1"]
    b.addUInt8("m", shape: [], values: [9])
    b.addInt16("b", shape: [1, 2], values: [-300, 300])
    b.addInt8("z", shape: [3], values: [1, -2, 3])
    #expect(try a.encoded() == b.encoded())
  }

  @Test func everyTensorIsAlignedAndReadsBack() throws {
    var w = ContainerWriter(kind: .int8Model)
    for (i, n) in [1, 3, 5, 17, 33].enumerated() {
      w.addInt8("t\(i)", shape: [n], values: (0..<n).map { Int8($0 - 2) })
    }
    w.addInt32("big", shape: [2, 2], values: [Int32.min, -1, 0, Int32.max])
    w.addFloat32("f", shape: [1], values: [-0.0])
    let bytes = try w.encoded()
    withParsedContainer(bytes) { c in
      #expect(c.tensorCount == 7)
      for t in c.tensors { #expect(t.dataOffset % ContainerFormat.dataAlignment == 0) }
      #expect(c.tensor(named: "t4").map { (0..<33).map($0.int8(at:)) } == (0..<33).map { Int8($0 - 2) })
      #expect(c.tensor(named: "big").map { (0..<4).map($0.int32(at:)) } == [Int32.min, -1, 0, Int32.max])
      #expect(c.tensor(named: "f")?.float32Bits(at: 0) == (-0.0 as Float).bitPattern)
    }
  }

  @Test func rejectsInvalidTensorsAndKeys() {
    func message(_ build: (inout ContainerWriter) -> Void) -> String? {
      var w = ContainerWriter(kind: .checkpoint)
      build(&w)
      do throws(FileIOError) {
        _ = try w.encoded()
        return nil
      } catch { return error.message }
    }
    #expect(
      message {
        $0.addUInt8("a", shape: [1], values: [1]); $0.addUInt8("a", shape: [1], values: [2])
      }
        == "duplicate tensor a")
    #expect(
      message { $0.addUInt8("a b", shape: [1], values: [1]) }
        == "tensor name 'a b' must be printable ASCII without spaces")
    #expect(
      message { $0.addUInt8("a", shape: [2], values: [1]) }
        == "tensor a has 1 bytes, shape [2] of u8 needs 2")
    #expect(
      message { $0.addUInt8("a", shape: [1, 1, 1, 1, 1], values: [1]) }
        == "tensor a has rank 5, at most 4")
    #expect(message { $0.addUInt8("a", shape: [-1], values: []) } == "tensor a has an invalid dimension -1")
    #expect(message { $0.metadata["é"] = "x" } == "metadata key 'é' must be printable ASCII without spaces")
    #expect(message { $0.metadata["k"] = "é\n" } == nil)
  }
}
