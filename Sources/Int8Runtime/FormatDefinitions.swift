// MARK: - ContainerFormat

/// The constants of dancenet's one file format (the "container"), shared by the float model,
/// training checkpoints and the int8 model. docs/FORMAT.md is the specification; this type is
/// its single source of numbers for the reader (`TensorContainer`) and the writer
/// (`ContainerWriter` in Trainer).
///
/// Layout, in file order: a 64-byte header, the tensor table, the metadata section, the tensor
/// data (each tensor at a multiple of `dataAlignment`), and a 4-byte CRC-32 trailer.
///
/// ```swift
/// ContainerFormat.magic                        // (0x44, 0x4E, 0x43, 0x45) = "DNCE"
/// ContainerFormat.alignUp(70)                  // 80
/// ContainerFormat.tensorEntrySize(nameLength: 20, rank: 4)   // 2 + 20 + 2 + 16 + 16 = 56
/// ```
public enum ContainerFormat {
  /// The first four bytes of every file: ASCII "DNCE".
  public static let magic: (UInt8, UInt8, UInt8, UInt8) = (0x44, 0x4E, 0x43, 0x45)
  /// Byte `i` (0...3) of `magic`.
  @inlinable
  public static func magicByte(_ i: Int) -> UInt8 {
    switch i {
    case 0: return magic.0
    case 1: return magic.1
    case 2: return magic.2
    default: return magic.3
    }
  }
  /// The format version this build writes and reads.
  public static let version: UInt16 = 1
  /// Size of the fixed header; the tensor table starts right after it.
  public static let headerSize = 64
  /// Every tensor's data starts at a multiple of this many bytes from the file start. 16 bytes
  /// covers every scalar type and 128-bit vector loads (SSE, NEON, Helium) with little padding.
  public static let dataAlignment = 16
  /// Size of the CRC-32 trailer at the very end of the file.
  public static let checksumSize = 4
  /// Tensors have at most this many dimensions (rank 0 is a scalar of one element).
  public static let maxRank = 4

  // MARK: - Header field offsets (all little-endian)

  public enum HeaderField {
    public static let magic = 0  // 4 bytes "DNCE"
    public static let version = 4  // u16
    public static let kind = 6  // u16, a ContainerKind
    public static let tensorCount = 8  // u32
    public static let metadataCount = 12  // u32
    public static let fileSize = 16  // u64, whole file including the trailer
    public static let tableOffset = 24  // u64, always 64
    public static let tableLength = 32  // u64
    public static let metadataOffset = 40  // u64, always tableOffset + tableLength
    public static let metadataLength = 48  // u64
    public static let alignment = 56  // u32, always 16
    public static let reserved = 60  // u32, always 0
  }

  // MARK: - Layout arithmetic

  /// `offset` rounded up to the next multiple of `dataAlignment`, or nil on overflow.
  @inlinable
  public static func alignUp(_ offset: Int) -> Int? {
    let (sum, overflow) = offset.addingReportingOverflow(dataAlignment - 1)
    if overflow { return nil }
    return sum & ~(dataAlignment - 1)
  }

  /// Bytes one tensor-table entry takes: u16 name length, name, u8 dtype, u8 rank,
  /// u32 per dimension, u64 data offset, u64 data length.
  @inlinable
  public static func tensorEntrySize(nameLength: Int, rank: Int) -> Int {
    2 + nameLength + 2 + 4 * rank + 16
  }

  /// Bytes one metadata entry takes: u32 key length, key, u32 value length, value.
  @inlinable
  public static func metadataEntrySize(keyLength: Int, valueLength: Int) -> Int {
    4 + keyLength + 4 + valueLength
  }

  /// True for the bytes allowed in tensor names and metadata keys: printable ASCII without
  /// space (0x21...0x7E), so that names compare as plain bytes.
  @inlinable
  public static func isNameByte(_ byte: UInt8) -> Bool { byte >= 0x21 && byte <= 0x7E }
}

// MARK: - ContainerKind

/// What a container holds (header field `kind`).
public enum ContainerKind: UInt16, Sendable, Equatable {
  /// The trainer's output: float32 (or float16-stored) weights, normalisation, start latents.
  case floatModel = 1
  /// A training checkpoint: float32 parameters, optimiser state, training position.
  case checkpoint = 2
  /// The quantizer's output, read in place by the int8 runtime.
  case int8Model = 3

  /// The label with its article: "a float model", "a checkpoint", "an int8 model".
  public var labelWithArticle: String {
    switch self {
    case .int8Model: return "an " + label
    default: return "a " + label
    }
  }

  /// Words for messages: "float model", "checkpoint", "int8 model".
  public var label: String {
    switch self {
    case .floatModel: return "float model"
    case .checkpoint: return "checkpoint"
    case .int8Model: return "int8 model"
    }
  }
}

// MARK: - TensorDType

/// Element type of a stored tensor (one byte in the tensor table). All multi-byte values are
/// little-endian; float16 is IEEE 754 binary16, float32 is IEEE 754 binary32.
///
/// ```swift
/// TensorDType(rawValue: 3)        // .int8
/// TensorDType.float16.byteWidth   // 2
/// ```
public enum TensorDType: UInt8, Sendable, Equatable {
  case float32 = 1
  case float16 = 2
  case int8 = 3
  case int16 = 4
  case int32 = 5
  case uint8 = 6

  /// Bytes per element.
  public var byteWidth: Int {
    switch self {
    case .int8, .uint8: return 1
    case .float16, .int16: return 2
    case .float32, .int32: return 4
    }
  }

  /// The name used in docs/FORMAT.md and in messages: "f32", "f16", "i8", "i16", "i32", "u8".
  public var label: String {
    switch self {
    case .float32: return "f32"
    case .float16: return "f16"
    case .int8: return "i8"
    case .int16: return "i16"
    case .int32: return "i32"
    case .uint8: return "u8"
    }
  }
}

// MARK: - CRC32

/// CRC-32 as used by zlib, PNG and Ethernet (IEEE 802.3): reflected polynomial 0xEDB88320,
/// initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF. The container's trailer is the CRC-32 of
/// every byte before it.
///
/// ```swift
/// var crc = CRC32()
/// crc.update(bytesOf: "123456789")   // the standard check string
/// crc.value                          // 0xCBF43926
/// ```
public struct CRC32: Sendable {
  @usableFromInline var table: InlineArray<256, UInt32>
  @usableFromInline var state: UInt32 = 0xFFFF_FFFF

  public init() {
    table = InlineArray(repeating: 0)
    for i in 0..<256 {
      var c = UInt32(truncatingIfNeeded: i)
      for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
      table[i] = c
    }
  }

  /// Feeds `bytes` into the checksum.
  @inlinable
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    var c = state
    for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    state = c
  }

  /// Feeds the UTF-8 bytes of `text` (handy for the check value and for tests).
  public mutating func update(bytesOf text: String) {
    var c = state
    for b in text.utf8 { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    state = c
  }

  /// The checksum of everything fed so far.
  public var value: UInt32 { ~state }

  /// The CRC-32 of `bytes` in one call.
  public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var crc = CRC32()
    crc.update(bytes)
    return crc.value
  }
}
