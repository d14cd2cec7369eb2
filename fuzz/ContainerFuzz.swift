// libFuzzer target: the container reader (docs/FORMAT.md) on arbitrary bytes, checksum skipped so
// that mutations reach the table and metadata checks. Built by scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  // The reader refuses a buffer that is not 16-byte aligned: copy into one that is, of exactly
  // `size` bytes so that AddressSanitizer catches any read past the end.
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
  defer { buffer.deallocate() }
  if size > 0 { buffer.baseAddress!.copyMemory(from: data, byteCount: size) }
  guard let container = try? TensorContainer(UnsafeRawBufferPointer(buffer), verifyChecksum: false)
  else { return 0 }
  var checksum = container.tensorCount &+ container.metadataCount
  for tensor in container.tensors {
    for b in tensor.name { checksum = checksum &+ Int(b) }
    checksum = checksum &+ tensor.nameString.utf8.count &+ tensor.shape.rank
    for i in 0..<tensor.shape.rank { checksum = checksum &+ tensor.shape[i] }
    let count = tensor.elementCount
    checksum = checksum &+ count &+ tensor.data.count &+ tensor.dataOffset
    if count > 0 {
      // The first and last element of each view, by its element type.
      for i in [0, count - 1] {
        switch tensor.dtype {
        case .int8: checksum = checksum &+ Int(tensor.int8(at: i))
        case .uint8: checksum = checksum &+ Int(tensor.uint8(at: i))
        case .int16: checksum = checksum &+ Int(tensor.int16(at: i))
        case .int32: checksum = checksum &+ Int(tensor.int32(at: i))
        case .float16: checksum = checksum &+ Int(tensor.float16Bits(at: i))
        case .float32: checksum = checksum &+ Int(tensor.float32Bits(at: i))
        }
      }
    }
    // Lookup by name finds the same tensor.
    if container.tensor(named: tensor.nameString)?.dataOffset != tensor.dataOffset {
      fatalError("tensor(named:) does not find \(tensor.nameString)")
    }
  }
  for (key, value) in container.metadata {
    for b in key { checksum = checksum &+ Int(b) }
    for b in value { checksum = checksum &+ Int(b) }
    let keyString = String(decoding: key, as: UTF8.self)
    if container.metadataValue(forKey: keyString)?.count != value.count {
      fatalError("metadataValue(forKey:) does not find \(keyString)")
    }
  }
  fuzzSink = fuzzSink &+ checksum
  return 0
}

/// Keeps the walk from being optimised away.
nonisolated(unsafe) var fuzzSink = 0
