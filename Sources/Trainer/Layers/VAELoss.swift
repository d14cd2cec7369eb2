import FloatRandom
import Int8Runtime
import RealModule

// MARK: - VAELoss

/// The VAE's loss pieces, each with its gradient beside it. All are per-example means over the
/// batch: the total is `bce + klWeight * kl` (the original: weight 1).
///
/// - Reconstruction: binary cross-entropy summed over the pixels, computed from the decoder's
///   logits l (before the sigmoid) for stability:
///   bce(l, t) = max(l, 0) - l·t + log(1 + e^-|l|),  d bce / d l = sigmoid(l) - t.
/// - KL divergence of N(mean, e^logVar) from N(0, 1), summed over the latent:
///   kl = -½ Σ (1 + logVar - mean² - e^logVar),  d/dmean = mean,  d/dlogVar = ½ (e^logVar - 1).
/// - Reparameterisation: z = mean + e^(logVar/2)·eps, eps from the caller (seeded generator);
///   dmean = dz,  dlogVar = dz · eps · ½ e^(logVar/2).
///
/// ```swift
/// VAELoss.binaryCrossEntropy(logits: [0.0], targets: [1.0], batch: 1)   // (0.693…, [-0.5])
/// VAELoss.klDivergence(mean: [0.0], logVar: [0.0], batch: 1)            // (0, [0], [0])
/// VAELoss.reparameterize(mean: [1.0], logVar: [0.0], eps: [0.5])        // [1.5]
/// ```
public enum VAELoss {
  // MARK: - Reconstruction

  /// Σ bce(logits, targets) / batch; when `gradient` is given it receives
  /// (sigmoid(logits) - targets) · scale / batch.
  public static func binaryCrossEntropy<Scalar: TrainScalar>(
    logits: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, count: Int, batch: Int,
    gradient: UnsafeMutablePointer<Scalar>? = nil, scale: Scalar = 1
  ) -> Scalar {
    var sum: Scalar = 0
    let g = scale / Scalar(batch)
    for i in 0..<count {
      let l = logits[i]
      let t = targets[i]
      sum += max(l, 0) - l * t + Scalar.log(onePlus: Scalar.exp(-abs(l)))
      gradient?[i] = (Activation.sigmoid(l) - t) * g
    }
    return sum / Scalar(batch)
  }

  public static func binaryCrossEntropy<Scalar: TrainScalar>(
    logits: [Scalar], targets: [Scalar], batch: Int
  ) -> (loss: Scalar, dLogits: [Scalar]) {
    precondition(logits.count == targets.count)
    var d = [Scalar](repeating: 0, count: logits.count)
    let loss = logits.withUnsafeBufferPointer { pl in
      targets.withUnsafeBufferPointer { pt in
        d.withUnsafeMutableBufferPointer { pd in
          binaryCrossEntropy(
            logits: pl.baseAddress!, targets: pt.baseAddress!, count: logits.count, batch: batch,
            gradient: pd.baseAddress!)
        }
      }
    }
    return (loss, d)
  }

  // MARK: - KL divergence

  /// -½ Σ (1 + logVar - mean² - e^logVar) / batch, with its gradients (times `weight`).
  public static func klDivergence<Scalar: TrainScalar>(
    mean: [Scalar], logVar: [Scalar], batch: Int, weight: Scalar = 1
  ) -> (loss: Scalar, dMean: [Scalar], dLogVar: [Scalar]) {
    precondition(mean.count == logVar.count)
    var sum: Scalar = 0
    var dMean = [Scalar](repeating: 0, count: mean.count)
    var dLogVar = [Scalar](repeating: 0, count: mean.count)
    let g = weight / Scalar(batch)
    for i in mean.indices {
      let (m, lv) = (mean[i], logVar[i])
      let v = Scalar.exp(lv)
      sum += -(1 + lv - m * m - v) / 2
      dMean[i] = m * g
      dLogVar[i] = (v - 1) / 2 * g
    }
    return (sum / Scalar(batch), dMean, dLogVar)
  }

  // MARK: - Reparameterisation

  /// z = mean + e^(logVar/2) · eps
  public static func reparameterize<Scalar: TrainScalar>(
    mean: [Scalar], logVar: [Scalar], eps: [Scalar]
  ) -> [Scalar] {
    precondition(mean.count == logVar.count && mean.count == eps.count)
    return mean.indices.map { mean[$0] + Scalar.exp(logVar[$0] / 2) * eps[$0] }
  }

  /// dz -> (dmean, dlogVar) = (dz, dz · eps · ½ e^(logVar/2))
  public static func reparameterizeBackward<Scalar: TrainScalar>(
    _ dz: [Scalar], logVar: [Scalar], eps: [Scalar]
  ) -> (dMean: [Scalar], dLogVar: [Scalar]) {
    precondition(dz.count == logVar.count && dz.count == eps.count)
    let dLogVar = dz.indices.map { dz[$0] * eps[$0] * Scalar.exp(logVar[$0] / 2) / 2 }
    return (dz, dLogVar)
  }

  /// `count` standard-normal draws (`DanceRandomFloats.gaussian`) from `rng`.
  public static func noise<Scalar: TrainScalar>(count: Int, rng: inout DanceRandom) -> [Scalar] {
    (0..<count).map { _ in DanceRandomFloats.gaussian(&rng) }
  }
}
