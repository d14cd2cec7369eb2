import RealModule

// MARK: - Activations (elementwise; forward and backward side by side)

/// Elementwise activations. `backward` takes the forward *output* y (all three derivatives are
/// cheapest in terms of y) and the output gradient dy.
///
/// ```swift
/// Activation.relu.forward([-1, 2])                  // [0, 2]
/// Activation.relu.backward(y: [0, 2], dy: [5, 5])   // [0, 5]
/// Activation.sigmoid.forward([0])                   // [0.5]
/// ```
public enum Activation: Sendable {
  case linear, relu, sigmoid

  public func forward<S: TrainScalar>(_ x: [S]) -> [S] {
    switch self {
    case .linear: return x
    case .relu: return x.map { $0 > 0 ? $0 : 0 }
    case .sigmoid: return x.map(Activation.sigmoid)
    }
  }

  /// dx = dy * f'(x), written in terms of y = f(x).
  public func backward<S: TrainScalar>(y: [S], dy: [S]) -> [S] {
    precondition(y.count == dy.count)
    switch self {
    case .linear: return dy
    case .relu: return zip(y, dy).map { $0 > 0 ? $1 : 0 }
    case .sigmoid: return zip(y, dy).map { $1 * $0 * (1 - $0) }
    }
  }

  /// 1 / (1 + e^-x), computed without overflow for large |x|.
  @inlinable
  public static func sigmoid<S: TrainScalar>(_ x: S) -> S {
    if x >= 0 { return 1 / (1 + S.exp(-x)) }
    let e = S.exp(x)
    return e / (1 + e)
  }
}
