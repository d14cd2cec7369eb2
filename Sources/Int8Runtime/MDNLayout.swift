// MARK: - MDN output layout

/// Where each quantity sits in one row of the mixture density head's raw outputs.
///
/// The head (`sequence.mdn`, a linear `Dense`) produces 2·K·D + K numbers per step, laid out
/// component-major inside each block:
/// ```text
/// [ means: K·D | log-sigmas: K·D | mixture logits: K ]
///   mean(k, d)     = k·D + d
///   logSigma(k, d) = K·D + k·D + d
///   logit(k)       = 2·K·D + k
/// ```
/// The trainer, the quantizer and the int8 runtime all follow this layout (so the kernel's
/// columns and the bias are in this order too).
///
/// Sigma: σ = exp(clamp(s, -7, 7)) for a raw output s. Chosen over the original's
/// ELU + 1 because the log-density needs log σ, which is then exactly the clamped raw output
/// (no log of a tiny number), and the clamp bounds the density from above (σ >= e⁻⁷ ≈ 9.1e-4 in
/// normalised units), so the likelihood cannot run away to -∞ loss on a collapsed component.
/// Outside the clamp range the derivative wrt s is 0.
///
/// ```swift
/// let l = MDNLayout(mixtures: 24, dims: 128)
/// l.outputs          // 6168
/// l.logSigma(1, 0)   // 3072 + 128 = 3200
/// l.logit(23)        // 6144 + 23 = 6167
/// ```
public struct MDNLayout: Sendable, Equatable {
  /// K, the number of diagonal Gaussians.
  public let mixtures: Int
  /// D, the dimension of each Gaussian (the latent size).
  public let dims: Int

  /// The raw log-sigma is clamped to [-logSigmaBound, logSigmaBound] before `exp`.
  public static let logSigmaBound = 7

  public init(mixtures: Int, dims: Int) {
    precondition(mixtures > 0 && dims > 0)
    self.mixtures = mixtures
    self.dims = dims
  }

  public var outputs: Int { 2 * mixtures * dims + mixtures }
  @inlinable public func mean(_ k: Int, _ d: Int) -> Int { k * dims + d }
  @inlinable public func logSigma(_ k: Int, _ d: Int) -> Int { (mixtures + k) * dims + d }
  @inlinable public func logit(_ k: Int) -> Int { 2 * mixtures * dims + k }
}
