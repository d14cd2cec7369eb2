// MARK: - LatentFormat

/// The int8 model's latent format (docs/INT8.md): a normalised latent value v is the int16
/// clamp(round(v · 2^f)), f = `latent.fraction_bits`.
///
/// ```swift
/// LatentFormat.quantize([0.5, -3, 100], fractionBits: 12)   // [2048, -12288, 32767]
/// ```
public enum LatentFormat {
  public static func quantize(_ value: Double, fractionBits f: Int) -> Int16 {
    Int16(max(-32768, min(32767, (value * Double(1 << f)).rounded())))
  }

  public static func quantize(_ values: [Double], fractionBits f: Int) -> [Int16] {
    values.map { quantize($0, fractionBits: f) }
  }
}
