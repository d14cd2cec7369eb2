import RealModule

// MARK: - Optimizers

/// An update rule over the flat parameter and gradient arrays. Its state (moments, step count)
/// is plain arrays so that checkpoints can store it and `--resume` ends bit-identical.
public protocol Optimizer {
  associatedtype Scalar: TrainScalar
  /// Applies one update to `parameters.values` from `parameters.grads`.
  mutating func step(_ parameters: Parameters<Scalar>)
  /// Named state arrays for checkpoints (same order every time).
  var stateArrays: [(String, [Scalar])] { get }
  mutating func restoreState(_ arrays: [String: [Scalar]]) -> Bool
  var steps: Int { get set }
}

/// Adam (Kingma & Ba 2015) with bias correction, Keras defaults for beta/epsilon.
///
/// ```swift
/// var adam = Adam<Float>(count: p.count, learningRate: 5e-4)
/// adam.step(p)   // m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²; w -= lr m̂ / (sqrt(v̂) + eps)
/// ```
public struct Adam<Scalar: TrainScalar>: Optimizer {
  public var learningRate: Scalar
  public var beta1: Scalar = 0.9
  public var beta2: Scalar = 0.999
  public var epsilon: Scalar = 1e-7
  public var steps: Int = 0
  var m: [Scalar]
  var v: [Scalar]

  public init(count: Int, learningRate: Scalar) {
    self.learningRate = learningRate
    m = [Scalar](repeating: 0, count: count)
    v = [Scalar](repeating: 0, count: count)
  }

  public mutating func step(_ parameters: Parameters<Scalar>) {
    steps += 1
    let c1 = 1 - Scalar.pow(beta1, steps)
    let c2 = 1 - Scalar.pow(beta2, steps)
    let lr = learningRate * Scalar.sqrt(c2) / c1
    let eps = epsilon * Scalar.sqrt(c2)
    let (b1, b2) = (beta1, beta2)
    // Raw buffers: element access on the class's arrays would pay an exclusivity check each.
    parameters.values.withUnsafeMutableBufferPointer { w in
      parameters.grads.withUnsafeBufferPointer { g in
        m.withUnsafeMutableBufferPointer { m in
          v.withUnsafeMutableBufferPointer { v in
            for i in 0..<w.count {
              m[i] = b1 * m[i] + (1 - b1) * g[i]
              v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
              w[i] -= lr * m[i] / (Scalar.sqrt(v[i]) + eps)
            }
          }
        }
      }
    }
  }

  public var stateArrays: [(String, [Scalar])] { [("adam.m", m), ("adam.v", v)] }

  public mutating func restoreState(_ arrays: [String: [Scalar]]) -> Bool {
    guard let m = arrays["adam.m"], let v = arrays["adam.v"], m.count == self.m.count,
      v.count == self.v.count
    else { return false }
    self.m = m
    self.v = v
    return true
  }
}

/// RMSprop (Tieleman & Hinton 2012), the original's VAE optimiser, Keras defaults.
///
/// ```swift
/// var rms = RMSprop<Float>(count: p.count, learningRate: 1e-3)
/// rms.step(p)   // a = rho a + (1-rho) g²; w -= lr g / (sqrt(a) + eps)
/// ```
public struct RMSprop<Scalar: TrainScalar>: Optimizer {
  public var learningRate: Scalar
  public var rho: Scalar = 0.9
  public var epsilon: Scalar = 1e-7
  public var steps: Int = 0
  var meanSquare: [Scalar]

  public init(count: Int, learningRate: Scalar) {
    self.learningRate = learningRate
    meanSquare = [Scalar](repeating: 0, count: count)
  }

  public mutating func step(_ parameters: Parameters<Scalar>) {
    steps += 1
    let (rho, lr, eps) = (rho, learningRate, epsilon)
    parameters.values.withUnsafeMutableBufferPointer { w in
      parameters.grads.withUnsafeBufferPointer { g in
        meanSquare.withUnsafeMutableBufferPointer { a in
          for i in 0..<w.count {
            a[i] = rho * a[i] + (1 - rho) * g[i] * g[i]
            w[i] -= lr * g[i] / (Scalar.sqrt(a[i]) + eps)
          }
        }
      }
    }
  }

  public var stateArrays: [(String, [Scalar])] { [("rmsprop.mean_square", meanSquare)] }

  public mutating func restoreState(_ arrays: [String: [Scalar]]) -> Bool {
    guard let a = arrays["rmsprop.mean_square"], a.count == meanSquare.count else { return false }
    meanSquare = a
    return true
  }
}
