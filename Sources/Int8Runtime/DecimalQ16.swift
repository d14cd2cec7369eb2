// MARK: - DecimalQ16

/// Decimal text to Q16 fixed point (65536 = 1.0) in integers only: how the runtime reads the
/// default sampling temperatures a model file records (`generation.pi_temperature`, text such
/// as `0.5`), on the host and on the firmware alike.
///
/// The text is digits with an optional fraction (`1`, `0.5`, `0.30`): no sign, no exponent, at
/// most 16 characters. The value v is rounded to the nearest Q16 step, ties up:
/// ⌊v · 65536 + ½⌋, computed exactly from the digits.
///
/// ```swift
/// DecimalQ16.parse("1")      // 65536
/// DecimalQ16.parse("0.5")    // 32768
/// DecimalQ16.parse("0.3")    // 19661   (19660.8 rounds up)
/// DecimalQ16.parse("-1")     // nil
/// ```
public enum DecimalQ16 {
  /// The Q16 value of `text`, or nil when it is not of the form above or exceeds 65535.
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> UInt32? {
    if bytes.isEmpty || bytes.count > 16 { return nil }
    var whole: UInt64 = 0
    var numerator: UInt64 = 0  // the fraction's digits as an integer
    var denominator: UInt64 = 1  // 10^(fraction digits)
    var inFraction = false
    var digitsBefore = 0
    var digitsAfter = 0
    for b in bytes {
      if b == 0x2E {
        if inFraction { return nil }
        inFraction = true
        continue
      }
      guard b >= 0x30 && b <= 0x39 else { return nil }
      let d = UInt64(b - 0x30)
      if inFraction {
        numerator = numerator * 10 + d
        denominator *= 10
        digitsAfter += 1
      } else {
        whole = whole * 10 + d
        digitsBefore += 1
      }
    }
    if digitsBefore == 0 || (inFraction && digitsAfter == 0) { return nil }
    if whole > 65535 { return nil }
    // round-half-up of numerator · 65536 / denominator, exact: with at most 16 characters and a
    // digit before the point there are at most 14 fraction digits, so numerator · 65536 <
    // 10^14 · 2^16 < 2^63.
    let scaled = (numerator << 16) / denominator
    let remainder = (numerator << 16) % denominator
    let fraction = scaled + (2 * remainder >= denominator ? 1 : 0)
    let value = (whole << 16) + fraction
    return value <= UInt64(UInt32.max) ? UInt32(value) : nil
  }

  /// The same for a Swift string (host code and tests).
  public static func parse(_ text: String) -> UInt32? {
    var t = text
    return t.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
  }
}
