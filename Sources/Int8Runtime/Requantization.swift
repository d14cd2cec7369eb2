// MARK: - Requantization

/// The one rescaling rule of the integer path (docs/INT8.md, "Requantisation"): an accumulator
/// times an int32 multiplier M, divided by 2^r with a single rounding, half up, then a zero point
/// and a clamp.
///
/// The real multiplier is m = M · 2^−r. With |acc| < 2^31 (the reader's accumulator bound),
/// M < 2^31 and 1 ≤ r ≤ 62, the exact product and the rounding term fit in 64 bits.
///
/// ```swift
/// // m = 0.0123: M = 1_690_499_128, r = 37
/// Requantization.scaled(1000, multiplier: 1_690_499_128, shift: 37)    // 12   (12.3)
/// Requantization.scaled(-1000, multiplier: 1_690_499_128, shift: 37)   // -12  (-12.3)
/// Requantization.scaled(5, multiplier: 1 << 30, shift: 31)             // 3    (2.5, half up)
/// Requantization.scaled(-5, multiplier: 1 << 30, shift: 31)            // -2   (-2.5, half up)
/// Requantization.requantize(1000, multiplier: 1_690_499_128, shift: 37,
///                           zeroPoint: -128, min: -128, max: 127)       // -116
/// ```
public enum Requantization {
  /// Largest right shift a file may use.
  public static let maxShift = 62

  /// Round half up of x / 2^s for s ≥ 1: (x + 2^(s−1)) >> s, the shift arithmetic (floor).
  /// The caller guarantees that x + 2^(s−1) does not overflow.
  @inlinable
  public static func roundingShiftRight(_ x: Int64, by s: Int) -> Int64 {
    // Masking shifts: the same values for 1 ≤ s ≤ 63, without the range branches of `<<` and
    // `>>`, so that the streaming kernels' per-channel loops vectorise.
    (x &+ (Int64(1) &<< (s - 1))) &>> s
  }

  /// (acc · M + 2^(r−1)) >> r, exact: the accumulator scaled by M · 2^−r, before zero point and clamp.
  @inlinable
  public static func scaled(_ acc: Int32, multiplier: Int32, shift: Int8) -> Int64 {
    // |acc| < 2^31 and 0 ≤ M < 2^31: the product is below 2^62, so no check is needed.
    roundingShiftRight(Int64(acc) &* Int64(multiplier), by: Int(shift))
  }

  /// clamp(scaled(acc, M, r) + zeroPoint, min, max).
  @inlinable
  public static func requantize(
    _ acc: Int32, multiplier: Int32, shift: Int8, zeroPoint: Int32, min lo: Int32, max hi: Int32
  ) -> Int32 {
    let v = scaled(acc, multiplier: multiplier, shift: shift) &+ Int64(zeroPoint)
    return Int32(truncatingIfNeeded: Swift.min(Swift.max(v, Int64(lo)), Int64(hi)))
  }
}
