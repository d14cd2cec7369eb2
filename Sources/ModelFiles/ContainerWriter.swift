import FileAccess
import Int8Runtime

// MARK: - ContainerWriter

/// Builds the bytes of a dancenet container (docs/FORMAT.md): the one layout shared by the
/// float model, checkpoints and the int8 model. `TensorContainer` (Int8Runtime) reads it back.
///
/// The output is canonical: tensors are sorted by name and metadata by key (bytewise), tensor
/// data follow in table order, each at the next multiple of 16 bytes, padding is zero, and a
/// CRC-32 of everything before it ends the file. The same tensors and metadata therefore give
/// the same bytes, whatever order they were added in.
///
/// ```swift
/// var w = ContainerWriter(kind: .floatModel)
/// w.addFloat32("sequence.normalizer.mean", shape: [2], values: [0.5, -1])
/// w.metadata["provenance.seed"] = "7"
/// let bytes = try w.encoded()
/// bytes.count   // 156: header 64, table 48, metadata 24, padding 8, data 8, CRC 4
/// ```
public struct ContainerWriter {
  /// One tensor waiting to be written: its little-endian element bytes.
  public struct Entry {
    public var name: String
    public var dtype: TensorDType
    public var shape: [Int]
    public var bytes: [UInt8]
  }

  public var kind: ContainerKind
  public private(set) var entries: [Entry] = []
  /// Key/value strings; keys are printable ASCII without spaces, values any UTF-8.
  public var metadata: [String: String] = [:]

  public init(kind: ContainerKind) { self.kind = kind }

  // MARK: - Adding tensors

  /// Adds a tensor from raw little-endian element bytes (checked when encoding).
  public mutating func add(_ name: String, dtype: TensorDType, shape: [Int], bytes: [UInt8]) {
    entries.append(Entry(name: name, dtype: dtype, shape: shape, bytes: bytes))
  }

  /// Removes the tensor `name` (nothing when there is none), so that a later step can add it
  /// again with other values.
  public mutating func remove(_ name: String) {
    entries.removeAll { $0.name == name }
  }

  public mutating func addFloat32(_ name: String, shape: [Int], values: [Float]) {
    #if _endian(little)
      add(name, dtype: .float32, shape: shape, bytes: values.withUnsafeBytes { Array($0) })
    #else
      add(name, dtype: .float32, shape: shape, bytes: littleEndianBytes(values.map(\.bitPattern)))
    #endif
  }

  /// Adds `values` stored as IEEE binary16 (round to nearest, ties to even). Throws a one-line
  /// message naming the tensor when a value is not finite or too large for float16.
  public mutating func addFloat16(_ name: String, shape: [Int], values: [Float])
    throws(FileIOError)
  {
    let bits: [UInt16]
    do { bits = try Float16Storage.bits(values) } catch let e {
      throw FileIOError("tensor \(name): \(e.message)")
    }
    add(name, dtype: .float16, shape: shape, bytes: littleEndianBytes(bits))
  }

  public mutating func addInt8(_ name: String, shape: [Int], values: [Int8]) {
    add(name, dtype: .int8, shape: shape, bytes: values.map { UInt8(bitPattern: $0) })
  }

  public mutating func addUInt8(_ name: String, shape: [Int], values: [UInt8]) {
    add(name, dtype: .uint8, shape: shape, bytes: values)
  }

  public mutating func addInt16(_ name: String, shape: [Int], values: [Int16]) {
    add(name, dtype: .int16, shape: shape, bytes: littleEndianBytes(values.map { UInt16(bitPattern: $0) }))
  }

  public mutating func addInt32(_ name: String, shape: [Int], values: [Int32]) {
    add(name, dtype: .int32, shape: shape, bytes: littleEndianBytes(values.map { UInt32(bitPattern: $0) }))
  }

  // MARK: - Encoding

  /// The complete file. Throws a one-line message (without a path) for an invalid name, key,
  /// shape or byte count.
  public func encoded() throws(FileIOError) -> [UInt8] {
    let tensors = entries.sorted { precedes($0.name, $1.name) }
    let keys = metadata.keys.sorted(by: precedes)
    try check(tensors, keys)

    // Layout: header, table, metadata, aligned data, CRC.
    let header = ContainerFormat.headerSize
    let tableLength = tensors.reduce(0) {
      $0 + ContainerFormat.tensorEntrySize(nameLength: $1.name.utf8.count, rank: $1.shape.count)
    }
    let metadataLength = keys.reduce(0) {
      $0
        + ContainerFormat.metadataEntrySize(
          keyLength: $1.utf8.count, valueLength: metadata[$1]!.utf8.count)
    }
    var cursor = header + tableLength + metadataLength
    var offsets: [Int] = []
    for t in tensors {
      let offset = ContainerFormat.alignUp(cursor)!
      offsets.append(offset)
      cursor = offset + t.bytes.count
    }
    let fileSize = cursor + ContainerFormat.checksumSize

    var out = ByteOutput(count: fileSize)
    typealias F = ContainerFormat.HeaderField
    let m = ContainerFormat.magic
    for (i, b) in [m.0, m.1, m.2, m.3].enumerated() { out.bytes[F.magic + i] = b }
    out.put(ContainerFormat.version, at: F.version)
    out.put(kind.rawValue, at: F.kind)
    out.put(UInt32(tensors.count), at: F.tensorCount)
    out.put(UInt32(keys.count), at: F.metadataCount)
    out.put(UInt64(fileSize), at: F.fileSize)
    out.put(UInt64(header), at: F.tableOffset)
    out.put(UInt64(tableLength), at: F.tableLength)
    out.put(UInt64(header + tableLength), at: F.metadataOffset)
    out.put(UInt64(metadataLength), at: F.metadataLength)
    out.put(UInt32(ContainerFormat.dataAlignment), at: F.alignment)
    out.put(UInt32(0), at: F.reserved)

    var at = header
    for (t, offset) in zip(tensors, offsets) {
      at = out.put(UInt16(t.name.utf8.count), at: at)
      at = out.put(Array(t.name.utf8), at: at)
      at = out.put(t.dtype.rawValue, at: at)
      at = out.put(UInt8(t.shape.count), at: at)
      for d in t.shape { at = out.put(UInt32(d), at: at) }
      at = out.put(UInt64(offset), at: at)
      at = out.put(UInt64(t.bytes.count), at: at)
    }
    for key in keys {
      let value = metadata[key]!
      at = out.put(UInt32(key.utf8.count), at: at)
      at = out.put(Array(key.utf8), at: at)
      at = out.put(UInt32(value.utf8.count), at: at)
      at = out.put(Array(value.utf8), at: at)
    }
    for (t, offset) in zip(tensors, offsets) { out.put(t.bytes, at: offset) }

    let crcStart = fileSize - ContainerFormat.checksumSize
    let crc = out.bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<crcStart])) }
    out.put(crc, at: crcStart)
    return out.bytes
  }

  /// Validates names, keys, shapes and byte counts before anything is laid out.
  private func check(_ tensors: [Entry], _ keys: [String]) throws(FileIOError) {
    if tensors.count > Int(UInt32.max) || keys.count > Int(UInt32.max) {
      throw FileIOError("too many tensors or metadata entries")
    }
    for (i, t) in tensors.enumerated() {
      try checkName(t.name, what: "tensor name")
      if i > 0 && tensors[i - 1].name == t.name { throw FileIOError("duplicate tensor \(t.name)") }
      if t.name.utf8.count > Int(UInt16.max) { throw FileIOError("tensor name \(t.name) is too long") }
      if t.shape.count > ContainerFormat.maxRank {
        throw FileIOError("tensor \(t.name) has rank \(t.shape.count), at most \(ContainerFormat.maxRank)")
      }
      var elements = 1
      for d in t.shape {
        guard d >= 0, d <= Int(UInt32.max) else {
          throw FileIOError("tensor \(t.name) has an invalid dimension \(d)")
        }
        let (product, overflow) = elements.multipliedReportingOverflow(by: d)
        if overflow { throw FileIOError("tensor \(t.name) has too many elements") }
        elements = product
      }
      if elements * t.dtype.byteWidth != t.bytes.count {
        throw FileIOError(
          "tensor \(t.name) has \(t.bytes.count) bytes, shape \(t.shape) of \(t.dtype.label) needs \(elements * t.dtype.byteWidth)"
        )
      }
    }
    for key in keys {
      try checkName(key, what: "metadata key")
      if metadata[key]!.utf8.count > Int(UInt32.max) { throw FileIOError("metadata \(key) is too long") }
    }
  }

  private func checkName(_ name: String, what: String) throws(FileIOError) {
    if name.isEmpty { throw FileIOError("empty \(what)") }
    for b in name.utf8 where !ContainerFormat.isNameByte(b) {
      throw FileIOError("\(what) '\(name)' must be printable ASCII without spaces")
    }
  }
}

// MARK: - Byte helpers

/// Bytewise order of UTF-8 strings, the order of the container's table and metadata.
func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

/// The little-endian bytes of fixed-width integers, e.g. float bit patterns.
func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
  #if _endian(little)
    return values.withUnsafeBytes { Array($0) }
  #else
    var out = [UInt8](repeating: 0, count: values.count * MemoryLayout<T>.size)
    out.withUnsafeMutableBytes { raw in
      for (i, v) in values.enumerated() {
        raw.storeBytes(of: v.littleEndian, toByteOffset: i * MemoryLayout<T>.size, as: T.self)
      }
    }
    return out
  #endif
}

/// A zero-filled output buffer with little-endian stores.
private struct ByteOutput {
  var bytes: [UInt8]
  init(count: Int) { bytes = [UInt8](repeating: 0, count: count) }

  /// Stores `value` little-endian at `offset`; returns the offset after it.
  @discardableResult
  mutating func put<T: FixedWidthInteger>(_ value: T, at offset: Int) -> Int {
    bytes.withUnsafeMutableBytes {
      $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
    }
    return offset + MemoryLayout<T>.size
  }

  @discardableResult
  mutating func put(_ data: [UInt8], at offset: Int) -> Int {
    bytes.replaceSubrange(offset..<(offset + data.count), with: data)
    return offset + data.count
  }
}
