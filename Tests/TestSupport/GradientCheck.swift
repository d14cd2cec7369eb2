import FloatRandom
import Int8Runtime
import Testing
import Trainer

// MARK: - Central-difference gradient checking (float64)

/// Checks analytic gradients against central differences of a scalar loss, in Double.
///
/// `loss()` must recompute the loss from `p.values` and `inputs` (both may be perturbed);
/// `analytic()` must zero `p.grads`, run forward + backward and return the input gradient.
/// The relative error |a - n| / max(|a| + |n|, 1e-6) must stay below `tolerance` for every
/// checked coordinate (at most `maxChecks` of each, spread evenly).
public enum GradientCheck {
  public static func run(
    parameters p: Parameters<Double>, inputs: inout [Double], h: Double = 1e-5,
    tolerance: Double = 1e-3, maxChecks: Int = 40,
    loss: (Parameters<Double>, [Double]) -> Double,
    analytic: (Parameters<Double>, [Double]) -> [Double],
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let dInputs = analytic(p, inputs)
    let dParams = p.grads
    #expect(dInputs.count == inputs.count, sourceLocation: sourceLocation)
    var worst = 0.0
    var worstWhere = ""
    func rel(_ a: Double, _ n: Double) -> Double { abs(a - n) / max(abs(a) + abs(n), 1e-6) }
    for i in spread(inputs.count, maxChecks) {
      let saved = inputs[i]
      inputs[i] = saved + h
      let up = loss(p, inputs)
      inputs[i] = saved - h
      let down = loss(p, inputs)
      inputs[i] = saved
      let e = rel(dInputs[i], (up - down) / (2 * h))
      if e > worst { (worst, worstWhere) = (e, "input[\(i)]") }
    }
    for slot in p.slots {
      for j in spread(slot.count, maxChecks) {
        let i = slot.offset + j
        let saved = p.values[i]
        p.values[i] = saved + h
        let up = loss(p, inputs)
        p.values[i] = saved - h
        let down = loss(p, inputs)
        p.values[i] = saved
        let e = rel(dParams[i], (up - down) / (2 * h))
        if e > worst { (worst, worstWhere) = (e, "\(slot.name)[\(j)]") }
      }
    }
    #expect(
      worst < tolerance, "worst relative error \(worst) at \(worstWhere)",
      sourceLocation: sourceLocation)
  }

  /// Up to `n` indices spread evenly over 0..<count.
  public static func spread(_ count: Int, _ n: Int) -> [Int] {
    if count <= n { return Array(0..<count) }
    return (0..<n).map { $0 * count / n }
  }

  /// A fixed pseudo-random vector in [-1, 1).
  public static func randomVector(_ count: Int, seed: UInt64) -> [Double] {
    var rng = DanceRandom(seed: seed)
    return (0..<count).map { _ in 2 * DanceRandomFloats.uniform(&rng) - 1 }
  }

  /// Σ w_i y_i with fixed pseudo-random weights: a loss whose gradient is w.
  public static func weightedSum(_ y: [Double], seed: UInt64 = 99) -> (Double, [Double]) {
    let w = randomVector(y.count, seed: seed)
    return (zip(w, y).reduce(0) { $0 + $1.0 * $1.1 }, w)
  }
}
