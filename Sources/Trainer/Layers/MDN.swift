import Int8Runtime
import RealModule

// MARK: - Sigma from the raw output

extension MDNLayout {
  /// Bounds of the raw log-sigma before `exp`, as the float code uses them.
  public static let logSigmaMin = Double(-logSigmaBound)
  public static let logSigmaMax = Double(logSigmaBound)

  /// The log-sigma actually used: the raw output clamped to [logSigmaMin, logSigmaMax].
  @inlinable
  public static func clampedLogSigma<S: TrainScalar>(_ s: S) -> S {
    min(max(s, S(logSigmaMin)), S(logSigmaMax))
  }

  /// σ = exp(clamp(s)).
  @inlinable
  public static func sigma<S: TrainScalar>(fromRaw s: S) -> S { S.exp(clampedLogSigma(s)) }
}

// MARK: - Negative log-likelihood

/// The mixture negative log-likelihood and its gradient wrt the head's raw outputs.
///
/// Per row, with π = softmax(logits) and σ from the clamped log-sigma:
/// ```text
/// a_k  = log π_k + Σ_d [ -log σ_kd - ½ log 2π - ½ u_kd² ],   u_kd = (y_d - μ_kd) / σ_kd
/// loss = -logsumexp_k a_k                                     (log π_k = l_k - logsumexp l)
/// r_k  = exp(a_k + loss)                                      (responsibilities)
/// ∂/∂l_k = π_k - r_k    ∂/∂μ_kd = -r_k u_kd / σ_kd    ∂/∂s_kd = r_k (1 - u_kd²) (0 if clamped)
/// ```
/// Both log-sum-exps subtract their maximum first, so huge logits and tiny sigmas stay finite.
/// The loss is the weighted mean over rows (weights 0 or 1 mark padding in a window); gradients
/// are of that mean. Rows with weight 0 are not evaluated at all.
///
/// ```swift
/// let l = MDNLayout(mixtures: 1, dims: 1)
/// // one standard normal: outputs [μ = 0, s = 0, logit = 0], target 0
/// let r = MDNLoss.negativeLogLikelihood(outputs: [0.0, 0, 0], targets: [0.0], rows: 1, layout: l)
/// r.loss   // ½ log 2π ≈ 0.9189
/// ```
public enum MDNLoss {
  /// outputs [N, layout.outputs], targets [N, D], weights [N] or nil (all 1)
  /// -> (weighted mean loss, Σ weights, dOutputs [N, layout.outputs]).
  public static func negativeLogLikelihood<S: TrainScalar>(
    outputs: [S], targets: [S], rows n: Int, layout: MDNLayout, weights: [S]? = nil
  ) -> (loss: S, weightTotal: S, dOutputs: [S]) {
    let (K, D, O) = (layout.mixtures, layout.dims, layout.outputs)
    precondition(outputs.count == n * O, "MDN outputs are not [rows, \(O)]")
    precondition(targets.count == n * D, "MDN targets are not [rows, \(D)]")
    precondition(weights == nil || weights!.count == n, "MDN weights are not [rows]")
    var dOutputs = [S](repeating: 0, count: n * O)
    var total: S = 0
    if let weights { for w in weights { total += w } } else { total = S(n) }
    if total == 0 { return (0, 0, dOutputs) }
    let halfLog2Pi = S(0.918_938_533_204_672_7)
    let lo = S(MDNLayout.logSigmaMin)
    let hi = S(MDNLayout.logSigmaMax)
    var lossSum: S = 0
    var logPi = [S](repeating: 0, count: K)
    var a = [S](repeating: 0, count: K)
    outputs.withUnsafeBufferPointer { po in
      targets.withUnsafeBufferPointer { py in
        dOutputs.withUnsafeMutableBufferPointer { pd in
          for row in 0..<n {
            let w = weights?[row] ?? 1
            if w == 0 { continue }
            let out = po.baseAddress! + row * O
            let y = py.baseAddress! + row * D
            let dOut = pd.baseAddress! + row * O
            // log π = l - logsumexp(l)
            var maxLogit = -S.infinity
            for k in 0..<K { maxLogit = max(maxLogit, out[layout.logit(k)]) }
            var sumExp: S = 0
            for k in 0..<K { sumExp += S.exp(out[layout.logit(k)] - maxLogit) }
            let lseLogits = maxLogit + S.log(sumExp)
            // a_k = log π_k + log N(y; μ_k, σ_k)
            var maxA = -S.infinity
            for k in 0..<K {
              logPi[k] = out[layout.logit(k)] - lseLogits
              var logN: S = 0
              for d in 0..<D {
                let ls = min(max(out[layout.logSigma(k, d)], lo), hi)
                let u = (y[d] - out[layout.mean(k, d)]) * S.exp(-ls)
                logN -= ls + halfLog2Pi + u * u / 2
              }
              a[k] = logPi[k] + logN
              maxA = max(maxA, a[k])
            }
            var sumA: S = 0
            for k in 0..<K { sumA += S.exp(a[k] - maxA) }
            let lse = maxA + S.log(sumA)
            lossSum += w * -lse
            // gradients of w·(-lse) / total
            let scale = w / total
            for k in 0..<K {
              let r = S.exp(a[k] - lse)
              dOut[layout.logit(k)] = scale * (S.exp(logPi[k]) - r)
              for d in 0..<D {
                let s = out[layout.logSigma(k, d)]
                let ls = min(max(s, lo), hi)
                let invSigma = S.exp(-ls)
                let u = (y[d] - out[layout.mean(k, d)]) * invSigma
                dOut[layout.mean(k, d)] = -scale * r * u * invSigma
                dOut[layout.logSigma(k, d)] = (s > lo && s < hi) ? scale * r * (1 - u * u) : 0
              }
            }
          }
        }
      }
    }
    return (lossSum / total, total, dOutputs)
  }
}
