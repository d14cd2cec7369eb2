import Int8Runtime

// MARK: - Random draws as floats

/// Float views of `DanceRandom` draws, for the float side only (Int8Runtime stays
/// integer-only): weight initialisers, dropout, the VAE's reparameterisation, the synthetic
/// dancer's variation.
///
/// ```swift
/// var rng = DanceRandom(seed: 1)
/// let u: Double = DanceRandomFloats.uniform(&rng)    // in [0, 1), 24 bits
/// let g: Float = DanceRandomFloats.gaussian(&rng)    // gaussianQ12() / 4096
/// ```
public enum DanceRandomFloats {
  /// Uniform on [0, 1) with 24 bits: (next() >> 8) * 2^-24.
  @inlinable
  public static func uniform<T: BinaryFloatingPoint>(_ rng: inout DanceRandom) -> T {
    T(rng.next() >> 8) * T(1.0 / 16_777_216.0)
  }

  /// Approximately standard normal: `gaussianQ12() / 4096` (Irwin–Hall, see `DanceRandom`).
  @inlinable
  public static func gaussian<T: BinaryFloatingPoint>(_ rng: inout DanceRandom) -> T {
    T(rng.gaussianQ12()) / 4096
  }
}
