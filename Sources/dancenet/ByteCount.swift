// MARK: - ByteCount

/// A count of bytes as a person types it: decimal digits, optionally followed by K (×1024) or
/// M (×1024²), either case; no sign, no spaces, no fractions. At least 1, at most Int.max.
///
/// ```swift
/// try ByteCount.parse("131072", flag: "--budget")   // 131072
/// try ByteCount.parse("128K", flag: "--budget")     // 131072
/// try ByteCount.parse("1m", flag: "--budget")       // 1048576
/// try ByteCount.parse("12Q", flag: "--budget")
/// // throws "--budget '12Q' is not a byte count (digits, optionally K or M: 131072, 128K, 1M)"
/// ```
enum ByteCount {
  /// The problem with a value, as one line.
  struct Invalid: Error, Equatable, CustomStringConvertible {
    let description: String
  }

  static func parse(_ text: String, flag: String) throws(Invalid) -> Int {
    let notACount = Invalid(
      description: "\(flag) '\(text)' is not a byte count (digits, optionally K or M: 131072, 128K, 1M)")
    var digits = Substring(text)
    var unit = 1
    switch text.last {
    case "K", "k": unit = 1024
    case "M", "m": unit = 1024 * 1024
    default: break
    }
    if unit > 1 { digits = digits.dropLast() }
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw notACount }
    guard let n = Int(digits) else { throw Invalid(description: "\(flag) '\(text)' is too large") }
    let (bytes, overflow) = n.multipliedReportingOverflow(by: unit)
    if overflow { throw Invalid(description: "\(flag) '\(text)' is too large") }
    if bytes == 0 { throw Invalid(description: "\(flag) must be at least 1 byte, got '\(text)'") }
    return bytes
  }
}
