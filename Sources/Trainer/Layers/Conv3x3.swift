import Int8Runtime

// MARK: - Conv3x3

/// A 3x3 convolution, stride 1, "same" zero padding, with bias and a fused activation, over NHWC
/// tensors. The kernel is [3, 3, inChannels, outChannels] (Keras layout).
///
/// With `upsampleInput: true` the layer is "nearest 2x upsampling, then this convolution" (the
/// decoder's `up_i` + `conv_i+1`), computed in the exact sub-pixel form: four output phases,
/// each a 2x2 convolution of the low-resolution input with pre-summed weights
/// (`ConvolutionPlan.upsampled`). Forward and backward equal the two separate layers; the work
/// is 16/36 of theirs and the upsampled tensor is never built.
///
/// ```swift
/// let p = Parameters<Double>()
/// var rng = DanceRandom(seed: 1)
/// let conv = Conv3x3("decoder.conv2", rows: 15, cols: 26, inChannels: 32, outChannels: 64,
///                    activation: .relu, upsampleInput: true, in: p, rng: &rng)
/// conv.outputRows   // 30
/// let y = conv.forward(x, batch: 2, p)                  // x [2, 15, 26, 32] -> y [2, 30, 52, 64]
/// let dx = conv.backward(dy, input: x, output: y, batch: 2, p)   // grads accumulated in p
/// ```
public struct Conv3x3<Scalar: TrainScalar> {
  public let inputRows: Int
  public let inputCols: Int
  public let inChannels: Int
  public let outChannels: Int
  public let activation: Activation
  public let upsampleInput: Bool
  public let kernel: Parameters<Scalar>.Slot  // [3, 3, inChannels, outChannels]
  public let bias: Parameters<Scalar>.Slot  // [outChannels]
  let engine: ConvolutionEngine<Scalar>

  /// Adds `name.kernel` (Glorot uniform, fan-in 9·in, fan-out 9·out as Keras) and `name.bias`
  /// (zeros) to `p`. `activation` is linear, relu or sigmoid.
  public init(
    _ name: String, rows: Int, cols: Int, inChannels: Int, outChannels: Int,
    activation: Activation = .linear, upsampleInput: Bool = false,
    strategy: ConvolutionStrategy = .automatic, in p: Parameters<Scalar>, rng: inout DanceRandom
  ) {
    inputRows = rows
    inputCols = cols
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.activation = activation
    self.upsampleInput = upsampleInput
    kernel = p.add(name + ".kernel", shape: [3, 3, inChannels, outChannels])
    bias = p.add(name + ".bias", shape: [outChannels])
    p.initGlorotUniform(kernel, fanIn: 9 * inChannels, fanOut: 9 * outChannels, rng: &rng)
    engine = ConvolutionEngine(
      plan: upsampleInput ? .upsampled : .plain, rows: rows, cols: cols, inChannels: inChannels,
      outChannels: outChannels, activation: activation, strategy: strategy)
  }

  public var outputRows: Int { engine.outputRows }
  public var outputCols: Int { engine.outputCols }
  public var strategy: ConvolutionStrategy { engine.strategy }
  public var inputCount: Int { inputRows * inputCols * inChannels }
  public var outputCount: Int { outputRows * outputCols * outChannels }

  // MARK: - Forward / backward on buffers

  /// x [batch, rows, cols, in] -> y [batch, outputRows, outputCols, out] = act(conv(x) + b).
  public func forward(
    _ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>, batch: Int,
    _ p: Parameters<Scalar>
  ) {
    p.values.withUnsafeBufferPointer { pv in
      let w = engine.engineWeights(kernel: pv.baseAddress! + kernel.offset)
      w.withUnsafeBufferPointer { pw in
        engine.forward(
          x, into: y, batch: batch, weights: pw.baseAddress!, bias: pv.baseAddress! + bias.offset)
      }
    }
  }

  /// dy, x, y [as forward] -> dx [batch, rows, cols, in] (skipped when `dx` is nil, as for the
  /// first layer); dkernel and dbias are accumulated into `p.grads`.
  public func backward(
    _ dy: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>, output y: UnsafePointer<Scalar>,
    inputGradient dx: UnsafeMutablePointer<Scalar>?, batch: Int, _ p: Parameters<Scalar>
  ) {
    let w = p.values.withUnsafeBufferPointer { pv in
      engine.engineWeights(kernel: pv.baseAddress! + kernel.offset)
    }
    let grads = w.withUnsafeBufferPointer { pw in
      engine.backward(
        dy, input: x, output: y, inputGradient: dx, batch: batch, weights: pw.baseAddress!)
    }
    p.grads.withUnsafeMutableBufferPointer { pg in
      engine.addKernelGradient(grads.weights, to: pg.baseAddress! + kernel.offset)
      for o in 0..<outChannels { pg[bias.offset + o] += grads.bias[o] }
    }
  }

  // MARK: - Array conveniences

  /// x [batch, rows, cols, in] -> y [batch, outputRows, outputCols, out].
  public func forward(_ x: [Scalar], batch: Int, _ p: Parameters<Scalar>) -> [Scalar] {
    precondition(x.count == batch * inputCount, "conv input has \(x.count) values")
    var y = [Scalar](repeating: 0, count: batch * outputCount)
    x.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        forward(px.baseAddress!, into: py.baseAddress!, batch: batch, p)
      }
    }
    return y
  }

  /// dy [batch, outputRows, outputCols, out], x, y -> dx [batch, rows, cols, in].
  public func backward(
    _ dy: [Scalar], input x: [Scalar], output y: [Scalar], batch: Int, _ p: Parameters<Scalar>
  ) -> [Scalar] {
    precondition(x.count == batch * inputCount && dy.count == batch * outputCount)
    precondition(y.count == dy.count)
    var dx = [Scalar](repeating: 0, count: x.count)
    dy.withUnsafeBufferPointer { pdy in
      x.withUnsafeBufferPointer { px in
        y.withUnsafeBufferPointer { py in
          dx.withUnsafeMutableBufferPointer { pdx in
            backward(
              pdy.baseAddress!, input: px.baseAddress!, output: py.baseAddress!,
              inputGradient: pdx.baseAddress!, batch: batch, p)
          }
        }
      }
    }
    return dx
  }
}
