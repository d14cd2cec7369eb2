import FloatRandom
import Int8Runtime

// MARK: - Dropout

/// Inverted dropout (Keras' `Dropout`): in training each element is kept with probability
/// 1 - rate and scaled by 1 / (1 - rate), so that nothing changes at inference, where dropout is
/// the identity and draws nothing.
///
/// The mask is data: `mask` draws it, `forward` and `backward` multiply by it. That keeps
/// forward and backward consistent and lets a gradient check hold the mask fixed.
///
/// Draw order: one `DanceRandomFloats.uniform` (24 bits) per element, in the element order of the
/// tensor; the element is kept when the uniform is >= rate. A rate of 0 draws nothing.
///
/// ```swift
/// var rng = DanceRandom(seed: 7)
/// let mask: [Double] = Dropout.mask(count: 4, percent: 40, rng: &rng)  // e.g. [1.667, 0, 1.667, 1.667]
/// Dropout.forward([1, 2, 3, 4], mask: mask)      // x ⊙ mask
/// Dropout.backward([1, 1, 1, 1], mask: mask)     // dy ⊙ mask
/// ```
public enum Dropout {
  /// A mask of `count` entries, each 0 (dropped) or 1 / (1 - percent/100) (kept).
  public static func mask<Scalar: TrainScalar>(count: Int, percent: Int, rng: inout DanceRandom)
    -> [Scalar]
  {
    precondition(percent >= 0 && percent < 100, "dropout must be in 0..<100 percent")
    if percent == 0 { return [Scalar](repeating: 1, count: count) }
    let rate = Scalar(percent) / 100
    let keptValue = 1 / (1 - rate)
    var m = [Scalar](repeating: 0, count: count)
    for i in 0..<count {
      let u: Scalar = DanceRandomFloats.uniform(&rng)
      if u >= rate { m[i] = keptValue }
    }
    return m
  }

  /// y = x ⊙ mask
  public static func forward<Scalar: TrainScalar>(_ x: [Scalar], mask: [Scalar]) -> [Scalar] {
    precondition(x.count == mask.count, "dropout mask size differs from its input")
    var y = x
    for i in y.indices { y[i] *= mask[i] }
    return y
  }

  /// dx = dy ⊙ mask
  public static func backward<Scalar: TrainScalar>(_ dy: [Scalar], mask: [Scalar]) -> [Scalar] {
    forward(dy, mask: mask)
  }
}
