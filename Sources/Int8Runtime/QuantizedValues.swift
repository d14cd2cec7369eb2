// MARK: - Zero-copy element views

/// Read-only views of a tensor's little-endian elements where they lie (a memory-mapped file, or
/// flash): nothing is copied. The bytes must stay valid and unchanged while a view is in use.
///
/// ```swift
/// let w = Int8Values(view.data)     // view: a TensorView of dtype i8
/// w[3]                              // the fourth weight, as Int8
/// let b = Int32Values(bias.data)    // 4-byte elements, little-endian
/// b.count                           // bias.data.count / 4
/// ```
public struct Int8Values {
  public let bytes: UnsafeRawBufferPointer
  public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
  public var count: Int { bytes.count }
  @inlinable public subscript(i: Int) -> Int8 { Int8(bitPattern: bytes[i]) }
}

/// Two-byte signed elements, little-endian.
public struct Int16Values {
  public let bytes: UnsafeRawBufferPointer
  public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
  public var count: Int { bytes.count / 2 }
  @inlinable public subscript(i: Int) -> Int16 {
    precondition(i >= 0 && i < count, "int16 element out of range")
    return Int16(bitPattern: bytes.loadLE16(2 * i))
  }
}

/// Four-byte signed elements, little-endian.
public struct Int32Values {
  public let bytes: UnsafeRawBufferPointer
  public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
  public var count: Int { bytes.count / 4 }
  @inlinable public subscript(i: Int) -> Int32 {
    precondition(i >= 0 && i < count, "int32 element out of range")
    return Int32(bitPattern: bytes.loadLE32(4 * i))
  }
}

/// Per-output-channel requantisation parameters: multiplier M[c] and shift r[c].
public struct ChannelRequantization {
  public let multiplier: Int32Values
  public let shift: Int8Values
  public init(multiplier: Int32Values, shift: Int8Values) {
    self.multiplier = multiplier
    self.shift = shift
  }
  /// scaled(acc, M[c], r[c]) (docs/INT8.md): the channel's accumulator rescaled, unclamped.
  @inlinable
  public func scaled(_ acc: Int32, channel c: Int) -> Int64 {
    Requantization.scaled(acc, multiplier: multiplier[c], shift: shift[c])
  }
  /// clamp(scaled + zeroPoint, min, max).
  @inlinable
  public func requantize(_ acc: Int32, channel c: Int, zeroPoint: Int32, min: Int32, max: Int32) -> Int32 {
    Requantization.requantize(
      acc, multiplier: multiplier[c], shift: shift[c], zeroPoint: zeroPoint, min: min, max: max)
  }
}
