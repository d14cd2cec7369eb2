import FileAccess

// MARK: - Float16Storage

/// Float32 <-> IEEE 754 binary16 for shipping float models at half the size (the paper preset's
/// 15.67 M parameters take 62.7 MB as float32, 31.3 MB as float16).
///
/// Rounding is to nearest, ties to even (Swift's `Float16(_: Float)`, IEEE 754's default);
/// subnormal results are kept. A value that is NaN or infinite, or whose magnitude rounds past
/// the largest finite float16 (65504; anything at or above 65520 would become infinity), is
/// refused with a one-line message instead of being stored as infinity. Widening back to Float
/// is exact.
///
/// ```swift
/// Float16Storage.bits(1.0)                      // 0x3C00
/// Float16Storage.bits(1 + 1.0 / 2048)           // 0x3C00  (halfway: ties to the even 1.0)
/// Float16Storage.bits(1 + 3.0 / 2048)           // 0x3C02  (halfway: ties to the even 1.001953125)
/// Float16Storage.float(0x3C01)                  // 1.0009765625
/// Float16Storage.bits(70000)                    // nil (too large)
/// ```
public enum Float16Storage {
  /// The largest finite float16.
  public static let largestFinite: Float = 65504

  /// The nearest float16's bit pattern, or nil when `value` is not finite or too large.
  @inlinable
  public static func bits(_ value: Float) -> UInt16? {
    let h = Float16(value)
    return h.isFinite ? h.bitPattern : nil
  }

  /// The float16 with bit pattern `bits`, widened exactly to Float.
  @inlinable
  public static func float(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

  /// True when `value` survives a trip through float16 unchanged.
  public static func isRepresentable(_ value: Float) -> Bool {
    guard let b = bits(value) else { return false }
    return float(b) == value
  }

  /// Bit patterns of all `values`; throws a line naming the first value that cannot be stored.
  public static func bits(_ values: [Float]) throws(FileIOError) -> [UInt16] {
    var failure: Int? = nil
    let out = [UInt16](unsafeUninitializedCapacity: values.count) { out, count in
      values.withUnsafeBufferPointer { v in
        for i in 0..<v.count {
          let h = Float16(v[i])
          if !h.isFinite {
            failure = i
            break
          }
          out[i] = h.bitPattern
        }
      }
      count = failure == nil ? values.count : 0
    }
    if let i = failure {
      let v = values[i]
      let why = v.isFinite ? "does not fit float16 (largest \(Int(largestFinite)))" : "is not finite"
      throw FileIOError("value \(v) at index \(i) \(why)")
    }
    return out
  }

  /// All `bits` widened to Float.
  public static func floats(_ bits: [UInt16]) -> [Float] { bits.map(float) }
}
