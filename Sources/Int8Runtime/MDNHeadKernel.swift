// MARK: - MDNHead

/// The mixture density head as integer rows (docs/INT8.md, "MDN head"): a dense layer
/// [O = 2KD + K, H] on the int16 sequence.dense output whose rows follow `MDNLayout`'s order, each
/// row requantised by its own multiplier to its own format:
/// ```text
/// mean(k, d)     row k·D + d          int16 in the latent format (2^−f), clamp [−32768, 32767]
/// logSigma(k, d) row KD + k·D + d     int16 Q11, clamp [−32768, 32767] (σ clamps to ±7 later)
/// logit(k)       row 2KD + k          int32 Q16, clamp [−2^31, 2^31 − 1]
/// ```
/// Any row can be computed alone, so a streaming runtime can compute the K logits first and then
/// only the chosen component's 2D rows.
///
/// ```swift
/// let head = MDNHead(layer: denseWeights, mixtures: 5, dims: 32)
/// head.logit(2, input: x)      // row 2·5·32 + 2 = 322
/// head.mean(1, 0, input: x)    // row 32
/// ```
public struct MDNHead {
  public let layer: DenseWeights
  public let mixtures: Int
  public let dims: Int

  public init(layer: DenseWeights, mixtures: Int, dims: Int) {
    precondition(layer.outputs == 2 * mixtures * dims + mixtures, "MDN head has 2KD + K rows")
    self.layer = layer
    self.mixtures = mixtures
    self.dims = dims
  }

  @inlinable
  func row(_ r: Int, _ x: UnsafeBufferPointer<Int16>, min: Int32, max: Int32) -> Int32 {
    layer.requantization.requantize(
      layer.accumulator(r, int16Input: x), channel: r, zeroPoint: 0, min: min, max: max)
  }

  /// μ_kd in the latent format.
  @inlinable
  public func mean(_ k: Int, _ d: Int, input x: UnsafeBufferPointer<Int16>) -> Int16 {
    Int16(truncatingIfNeeded: row(k * dims + d, x, min: -32768, max: 32767))
  }

  /// The raw log-sigma s_kd in Q11 (before the ±7 clamp).
  @inlinable
  public func logSigma(_ k: Int, _ d: Int, input x: UnsafeBufferPointer<Int16>) -> Int16 {
    Int16(truncatingIfNeeded: row((mixtures + k) * dims + d, x, min: -32768, max: 32767))
  }

  /// The mixture logit l_k in Q16.
  @inlinable
  public func logit(_ k: Int, input x: UnsafeBufferPointer<Int16>) -> Int32 {
    row(2 * mixtures * dims + k, x, min: Int32.min, max: Int32.max)
  }
}
