// MARK: - LatentFormat

/// The int8 model's latent format (docs/INT8.md): a normalised latent value v is the int16
/// clamp(round(v · 2^f)), f = `latent.fraction_bits`; the value q stands for q · 2^−f.
///
/// Both directions live here, beside the measures that compare int8 and float dances, so the
/// quantizer (which writes latents) and the evaluation (which reads the int8 generator's) share
/// one definition.
///
/// ```swift
/// LatentFormat.quantize([0.5, -3, 100], fractionBits: 12)   // [2048, -12288, 32767]
/// LatentFormat.real([2048, -12288], fractionBits: 12)       // [0.5, -3.0]
/// ```
public enum LatentFormat {
  // MARK: - Normalised value -> latent format

  public static func quantize(_ value: Double, fractionBits f: Int) -> Int16 {
    Int16(max(-32768, min(32767, (value * Double(1 << f)).rounded())))
  }

  public static func quantize(_ values: [Double], fractionBits f: Int) -> [Int16] {
    values.map { quantize($0, fractionBits: f) }
  }

  // MARK: - Latent format -> normalised value

  /// q · 2^−f, exact in Double (an int16 times a power of two).
  public static func real<Q: BinaryInteger>(_ q: Q, fractionBits f: Int) -> Double {
    Double(q) / Double(1 << f)
  }

  public static func real(_ values: [Int16], fractionBits f: Int) -> [Double] {
    values.map { real($0, fractionBits: f) }
  }
}
