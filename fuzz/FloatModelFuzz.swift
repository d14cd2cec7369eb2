// libFuzzer target: the float model loader (`FloatModelFile(decoding:source:)`, Sources/ModelFiles,
// docs/FORMAT.md "Float model") on arbitrary bytes. The harness rewrites the last four bytes as
// the CRC-32 of the rest before loading, so that mutations pass the checksum and reach the
// model checks behind it: the loader itself always verifies the CRC, no fuzz-only mode is needed.
// A model that loads is encoded again (as float32) and loaded back, which must give the same
// model.
// Built by scripts/fuzz.sh against the ModelFiles, FileAccess and Int8Runtime modules.
//
// Example: `.build-fuzz/float fuzz/corpus/float/micro.dnm` runs one input (it loads).

import FileAccess
import Int8Runtime
import ModelFiles

// MARK: - Entry point

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  var bytes = Array(UnsafeBufferPointer(start: data, count: size))
  if size >= ContainerFormat.checksumSize + 1 {
    let body = size - ContainerFormat.checksumSize
    let crc = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<body])) }
    for i in 0..<4 { bytes[body + i] = UInt8(truncatingIfNeeded: crc >> (8 * i)) }
  }
  guard let model = try? FloatModelFile(decoding: bytes, source: "fuzz") else { return 0 }
  // A loaded model is valid: stored as float32 (exact for every value it holds, f16 ones too),
  // it must encode and load back as the same model.
  var copy = model
  copy.storage = .float32
  let again: [UInt8]
  do { again = try copy.encoded() } catch {
    fatalError("a loaded model does not encode: \(error.message)")
  }
  guard let back = try? FloatModelFile(decoding: again, source: "fuzz again"), back == copy else {
    fatalError("a loaded model does not load back the same after encoding")
  }
  return 0
}
