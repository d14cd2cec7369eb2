// MARK: - Metadata values

/// Parsing of the container's metadata text values in place (docs/FORMAT.md: numbers are
/// decimal without sign and without leading zeros, lists are comma-separated), without
/// Foundation. The float and int8 readers both use it, so they accept the same files.
///
/// ```swift
/// let v = container.metadataValue(forKey: "preset.decoder_channels")!   // the bytes "32,64,128"
/// MetadataValues.decimal(v)                                             // nil: a list
/// MetadataValues.decimalList(v)                                         // [32, 64, 128]
/// // a value "128" gives decimal 128, "0" gives 0; "-1", "+32", "032", "1e3", "" and
/// // "12345678901" give nil
/// ```
public enum MetadataValues {
  /// A decimal without sign or leading zero ("0" itself is one), at most `limit`; nil for
  /// anything else.
  public static func decimal(_ bytes: UnsafeRawBufferPointer, limit: Int = 1 << 14) -> Int? {
    if bytes.isEmpty || bytes.count > 9 { return nil }
    if bytes.count > 1 && bytes[0] == 0x30 { return nil }
    var n = 0
    for b in bytes {
      guard b >= 0x30 && b <= 0x39 else { return nil }
      n = n * 10 + Int(b - 0x30)
    }
    return n <= limit ? n : nil
  }

  /// Comma-separated decimals (no spaces), each in 1...limit, at most 8 of them.
  public static func decimalList(_ bytes: UnsafeRawBufferPointer, limit: Int = 1 << 14) -> [Int]? {
    var out: [Int] = []
    var start = 0
    for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x2C {
      guard let n = decimal(UnsafeRawBufferPointer(rebasing: bytes[start..<i]), limit: limit), n >= 1 else {
        return nil
      }
      out.append(n)
      start = i + 1
    }
    return out.count <= 8 ? out : nil
  }

  /// The value as a String (metadata values are valid UTF-8).
  public static func text(_ bytes: UnsafeRawBufferPointer) -> String {
    String(decoding: bytes, as: UTF8.self)
  }
}
