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
/// `forwardPooled` / `backwardPooled` fuse a following 2x2 max pooling (the encoder's
/// `conv_i` + `pool_i`): the full-resolution output is only ever held one chunk of images at a
/// time, and the pooling remembers which window position won. A one-channel input (the first
/// layer) uses direct loops instead (`SingleChannelConvPool`).
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
  /// Size of one example's pooled output (`forwardPooled`).
  public var pooledCount: Int { outputCount / 4 }

  // MARK: - Forward / backward on buffers
  //
  // Every public pass is pre-specialised for Float and Double (`@_specialize`): a generic
  // caller, or one in another module, still runs loops compiled for a concrete type
  // (unspecialised generic inner loops are many times slower).

  /// x [batch, rows, cols, in] -> y [batch, outputRows, outputCols, out] = act(conv(x) + b).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func forward(
    _ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>, batch: Int,
    _ p: Parameters<Scalar>, scratch: ScratchMemory<Scalar>? = nil
  ) {
    let scratch = scratch ?? ScratchMemory()
    forwardPass(x, into: y, batch: batch, p, scratch)
  }

  /// dy, x, y [as forward] -> dx [batch, rows, cols, in] (skipped when `dx` is nil, as for the
  /// first layer); dkernel and dbias are accumulated into `p.grads`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func backward(
    _ dy: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>, output y: UnsafePointer<Scalar>,
    inputGradient dx: UnsafeMutablePointer<Scalar>?, batch: Int, _ p: Parameters<Scalar>,
    scratch: ScratchMemory<Scalar>? = nil
  ) {
    let scratch = scratch ?? ScratchMemory()
    backwardPass(dy, input: x, output: y, inputGradient: dx, batch: batch, p, scratch)
  }

  /// conv, activation and 2x2 max pooling: x [batch, rows, cols, in] ->
  /// pooled [batch, outputRows/2, outputCols/2, out] and, per pooled value, the window position
  /// (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right) of the first maximum.
  /// Equals `forward` followed by `MaxPool2.forward`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func forwardPooled(
    _ x: UnsafePointer<Scalar>, into pooled: UnsafeMutablePointer<Scalar>,
    argmax: UnsafeMutablePointer<UInt8>, batch: Int, _ p: Parameters<Scalar>,
    scratch: ScratchMemory<Scalar>? = nil
  ) {
    let scratch = scratch ?? ScratchMemory()
    forwardPooledPass(x, into: pooled, argmax: argmax, batch: batch, p, scratch)
  }

  /// dpooled, x, pooled, argmax [as forwardPooled] -> dx (when asked); parameter gradients are
  /// accumulated into `p.grads`. Equals `MaxPool2.backward` followed by `backward`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func backwardPooled(
    _ dPooled: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>,
    pooled: UnsafePointer<Scalar>, argmax: UnsafePointer<UInt8>,
    inputGradient dx: UnsafeMutablePointer<Scalar>?, batch: Int, _ p: Parameters<Scalar>,
    scratch: ScratchMemory<Scalar>? = nil
  ) {
    let scratch = scratch ?? ScratchMemory()
    backwardPooledPass(
      dPooled, input: x, pooled: pooled, argmax: argmax, inputGradient: dx, batch: batch, p,
      scratch)
  }

  // MARK: - Implementations

  private func forwardPass(
    _ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>, batch: Int,
    _ p: Parameters<Scalar>, _ scratch: ScratchMemory<Scalar>
  ) {
    let w = weights(p, scratch)
    p.values.withUnsafeBufferPointer { pv in
      engine.forward(
        x, into: y, batch: batch, weights: w, bias: pv.baseAddress! + bias.offset,
        scratch: scratch)
    }
  }

  private func backwardPass(
    _ dy: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>, output y: UnsafePointer<Scalar>,
    inputGradient dx: UnsafeMutablePointer<Scalar>?, batch: Int, _ p: Parameters<Scalar>,
    _ scratch: ScratchMemory<Scalar>
  ) {
    accumulateGradients(p, scratch) { weights, weightGrad, biasGrad in
      engine.backward(
        dy, input: x, output: y, inputGradient: dx, batch: batch, weights: weights,
        weightGrad: weightGrad, biasGrad: biasGrad, scratch: scratch)
    }
  }

  /// The direct fused kernel for a one-channel input (the encoder's first layer).
  private var singleChannel: SingleChannelConvPool<Scalar>? {
    guard inChannels == 1, !upsampleInput else { return nil }
    return SingleChannelConvPool(
      rows: inputRows, cols: inputCols, outChannels: outChannels, activation: activation)
  }

  /// Images per chunk of the pooled forms: about 2M elements of full-resolution output.
  private var imagesPerChunk: Int { max(1, (1 << 21) / outputCount) }

  private func forwardPooledPass(
    _ x: UnsafePointer<Scalar>, into pooled: UnsafeMutablePointer<Scalar>,
    argmax: UnsafeMutablePointer<UInt8>, batch: Int, _ p: Parameters<Scalar>,
    _ scratch: ScratchMemory<Scalar>
  ) {
    if let direct = singleChannel {
      p.values.withUnsafeBufferPointer { pv in
        direct.forward(
          x, kernel: pv.baseAddress! + kernel.offset, bias: pv.baseAddress! + bias.offset,
          pooled: pooled, argmax: argmax, batch: batch, scratch: scratch)
      }
      return
    }
    let chunk = min(batch, imagesPerChunk)
    let full = scratch.chunk.reserve(chunk * outputCount)
    let pool = MaxPool2(rows: outputRows, cols: outputCols, channels: outChannels)
    let w = weights(p, scratch)
    p.values.withUnsafeBufferPointer { pv in
      var n0 = 0
      while n0 < batch {
        let nb = min(chunk, batch - n0)
        engine.forward(
          x + n0 * inputCount, into: full, batch: nb, weights: w,
          bias: pv.baseAddress! + bias.offset, scratch: scratch)
        pool.forwardRecordingArgmax(
          full, into: pooled + n0 * pooledCount, argmax: argmax + n0 * pooledCount, batch: nb)
        n0 += nb
      }
    }
  }

  private func backwardPooledPass(
    _ dPooled: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>,
    pooled: UnsafePointer<Scalar>, argmax: UnsafePointer<UInt8>,
    inputGradient dx: UnsafeMutablePointer<Scalar>?, batch: Int, _ p: Parameters<Scalar>,
    _ scratch: ScratchMemory<Scalar>
  ) {
    if let direct = singleChannel, dx == nil {
      p.grads.withUnsafeMutableBufferPointer { pg in
        direct.backward(
          dPooled, input: x, pooled: pooled, argmax: argmax, batch: batch,
          kernelGrad: pg.baseAddress! + kernel.offset, biasGrad: pg.baseAddress! + bias.offset,
          scratch: scratch)
      }
      return
    }
    let chunk = min(batch, imagesPerChunk)
    let dFull = scratch.chunk.reserve(chunk * outputCount)
    let pool = MaxPool2(rows: outputRows, cols: outputCols, channels: outChannels)
    // The activation's derivative is applied while un-pooling (the maximum of the activated
    // values is the activation of the winning pre-activation), so the engine runs linear.
    let linear = engine.with(activation: .linear)
    accumulateGradients(p, scratch) { weights, weightGrad, biasGrad in
      var n0 = 0
      while n0 < batch {
        let nb = min(chunk, batch - n0)
        pool.unpool(
          dPooled + n0 * pooledCount, pooled: pooled + n0 * pooledCount,
          argmax: argmax + n0 * pooledCount, activation: activation, into: dFull, batch: nb)
        linear.backward(
          dFull, input: x + n0 * inputCount, output: dFull,
          inputGradient: dx.map { $0 + n0 * inputCount }, batch: nb, weights: weights,
          weightGrad: weightGrad, biasGrad: biasGrad, scratch: scratch)
        n0 += nb
      }
    }
  }

  /// The engine's weights, summed from the kernel into `scratch.weights`.
  private func weights(_ p: Parameters<Scalar>, _ scratch: ScratchMemory<Scalar>)
    -> UnsafeMutablePointer<Scalar>
  {
    let w = scratch.weights.reserve(engine.engineWeightCount)
    p.values.withUnsafeBufferPointer { pv in
      engine.engineWeights(kernel: pv.baseAddress! + kernel.offset, into: w)
    }
    return w
  }

  /// Runs `body` with the engine weights and zeroed engine-layout gradient accumulators, then
  /// adds those to the kernel and bias gradients in `p.grads`.
  private func accumulateGradients(
    _ p: Parameters<Scalar>, _ scratch: ScratchMemory<Scalar>,
    _ body: (UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>)
      -> Void
  ) {
    let w = weights(p, scratch)
    let weightGrad = scratch.weightGrad.reserve(engine.engineWeightCount)
    let biasGrad = scratch.biasGrad.reserve(outChannels)
    weightGrad.update(repeating: 0, count: engine.engineWeightCount)
    biasGrad.update(repeating: 0, count: outChannels)
    body(w, weightGrad, biasGrad)
    p.grads.withUnsafeMutableBufferPointer { pg in
      engine.addKernelGradient(weightGrad, to: pg.baseAddress! + kernel.offset)
      for o in 0..<outChannels { pg[bias.offset + o] += biasGrad[o] }
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

  /// x -> (pooled, argmax), see `forwardPooled`.
  public func forwardPooled(_ x: [Scalar], batch: Int, _ p: Parameters<Scalar>) -> (
    pooled: [Scalar], argmax: [UInt8]
  ) {
    precondition(x.count == batch * inputCount, "conv input has \(x.count) values")
    var pooled = [Scalar](repeating: 0, count: batch * pooledCount)
    var argmax = [UInt8](repeating: 0, count: pooled.count)
    x.withUnsafeBufferPointer { px in
      pooled.withUnsafeMutableBufferPointer { pp in
        argmax.withUnsafeMutableBufferPointer { pa in
          forwardPooled(px.baseAddress!, into: pp.baseAddress!, argmax: pa.baseAddress!, batch: batch, p)
        }
      }
    }
    return (pooled, argmax)
  }

  /// dpooled, x, pooled, argmax -> dx, see `backwardPooled`.
  public func backwardPooled(
    _ dPooled: [Scalar], input x: [Scalar], pooled: [Scalar], argmax: [UInt8], batch: Int,
    _ p: Parameters<Scalar>
  ) -> [Scalar] {
    precondition(x.count == batch * inputCount && dPooled.count == batch * pooledCount)
    precondition(pooled.count == dPooled.count && argmax.count == dPooled.count)
    var dx = [Scalar](repeating: 0, count: x.count)
    dPooled.withUnsafeBufferPointer { pd in
      x.withUnsafeBufferPointer { px in
        pooled.withUnsafeBufferPointer { pp in
          argmax.withUnsafeBufferPointer { pa in
            dx.withUnsafeMutableBufferPointer { pdx in
              backwardPooled(
                pd.baseAddress!, input: px.baseAddress!, pooled: pp.baseAddress!,
                argmax: pa.baseAddress!, inputGradient: pdx.baseAddress!, batch: batch, p)
            }
          }
        }
      }
    }
    return dx
  }
}
