// MARK: - TensorContainer

/// A zero-copy, fully bounds-checked reader of a dancenet container (docs/FORMAT.md): the float
/// model, a checkpoint or the int8 model, given as raw bytes (a memory-mapped file on the host,
/// flash on the firmware).
///
/// `init` validates the whole file once: header, checksum, every table entry, every metadata
/// entry, and that all tensor data lie inside the file at their canonical, aligned offsets. A
/// damaged, truncated or hostile file produces a `ContainerError`, never a trap or a read
/// outside `bytes`. Afterwards nothing is copied and nothing is allocated: lookups walk the
/// table in place and hand out slices of `bytes`.
///
/// ```swift
/// let c = try TensorContainer(bytes)                  // bytes: UnsafeRawBufferPointer
/// c.kind                                              // .int8Model
/// let w = try c.tensor("decoder.conv4.kernel", .int8, TensorShape(3, 3, 128, 1))
/// w.data.count                                        // 1152, 16-byte aligned, inside `bytes`
/// w.int8(at: 0)                                       // first weight
/// ```
///
/// The caller keeps `bytes` alive and unchanged while the container and its views are in use.
public struct TensorContainer {
  /// The whole file.
  public let bytes: UnsafeRawBufferPointer
  public let kind: ContainerKind
  public let tensorCount: Int
  public let metadataCount: Int
  @usableFromInline let tableStart: Int
  @usableFromInline let tableEnd: Int
  @usableFromInline let metadataStart: Int
  @usableFromInline let metadataEnd: Int

  /// Parses and validates `bytes`. `verifyChecksum: false` skips only the CRC-32 pass (for a
  /// model in write-protected flash whose image was checked when it was flashed); every
  /// structural check still runs.
  public init(_ bytes: UnsafeRawBufferPointer, verifyChecksum: Bool = true) throws(ContainerError) {
    self.bytes = bytes
    let size = bytes.count
    let header = ContainerFormat.headerSize
    typealias F = ContainerFormat.HeaderField

    // MARK: Magic, version, size
    for i in 0..<min(size, 4) where bytes[i] != ContainerFormat.magicByte(i) {
      throw .notAContainer
    }
    if size < 6 { throw .truncated(size: size, expected: UInt64(header)) }
    let version = bytes.loadLE16(F.version)
    if version != ContainerFormat.version { throw .unsupportedVersion(version) }
    if size < header {
      let declared = size >= F.fileSize + 8 ? bytes.loadLE64(F.fileSize) : 0
      throw .truncated(size: size, expected: max(UInt64(header), declared))
    }
    let kindCode = bytes.loadLE16(F.kind)
    guard let kind = ContainerKind(rawValue: kindCode) else { throw .unknownKind(kindCode) }
    self.kind = kind

    let fileSize = bytes.loadLE64(F.fileSize)
    if fileSize < UInt64(header + ContainerFormat.checksumSize) {
      throw .malformed(.header, entry: 0, .fileSizeField)
    }
    if fileSize > UInt64(size) { throw .truncated(size: size, expected: fileSize) }
    if fileSize < UInt64(size) { throw .trailingBytes(size: size, expected: fileSize) }
    // From here on fileSize == size, so every offset checked against `size` is in the file.

    guard let base = bytes.baseAddress,
      UInt(bitPattern: base) % UInt(ContainerFormat.dataAlignment) == 0
    else { throw .misalignedBuffer }

    // MARK: Checksum
    let checksumStart = size - ContainerFormat.checksumSize
    if verifyChecksum {
      let stored = bytes.loadLE32(checksumStart)
      let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<checksumStart]))
      if stored != computed { throw .checksumMismatch(stored: stored, computed: computed) }
    }

    // MARK: Header fields
    if bytes.loadLE32(F.alignment) != UInt32(ContainerFormat.dataAlignment) {
      throw .malformed(.header, entry: 0, .alignmentField)
    }
    if bytes.loadLE32(F.reserved) != 0 { throw .malformed(.header, entry: 0, .reservedField) }
    if bytes.loadLE64(F.tableOffset) != UInt64(header) {
      throw .malformed(.header, entry: 0, .tableOffsetField)
    }
    // Both lengths are bounded by the file size, which is an Int, so the sums cannot overflow.
    let tableLength = bytes.loadLE64(F.tableLength)
    let metadataLength = bytes.loadLE64(F.metadataLength)
    guard tableLength <= UInt64(checksumStart - header),
      metadataLength <= UInt64(checksumStart - header) - tableLength
    else { throw .malformed(.header, entry: 0, .sectionOutsideFile) }
    tableStart = header
    tableEnd = header + Int(tableLength)
    metadataStart = tableEnd
    metadataEnd = metadataStart + Int(metadataLength)
    if bytes.loadLE64(F.metadataOffset) != UInt64(metadataStart) {
      throw .malformed(.header, entry: 0, .metadataOffsetField)
    }
    let tensorCount = bytes.loadLE32(F.tensorCount)
    let metadataCount = bytes.loadLE32(F.metadataCount)
    // Every entry takes at least 20 (tensor) or 9 (metadata) bytes of its section.
    guard UInt64(tensorCount) <= tableLength, UInt64(metadataCount) <= metadataLength else {
      throw .malformed(.header, entry: 0, .countField)
    }
    self.tensorCount = Int(tensorCount)
    self.metadataCount = Int(metadataCount)

    // MARK: Tensor table
    var cursor = tableStart
    var dataCursor = metadataEnd
    var previousName = UnsafeRawBufferPointer(start: nil, count: 0)
    for index in 0..<self.tensorCount {
      let (view, next) = try bytes.readTensorEntry(at: cursor, end: tableEnd, index: index)
      if index > 0 {
        let order = compareBytes(previousName, view.name)
        if order == 0 { throw .malformed(.tensorTable, entry: index, .duplicateName) }
        if order > 0 { throw .malformed(.tensorTable, entry: index, .namesNotSorted) }
      }
      guard let aligned = ContainerFormat.alignUp(dataCursor),
        view.dataOffset == aligned
      else { throw .malformed(.tensorTable, entry: index, .misplacedData) }
      if view.data.count > checksumStart - aligned {
        throw .malformed(.tensorTable, entry: index, .dataOutsideFile)
      }
      dataCursor = aligned + view.data.count
      previousName = view.name
      cursor = next
    }
    if cursor != tableEnd { throw .malformed(.tensorTable, entry: self.tensorCount, .sectionLength) }
    if dataCursor != checksumStart { throw .malformed(.header, entry: 0, .unaccountedBytes) }

    // MARK: Metadata
    cursor = metadataStart
    var previousKey = UnsafeRawBufferPointer(start: nil, count: 0)
    for index in 0..<self.metadataCount {
      let (key, _, next) = try bytes.readMetadataEntry(at: cursor, end: metadataEnd, index: index)
      if index > 0 {
        let order = compareBytes(previousKey, key)
        if order == 0 { throw .malformed(.metadata, entry: index, .duplicateName) }
        if order > 0 { throw .malformed(.metadata, entry: index, .namesNotSorted) }
      }
      previousKey = key
      cursor = next
    }
    if cursor != metadataEnd { throw .malformed(.metadata, entry: self.metadataCount, .sectionLength) }
  }

  // MARK: - Tensors

  /// All tensors in table order (sorted by name).
  public var tensors: Tensors { Tensors(container: self) }

  /// The tensor called `name`, or nil.
  public func tensor(named name: String) -> TensorView? {
    for t in tensors where t.hasName(name) { return t }
    return nil
  }

  /// The tensor called `name`, checked to have `dtype` and `shape`.
  public func tensor(_ name: String, _ dtype: TensorDType, _ shape: TensorShape)
    throws(ContainerError) -> TensorView
  {
    guard let t = tensor(named: name) else { throw .missingTensor(name: name) }
    if t.dtype != dtype { throw .wrongDType(name: name, expected: dtype, found: t.dtype) }
    if t.shape != shape { throw .wrongShape(name: name, expected: shape, found: t.shape) }
    return t
  }

  /// Iterates the tensor table in place.
  public struct Tensors: Sequence {
    let container: TensorContainer
    public func makeIterator() -> Iterator {
      Iterator(bytes: container.bytes, cursor: container.tableStart, end: container.tableEnd)
    }
    public struct Iterator: IteratorProtocol {
      let bytes: UnsafeRawBufferPointer
      var cursor: Int
      let end: Int
      public mutating func next() -> TensorView? {
        guard cursor < end,
          let entry = try? bytes.readTensorEntry(at: cursor, end: end, index: 0)
        else { return nil }
        cursor = entry.1
        return entry.0
      }
    }
  }

  // MARK: - Metadata

  /// All metadata entries in file order (sorted by key).
  public var metadata: Metadata { Metadata(container: self) }

  /// The UTF-8 bytes of the value stored under `key`, or nil.
  public func metadataValue(forKey key: String) -> UnsafeRawBufferPointer? {
    for entry in metadata where entry.key.equalsUTF8(of: key) { return entry.value }
    return nil
  }

  /// Iterates the metadata section in place; keys and values are UTF-8 byte slices.
  public struct Metadata: Sequence {
    let container: TensorContainer
    public func makeIterator() -> Iterator {
      Iterator(bytes: container.bytes, cursor: container.metadataStart, end: container.metadataEnd)
    }
    public struct Iterator: IteratorProtocol {
      let bytes: UnsafeRawBufferPointer
      var cursor: Int
      let end: Int
      public mutating func next() -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)? {
        guard cursor < end,
          let entry = try? bytes.readMetadataEntry(at: cursor, end: end, index: 0)
        else { return nil }
        cursor = entry.2
        return (entry.0, entry.1)
      }
    }
  }
}

// MARK: - TensorShape

/// Up to `ContainerFormat.maxRank` dimensions stored inline (no heap).
///
/// ```swift
/// let s = TensorShape(3, 3, 1, 128)
/// s.rank           // 4
/// s[3]             // 128
/// s.elementCount   // 1152
/// "\(s)"           // "[3, 3, 1, 128]"
/// ```
public struct TensorShape: Equatable, Sendable, CustomStringConvertible {
  public let rank: Int
  @usableFromInline let dims: (Int, Int, Int, Int)

  /// A scalar (rank 0, one element).
  public init() {
    rank = 0
    dims = (0, 0, 0, 0)
  }
  public init(_ d0: Int) {
    rank = 1
    dims = (d0, 0, 0, 0)
  }
  public init(_ d0: Int, _ d1: Int) {
    rank = 2
    dims = (d0, d1, 0, 0)
  }
  public init(_ d0: Int, _ d1: Int, _ d2: Int) {
    rank = 3
    dims = (d0, d1, d2, 0)
  }
  public init(_ d0: Int, _ d1: Int, _ d2: Int, _ d3: Int) {
    rank = 4
    dims = (d0, d1, d2, d3)
  }
  /// nil when `dims` has more than `maxRank` entries.
  public init?(_ dims: [Int]) {
    switch dims.count {
    case 0: self.init()
    case 1: self.init(dims[0])
    case 2: self.init(dims[0], dims[1])
    case 3: self.init(dims[0], dims[1], dims[2])
    case 4: self.init(dims[0], dims[1], dims[2], dims[3])
    default: return nil
    }
  }

  /// Dimension `i` (0 ..< rank).
  public subscript(i: Int) -> Int {
    precondition(i >= 0 && i < rank, "dimension index out of range")
    switch i {
    case 0: return dims.0
    case 1: return dims.1
    case 2: return dims.2
    default: return dims.3
    }
  }

  /// Product of the dimensions (1 for a scalar). Shapes read from a container never overflow.
  public var elementCount: Int {
    var n = 1
    for i in 0..<rank { n *= self[i] }
    return n
  }

  public var array: [Int] {
    var a: [Int] = []
    for i in 0..<rank { a.append(self[i]) }
    return a
  }

  public static func == (a: TensorShape, b: TensorShape) -> Bool {
    a.rank == b.rank && a.dims == b.dims
  }

  public var description: String {
    var s = "["
    for i in 0..<rank { s += i == 0 ? "\(self[i])" : ", \(self[i])" }
    return s + "]"
  }
}

// MARK: - TensorView

/// One tensor of a container: its name, element type, shape, and its data as a slice of the
/// container's bytes (aligned to `ContainerFormat.dataAlignment`, little-endian elements).
public struct TensorView {
  /// The name's bytes inside the file (printable ASCII).
  public let name: UnsafeRawBufferPointer
  public let dtype: TensorDType
  public let shape: TensorShape
  /// Exactly `shape.elementCount * dtype.byteWidth` bytes.
  public let data: UnsafeRawBufferPointer
  /// Offset of `data` from the start of the file.
  public let dataOffset: Int

  public var elementCount: Int { shape.elementCount }

  /// True when the tensor is called `candidate`.
  public func hasName(_ candidate: String) -> Bool { name.equalsUTF8(of: candidate) }

  /// The name as a String.
  public var nameString: String {
    String(decoding: name, as: UTF8.self)
  }

  // MARK: Element access (index in elements; the dtype must match)

  @inlinable
  public func int8(at i: Int) -> Int8 {
    precondition(dtype == .int8 && i >= 0 && i < data.count, "int8 element out of range")
    return Int8(bitPattern: data[i])
  }
  @inlinable
  public func uint8(at i: Int) -> UInt8 {
    precondition(dtype == .uint8 && i >= 0 && i < data.count, "uint8 element out of range")
    return data[i]
  }
  @inlinable
  public func int16(at i: Int) -> Int16 {
    precondition(dtype == .int16 && i >= 0 && i < data.count / 2, "int16 element out of range")
    return Int16(bitPattern: data.loadLE16(2 * i))
  }
  @inlinable
  public func int32(at i: Int) -> Int32 {
    precondition(dtype == .int32 && i >= 0 && i < data.count / 4, "int32 element out of range")
    return Int32(bitPattern: data.loadLE32(4 * i))
  }
  /// The IEEE binary16 bit pattern of element `i`.
  @inlinable
  public func float16Bits(at i: Int) -> UInt16 {
    precondition(dtype == .float16 && i >= 0 && i < data.count / 2, "f16 element out of range")
    return data.loadLE16(2 * i)
  }
  /// The IEEE binary32 bit pattern of element `i`.
  @inlinable
  public func float32Bits(at i: Int) -> UInt32 {
    precondition(dtype == .float32 && i >= 0 && i < data.count / 4, "f32 element out of range")
    return data.loadLE32(4 * i)
  }
}

// MARK: - ContainerError

/// Why a container was rejected. `message` is one line without the file name; the host
/// prefixes the path: "models/tiny.dnm: damaged (checksum mismatch)".
public enum ContainerError: Error, Equatable {
  case notAContainer
  case truncated(size: Int, expected: UInt64)
  case trailingBytes(size: Int, expected: UInt64)
  case unsupportedVersion(UInt16)
  case unknownKind(UInt16)
  case misalignedBuffer
  case checksumMismatch(stored: UInt32, computed: UInt32)
  case malformed(Section, entry: Int, Defect)
  case missingTensor(name: String)
  case wrongDType(name: String, expected: TensorDType, found: TensorDType)
  case wrongShape(name: String, expected: TensorShape, found: TensorShape)

  public enum Section: Equatable, Sendable {
    case header, tensorTable, metadata
  }

  /// What is wrong in a section.
  public enum Defect: Equatable, Sendable {
    case fileSizeField, alignmentField, reservedField, tableOffsetField, metadataOffsetField
    case countField, sectionOutsideFile, unaccountedBytes, sectionLength
    case entryOverrunsSection, emptyName, nameNotPrintable, duplicateName, namesNotSorted
    case unknownDType(UInt8), rankTooLarge(UInt8), sizeOverflow, lengthMismatch
    case misplacedData, dataOutsideFile, valueNotUTF8

    public var text: String {
      switch self {
      case .fileSizeField: return "file size field is too small"
      case .alignmentField: return "alignment field is not \(ContainerFormat.dataAlignment)"
      case .reservedField: return "reserved field is not zero"
      case .tableOffsetField: return "tensor table does not start at byte \(ContainerFormat.headerSize)"
      case .metadataOffsetField: return "metadata does not follow the tensor table"
      case .countField: return "entry count is larger than its section"
      case .sectionOutsideFile: return "section extends past the end of the file"
      case .unaccountedBytes: return "bytes between the last tensor and the checksum"
      case .sectionLength: return "section length does not match its entries"
      case .entryOverrunsSection: return "entry runs past the end of its section"
      case .emptyName: return "empty name"
      case .nameNotPrintable: return "name is not printable ASCII"
      case .duplicateName: return "duplicate name"
      case .namesNotSorted: return "names are not sorted"
      case .unknownDType(let code): return "unknown element type code \(code)"
      case .rankTooLarge(let rank): return "rank \(rank) exceeds \(ContainerFormat.maxRank)"
      case .sizeOverflow: return "dimensions overflow"
      case .lengthMismatch: return "data length does not match shape and element type"
      case .misplacedData: return "data is not at its aligned offset"
      case .dataOutsideFile: return "data extends past the end of the file"
      case .valueNotUTF8: return "value is not valid UTF-8"
      }
    }
  }

  /// One line describing the problem, e.g. "truncated (100 of 4160 bytes)".
  public var message: String {
    switch self {
    case .notAContainer: return "not a dancenet model file"
    case .truncated(let size, let expected): return "truncated (\(size) of \(expected) bytes)"
    case .trailingBytes(let size, let expected):
      return "damaged (\(size) bytes, but the header says \(expected))"
    case .unsupportedVersion(let v):
      return "unsupported format version \(v) (this build reads version \(ContainerFormat.version))"
    case .unknownKind(let k): return "unknown file kind \(k)"
    case .misalignedBuffer:
      return "model bytes are not \(ContainerFormat.dataAlignment)-byte aligned in memory"
    case .checksumMismatch: return "damaged (checksum mismatch)"
    case .malformed(let section, let entry, let defect):
      switch section {
      case .header: return "damaged header: \(defect.text)"
      case .tensorTable: return "damaged tensor table, entry \(entry): \(defect.text)"
      case .metadata: return "damaged metadata, entry \(entry): \(defect.text)"
      }
    case .missingTensor(let name): return "missing tensor \(name)"
    case .wrongDType(let name, let expected, let found):
      return "tensor \(name) is \(found.label), expected \(expected.label)"
    case .wrongShape(let name, let expected, let found):
      return "tensor \(name) has shape \(found), expected \(expected)"
    }
  }
}

// MARK: - Bounds-checked parsing helpers

/// -1, 0 or 1 as `a` sorts before, equal to or after `b` (bytewise, shorter prefix first).
@usableFromInline
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
  let n = min(a.count, b.count)
  for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
  return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

/// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
@usableFromInline
func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
  var i = 0
  let n = bytes.count
  while i < n {
    let b0 = bytes[i]
    if b0 < 0x80 {
      i += 1
      continue
    }
    var length = 0
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch b0 {
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: length = 3; high = 0x9F
    case 0xF0: length = 4; low = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4: length = 4; high = 0x8F
    default: return false
    }
    if n - i < length { return false }
    let b1 = bytes[i + 1]
    if b1 < low || b1 > high { return false }
    for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return false }
    i += length
  }
  return true
}

extension UnsafeRawBufferPointer {
  // Little-endian loads; callers have checked `offset + width <= count`.
  @inlinable func loadLE16(_ offset: Int) -> UInt16 {
    UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
  }
  @inlinable func loadLE32(_ offset: Int) -> UInt32 {
    UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
  }
  @inlinable func loadLE64(_ offset: Int) -> UInt64 {
    UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
  }

  /// True when these bytes are exactly the UTF-8 encoding of `text`.
  @usableFromInline func equalsUTF8(of text: String) -> Bool {
    var i = 0
    for b in text.utf8 {
      if i >= count || self[i] != b { return false }
      i += 1
    }
    return i == count
  }

  /// Parses the tensor-table entry at `cursor` (its section ends at `end`, which is inside the
  /// buffer) and checks everything that needs no other entry. Returns the view and the cursor
  /// after the entry.
  @usableFromInline
  func readTensorEntry(at cursor: Int, end: Int, index: Int) throws(ContainerError)
    -> (TensorView, Int)
  {
    var c = cursor
    func need(_ n: Int) throws(ContainerError) {
      if end - c < n { throw .malformed(.tensorTable, entry: index, .entryOverrunsSection) }
    }
    try need(2)
    let nameLength = Int(loadLE16(c))
    c += 2
    if nameLength == 0 { throw .malformed(.tensorTable, entry: index, .emptyName) }
    try need(nameLength)
    let name = UnsafeRawBufferPointer(rebasing: self[c..<(c + nameLength)])
    for b in name where !ContainerFormat.isNameByte(b) {
      throw .malformed(.tensorTable, entry: index, .nameNotPrintable)
    }
    c += nameLength
    try need(2)
    let dtypeCode = self[c]
    let rankCode = self[c + 1]
    c += 2
    guard let dtype = TensorDType(rawValue: dtypeCode) else {
      throw .malformed(.tensorTable, entry: index, .unknownDType(dtypeCode))
    }
    if Int(rankCode) > ContainerFormat.maxRank {
      throw .malformed(.tensorTable, entry: index, .rankTooLarge(rankCode))
    }
    let rank = Int(rankCode)
    try need(4 * rank + 16)
    var dims: (Int, Int, Int, Int) = (0, 0, 0, 0)
    var bytesNeeded = dtype.byteWidth
    for i in 0..<rank {
      guard let d = Int(exactly: loadLE32(c + 4 * i)) else {
        throw .malformed(.tensorTable, entry: index, .sizeOverflow)
      }
      let (product, overflow) = bytesNeeded.multipliedReportingOverflow(by: d)
      if overflow { throw .malformed(.tensorTable, entry: index, .sizeOverflow) }
      bytesNeeded = product
      switch i {
      case 0: dims.0 = d
      case 1: dims.1 = d
      case 2: dims.2 = d
      default: dims.3 = d
      }
    }
    c += 4 * rank
    let offset64 = loadLE64(c)
    let length64 = loadLE64(c + 8)
    c += 16
    if length64 != UInt64(bytesNeeded) {
      throw .malformed(.tensorTable, entry: index, .lengthMismatch)
    }
    guard offset64 <= UInt64(count), length64 <= UInt64(count) - offset64 else {
      throw .malformed(.tensorTable, entry: index, .dataOutsideFile)
    }
    let offset = Int(offset64)
    let shape: TensorShape
    switch rank {
    case 0: shape = TensorShape()
    case 1: shape = TensorShape(dims.0)
    case 2: shape = TensorShape(dims.0, dims.1)
    case 3: shape = TensorShape(dims.0, dims.1, dims.2)
    default: shape = TensorShape(dims.0, dims.1, dims.2, dims.3)
    }
    let data = UnsafeRawBufferPointer(rebasing: self[offset..<(offset + bytesNeeded)])
    return (TensorView(name: name, dtype: dtype, shape: shape, data: data, dataOffset: offset), c)
  }

  /// Parses the metadata entry at `cursor`: (key, value, cursor after the entry).
  @usableFromInline
  func readMetadataEntry(at cursor: Int, end: Int, index: Int) throws(ContainerError)
    -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer, Int)
  {
    var c = cursor
    func field() throws(ContainerError) -> UnsafeRawBufferPointer {
      if end - c < 4 { throw .malformed(.metadata, entry: index, .entryOverrunsSection) }
      let length = loadLE32(c)
      c += 4
      guard UInt64(length) <= UInt64(end - c) else {
        throw .malformed(.metadata, entry: index, .entryOverrunsSection)
      }
      let slice = UnsafeRawBufferPointer(rebasing: self[c..<(c + Int(length))])
      c += Int(length)
      return slice
    }
    let key = try field()
    if key.isEmpty { throw .malformed(.metadata, entry: index, .emptyName) }
    for b in key where !ContainerFormat.isNameByte(b) {
      throw .malformed(.metadata, entry: index, .nameNotPrintable)
    }
    let value = try field()
    if !isValidUTF8(value) { throw .malformed(.metadata, entry: index, .valueNotUTF8) }
    return (key, value, c)
  }
}
