// MARK: - SynthMath

/// Deterministic elementary functions for the synthetic dancer.
///
/// The dancer's pixels are hashed in tests and must not depend on the C library's `sin`/`cos`,
/// whose last bits may differ between libm versions. These use only `+`, `-`, `*` and
/// correctly rounded IEEE operations, so every machine computes the same bits.
///
/// ```swift
/// SynthMath.sin(.pi / 6)       // 0.49999999999999994 (within 1e-15 of 0.5)
/// SynthMath.cos(0)             // 1.0
/// SynthMath.smoothstep(0.5)    // 0.5, a cosine ease: 0 -> 0, 1 -> 1, zero slope at both ends
/// ```
public enum SynthMath {
  /// Degrees to radians: `deg(90) == .pi / 2`.
  @inlinable
  public static func deg(_ degrees: Double) -> Double { degrees * (Double.pi / 180) }

  // MARK: - Sine and cosine

  /// sin(x) for |x| up to about 1e6 (the dancer's phases stay far below that).
  public static func sin(_ x: Double) -> Double {
    let (k, r) = reduce(x)
    switch k & 3 {
    case 0: return sinKernel(r)
    case 1: return cosKernel(r)
    case 2: return -sinKernel(r)
    default: return -cosKernel(r)
    }
  }

  /// cos(x) for |x| up to about 1e6.
  public static func cos(_ x: Double) -> Double {
    let (k, r) = reduce(x)
    switch k & 3 {
    case 0: return cosKernel(r)
    case 1: return -sinKernel(r)
    case 2: return -cosKernel(r)
    default: return sinKernel(r)
    }
  }

  /// x = k * pi/2 + r with |r| <= pi/4 (Cody-Waite reduction with pi/2 split in two parts).
  @usableFromInline static func reduce(_ x: Double) -> (Int, Double) {
    let twoOverPi = 0.636_619_772_367_581_38
    let k = (x * twoOverPi).rounded(.toNearestOrEven)
    // pi/2 = hi + lo; hi has 26 trailing zero bits, so k * hi is exact for |k| < 2^26.
    let hi = 1.570_796_325_802_803_0  // 0x3FF921FB54000000
    let lo = 9.920_935_796_805_404e-10  // pi/2 - hi, rounded
    let r = (x - k * hi) - k * lo
    return (Int(k), r)
  }

  /// Taylor series of sin on [-pi/4, pi/4] to the x^17 term (truncation error < 1e-19).
  @usableFromInline static func sinKernel(_ r: Double) -> Double {
    let r2 = r * r
    var p = 1.0 / 355_687_428_096_000  // 1/17!
    p = p * r2 - 1.0 / 1_307_674_368_000  // 1/15!
    p = p * r2 + 1.0 / 6_227_020_800
    p = p * r2 - 1.0 / 39_916_800
    p = p * r2 + 1.0 / 362_880
    p = p * r2 - 1.0 / 5040
    p = p * r2 + 1.0 / 120
    p = p * r2 - 1.0 / 6
    return r + r * r2 * p
  }

  /// Taylor series of cos on [-pi/4, pi/4] to the x^18 term.
  @usableFromInline static func cosKernel(_ r: Double) -> Double {
    let r2 = r * r
    var p = -1.0 / 6_402_373_705_728_000  // -1/18!
    p = p * r2 + 1.0 / 20_922_789_888_000  // 1/16!
    p = p * r2 - 1.0 / 87_178_291_200
    p = p * r2 + 1.0 / 479_001_600
    p = p * r2 - 1.0 / 3_628_800
    p = p * r2 + 1.0 / 40320
    p = p * r2 - 1.0 / 720
    p = p * r2 + 1.0 / 24
    p = p * r2 - 0.5
    return 1 + r2 * p
  }

  // MARK: - Easing

  /// Cosine ease from 0 to 1 on [0, 1], clamped outside: (1 - cos(pi u)) / 2.
  public static func smoothstep(_ u: Double) -> Double {
    if u <= 0 { return 0 }
    if u >= 1 { return 1 }
    return 0.5 - 0.5 * cos(Double.pi * u)
  }

  /// Linear interpolation: `mix(2, 4, 0.25) == 2.5`.
  @inlinable
  public static func mix(_ a: Double, _ b: Double, _ w: Double) -> Double { a + (b - a) * w }

  /// Clamps `x` into `lo...hi`.
  @inlinable
  public static func clamp(_ x: Double, _ lo: Double, _ hi: Double) -> Double {
    Swift.min(Swift.max(x, lo), hi)
  }

  // MARK: - Seeds

  /// A well-mixed 64-bit seed for sub-stream `index` of `seed` (SplitMix64 finaliser), so that
  /// frame 17's jitter can be drawn without drawing frames 0...16 first.
  public static func subSeed(_ seed: UInt64, _ index: UInt64) -> UInt64 {
    var z = seed ^ (index &* 0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
