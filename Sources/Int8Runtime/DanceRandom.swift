// MARK: - DanceRandom

/// The project's one random generator: xoshiro128** seeded through SplitMix64.
///
/// Every random choice in dancenet (synthetic dancer variation, weight initialisation, dropout,
/// the VAE's reparameterisation noise, MDN sampling in both the float and the int8 generator)
/// draws from this generator, so that float and int8 generation can be fed the same noise.
/// It uses 32-bit operations only, which suits a Cortex-M core.
///
/// Seeding: a `UInt64` seed is expanded by SplitMix64 into two 64-bit words, split into the four
/// 32-bit state words (low half first). An all-zero state cannot occur in practice; if it did,
/// word 0 is set to 1.
///
/// ```swift
/// var rng = DanceRandom(seed: 42)
/// let a = rng.next()           // UInt32, the same on every platform and build mode
/// let k = rng.next(below: 24)  // uniform in 0..<24, exact (Lemire's rejection method)
/// let g = rng.gaussianQ12()    // ≈ N(0, 1) in units of 1/4096
/// ```
public struct DanceRandom: Sendable, Equatable {
  @usableFromInline var state: (UInt32, UInt32, UInt32, UInt32)

  public init(seed: UInt64) {
    var sm = seed
    let a = DanceRandom.splitMix64(&sm)
    let b = DanceRandom.splitMix64(&sm)
    state = (
      UInt32(truncatingIfNeeded: a), UInt32(truncatingIfNeeded: a >> 32),
      UInt32(truncatingIfNeeded: b), UInt32(truncatingIfNeeded: b >> 32)
    )
    if state == (0, 0, 0, 0) { state.0 = 1 }
  }

  public static func == (lhs: DanceRandom, rhs: DanceRandom) -> Bool {
    lhs.state == rhs.state
  }

  /// SplitMix64 step (Steele, Lea, Flood 2014): the standard seeder for xoshiro generators.
  @inlinable
  static func splitMix64(_ x: inout UInt64) -> UInt64 {
    x &+= 0x9E37_79B9_7F4A_7C15
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  @inlinable
  static func rotl(_ x: UInt32, _ k: UInt32) -> UInt32 { (x << k) | (x >> (32 - k)) }

  // MARK: - Draws

  /// The next 32 uniform bits (xoshiro128**: result = rotl(s1 * 5, 7) * 9).
  @inlinable
  public mutating func next() -> UInt32 {
    let result = DanceRandom.rotl(state.1 &* 5, 7) &* 9
    let t = state.1 << 9
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = DanceRandom.rotl(state.3, 11)
    return result
  }

  /// A uniform integer in `0..<bound` (bound > 0), without modulo bias.
  ///
  /// Lemire's method: m = next() * bound (64-bit); reject while the low word is below
  /// (2^32 - bound) mod bound; the answer is the high word.
  @inlinable
  public mutating func next(below bound: UInt32) -> UInt32 {
    precondition(bound > 0, "bound must be positive")
    var m = UInt64(next()) &* UInt64(bound)
    if UInt32(truncatingIfNeeded: m) < bound {
      let threshold = (0 &- bound) % bound
      while UInt32(truncatingIfNeeded: m) < threshold {
        m = UInt64(next()) &* UInt64(bound)
      }
    }
    return UInt32(truncatingIfNeeded: m >> 32)
  }

  /// An approximately standard normal value in Q12 fixed point (4096 = 1.0).
  ///
  /// Irwin–Hall with twelve 12-bit uniforms: each `next() >> 20` is uniform on 0..<4096 with
  /// variance 4096²/12, so the sum of twelve has variance 4096²; subtracting the mean
  /// 12 × 2047.5 = 24570 gives mean exactly 0 and standard deviation 4096.
  /// The result lies in [-24570, 24570] (±6σ), exactly reproducible in integers.
  ///
  /// ```swift
  /// var rng = DanceRandom(seed: 1)
  /// let z = rng.gaussianQ12()  // e.g. -3127 ≈ -0.763σ
  /// ```
  @inlinable
  public mutating func gaussianQ12() -> Int32 {
    var sum: Int32 = 0
    for _ in 0..<12 { sum &+= Int32(next() >> 20) }
    return sum &- 24570
  }
}
