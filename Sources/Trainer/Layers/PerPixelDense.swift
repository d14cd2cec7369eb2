import Int8Runtime

// MARK: - PerPixelDense

/// A dense layer applied to every pixel's channel vector (a 1x1 convolution, Keras' `Dense` on
/// an image tensor): y[n, i, j, :] = x[n, i, j, :] W + b, W [inChannels, outChannels].
///
/// It is a `Dense` whose batch is every pixel of every image, so it shares Dense's parameter
/// names (`name.kernel`, `name.bias`) and initialisation (Glorot uniform, fan-in `inChannels`).
///
/// ```swift
/// let p = Parameters<Double>()
/// var rng = DanceRandom(seed: 1)
/// let expand = PerPixelDense("decoder.expand", rows: 15, cols: 26, inChannels: 32,
///                            outChannels: 128, in: p, rng: &rng)
/// let y = expand.forward(x, batch: 4, p)   // x [4, 15, 26, 32] -> y [4, 15, 26, 128]
/// ```
public struct PerPixelDense<Scalar: TrainScalar> {
  public let rows: Int
  public let cols: Int
  public let dense: Dense<Scalar>

  public init(
    _ name: String, rows: Int, cols: Int, inChannels: Int, outChannels: Int,
    in p: Parameters<Scalar>, rng: inout DanceRandom
  ) {
    self.rows = rows
    self.cols = cols
    dense = Dense(name, inputs: inChannels, outputs: outChannels, in: p, rng: &rng)
  }

  public var inChannels: Int { dense.inputs }
  public var outChannels: Int { dense.outputs }
  public var kernel: Parameters<Scalar>.Slot { dense.kernel }
  public var bias: Parameters<Scalar>.Slot { dense.bias }

  /// x [batch, rows, cols, in] -> y [batch, rows, cols, out]
  public func forward(_ x: [Scalar], batch: Int, _ p: Parameters<Scalar>) -> [Scalar] {
    dense.forward(x, batch: batch * rows * cols, p)
  }

  /// dy [batch, rows, cols, out], x -> dx [batch, rows, cols, in]; dW, db accumulated in p.
  public func backward(_ dy: [Scalar], input x: [Scalar], batch: Int, _ p: Parameters<Scalar>)
    -> [Scalar]
  {
    dense.backward(dy, input: x, batch: batch * rows * cols, p)
  }
}
