import Int8Runtime
import TestSupport
import Testing

@testable import Trainer

// MARK: - Conv3x3 and the fused upsample + conv

@Suite struct ConvTests {
  /// Direct 3x3 "same" convolution, loop by loop: the independent reference.
  static func referenceConv(
    _ x: [Double], batch: Int, rows: Int, cols: Int, inChannels ci: Int, outChannels co: Int,
    kernel: ArraySlice<Double>, bias: ArraySlice<Double>
  ) -> [Double] {
    let k = Array(kernel)
    let b = Array(bias)
    var y = [Double](repeating: 0, count: batch * rows * cols * co)
    for n in 0..<batch {
      for i in 0..<rows {
        for j in 0..<cols {
          for o in 0..<co {
            var s = b[o]
            for kr in 0..<3 {
              for kc in 0..<3 {
                let (si, sj) = (i + kr - 1, j + kc - 1)
                if si < 0 || si >= rows || sj < 0 || sj >= cols { continue }
                for c in 0..<ci {
                  s += x[((n * rows + si) * cols + sj) * ci + c] * k[((kr * 3 + kc) * ci + c) * co + o]
                }
              }
            }
            y[((n * rows + i) * cols + j) * co + o] = s
          }
        }
      }
    }
    return y
  }

  static func makeConv(
    rows: Int, cols: Int, ci: Int, co: Int, activation: Activation = .linear,
    upsample: Bool = false, strategy: ConvolutionStrategy = .automatic, seed: UInt64 = 5
  ) -> (Parameters<Double>, Conv3x3<Double>) {
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: seed)
    let conv = Conv3x3(
      "c", rows: rows, cols: cols, inChannels: ci, outChannels: co, activation: activation,
      upsampleInput: upsample, strategy: strategy, in: p, rng: &rng)
    p.values[conv.bias.range] = ArraySlice(GradientCheck.randomVector(co, seed: seed + 1))
    return (p, conv)
  }

  @Test(arguments: [ConvolutionStrategy.im2col, .tapProducts])
  func plainForwardMatchesDirectLoops(_ strategy: ConvolutionStrategy) {
    let (p, conv) = Self.makeConv(rows: 5, cols: 4, ci: 3, co: 2, strategy: strategy)
    #expect(conv.strategy == strategy)
    let x = GradientCheck.randomVector(2 * 5 * 4 * 3, seed: 9)
    let y = conv.forward(x, batch: 2, p)
    let ref = Self.referenceConv(
      x, batch: 2, rows: 5, cols: 4, inChannels: 3, outChannels: 2,
      kernel: p.values[conv.kernel.range], bias: p.values[conv.bias.range])
    #expect(zip(y, ref).allSatisfy { abs($0 - $1) < 1e-12 })
  }

  @Test func automaticStrategyUsesTapProductsOnlyForFewOutputChannels() {
    #expect(Self.makeConv(rows: 4, cols: 4, ci: 1, co: 8).1.strategy == .im2col)
    #expect(Self.makeConv(rows: 4, cols: 4, ci: 8, co: 1).1.strategy == .tapProducts)
    #expect(Self.makeConv(rows: 2, cols: 2, ci: 64, co: 32).1.strategy == .tapProducts)
    #expect(Self.makeConv(rows: 2, cols: 2, ci: 128, co: 64).1.strategy == .im2col)
  }

  /// Small integer inputs and weights make every sum exact in Double, so the sub-pixel form
  /// (pre-summed weights) must equal upsample-then-conv bit for bit.
  @Test(arguments: [ConvolutionStrategy.im2col, .tapProducts])
  func fusedUpsampleConvEqualsUpsampleThenConvExactly(_ strategy: ConvolutionStrategy) {
    let (rows, cols, ci, co, batch) = (3, 4, 3, 2, 2)
    let (p, fused) = Self.makeConv(
      rows: rows, cols: cols, ci: ci, co: co, upsample: true, strategy: strategy)
    for i in p.values.indices { p.values[i] = Double((i * 7) % 5) - 2 }
    let x = (0..<(batch * rows * cols * ci)).map { Double(($0 * 5) % 7) - 3 }
    let y = fused.forward(x, batch: batch, p)
    let up = Upsample2(rows: rows, cols: cols, channels: ci).forward(x, batch: batch)
    let ref = Self.referenceConv(
      up, batch: batch, rows: 2 * rows, cols: 2 * cols, inChannels: ci, outChannels: co,
      kernel: p.values[fused.kernel.range], bias: p.values[fused.bias.range])
    #expect(y == ref)
    #expect(fused.outputRows == 6 && fused.outputCols == 8)
  }

  @Test(arguments: [ConvolutionStrategy.im2col, .tapProducts])
  func fusedUpsampleConvEqualsUpsampleThenConvOnRandomValues(_ strategy: ConvolutionStrategy) {
    let (p, fused) = Self.makeConv(rows: 4, cols: 3, ci: 2, co: 3, upsample: true, strategy: strategy)
    let x = GradientCheck.randomVector(2 * 4 * 3 * 2, seed: 4)
    let y = fused.forward(x, batch: 2, p)
    let up = Upsample2(rows: 4, cols: 3, channels: 2).forward(x, batch: 2)
    let ref = Self.referenceConv(
      up, batch: 2, rows: 8, cols: 6, inChannels: 2, outChannels: 3,
      kernel: p.values[fused.kernel.range], bias: p.values[fused.bias.range])
    #expect(zip(y, ref).allSatisfy { abs($0 - $1) < 1e-12 })
  }

  @Test(arguments: [
    (ConvolutionStrategy.im2col, Activation.relu, false), (.tapProducts, .relu, false),
    (.im2col, .linear, false), (.tapProducts, .sigmoid, false),
    (.im2col, .relu, true), (.tapProducts, .relu, true), (.im2col, .sigmoid, true),
    (.tapProducts, .linear, true),
  ])
  func backwardMatchesFiniteDifferences(
    _ strategy: ConvolutionStrategy, _ activation: Activation, _ upsample: Bool
  ) {
    let (rows, cols, ci, co, batch) = (4, 3, 3, 2, 2)
    let (p, conv) = Self.makeConv(
      rows: rows, cols: cols, ci: ci, co: co, activation: activation, upsample: upsample,
      strategy: strategy)
    var x = GradientCheck.randomVector(batch * rows * cols * ci, seed: 3)
    GradientCheck.run(
      parameters: p, inputs: &x,
      loss: { p, x in GradientCheck.weightedSum(conv.forward(x, batch: batch, p)).0 },
      analytic: { p, x in
        p.zeroGrads()
        let y = conv.forward(x, batch: batch, p)
        return conv.backward(GradientCheck.weightedSum(y).1, input: x, output: y, batch: batch, p)
      })
  }

  /// Small blocks force several row blocks (im2col) and image blocks (tap products) per call.
  @Test(arguments: [ConvolutionStrategy.im2col, .tapProducts])
  func blockingDoesNotChangeResults(_ strategy: ConvolutionStrategy) {
    let (p, conv) = Self.makeConv(rows: 6, cols: 5, ci: 2, co: 3, upsample: true, strategy: strategy)
    let small = ConvolutionEngine<Double>(
      plan: .upsampled, rows: 6, cols: 5, inChannels: 2, outChannels: 3, activation: .linear,
      strategy: strategy, blockElements: 40)
    let x = GradientCheck.randomVector(3 * 6 * 5 * 2, seed: 8)
    let dy = GradientCheck.randomVector(3 * 12 * 10 * 3, seed: 10)
    var y1 = [Double](repeating: 0, count: dy.count)
    var dx1 = [Double](repeating: 0, count: x.count)
    let w = p.values.withUnsafeBufferPointer {
      small.engineWeights(kernel: $0.baseAddress! + conv.kernel.offset)
    }
    var grads: (weights: [Double], bias: [Double]) = (
      [Double](repeating: 0, count: small.engineWeightCount), [0, 0, 0]
    )
    let scratch = ScratchMemory<Double>()
    p.values.withUnsafeBufferPointer { pv in
      small.forward(
        x, into: &y1, batch: 3, weights: w, bias: pv.baseAddress! + conv.bias.offset,
        scratch: scratch)
      small.backward(
        dy, input: x, output: y1, inputGradient: &dx1, batch: 3, weights: w,
        weightGrad: &grads.weights, biasGrad: &grads.bias, scratch: scratch)
    }
    p.zeroGrads()
    let y2 = conv.forward(x, batch: 3, p)
    let dx2 = conv.backward(dy, input: x, output: y2, batch: 3, p)
    var kernelGrad = [Double](repeating: 0, count: conv.kernel.count)
    small.addKernelGradient(grads.weights, to: &kernelGrad)
    #expect(zip(y1, y2).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(zip(dx1, dx2).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(zip(kernelGrad, p.grads[conv.kernel.range]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(zip(grads.bias, p.grads[conv.bias.range]).allSatisfy { abs($0 - $1) < 1e-12 })
  }

  // MARK: - Fused max pooling

  /// One input channel takes the direct kernel (`SingleChannelConvPool`) when no input
  /// gradient is asked for; the comparison covers both.
  /// With more input than output channels, im2col computes the pooled form's input gradient
  /// as a convolution of the output gradient (`inputGradientByGather`); covered by ci = 5.
  @Test(arguments: [
    (ConvolutionStrategy.im2col, Activation.relu, 2), (.tapProducts, .relu, 2),
    (.im2col, .sigmoid, 2), (.tapProducts, .linear, 2), (.im2col, .relu, 1),
    (.automatic, .sigmoid, 1), (.automatic, .linear, 1), (.im2col, .relu, 5),
    (.im2col, .sigmoid, 5),
  ])
  func pooledFormEqualsConvThenMaxPool(
    _ strategy: ConvolutionStrategy, _ activation: Activation, _ ci: Int
  ) {
    let (p, conv) = Self.makeConv(
      rows: 4, cols: 6, ci: ci, co: 3, activation: activation, strategy: strategy)
    let pool = MaxPool2(rows: 4, cols: 6, channels: 3)
    let x = GradientCheck.randomVector(3 * conv.inputCount, seed: 31)
    let dPooled = GradientCheck.randomVector(3 * conv.pooledCount, seed: 32)

    let (pooled, argmax) = conv.forwardPooled(x, batch: 3, p)
    p.zeroGrads()
    let dx = conv.backwardPooled(dPooled, input: x, pooled: pooled, argmax: argmax, batch: 3, p)
    let fusedGrads = p.grads

    let y = conv.forward(x, batch: 3, p)
    let reference = pool.forward(y, batch: 3)
    p.zeroGrads()
    let dxReference = conv.backward(
      pool.backward(dPooled, input: y, output: reference, batch: 3), input: x, output: y,
      batch: 3, p)
    #expect(zip(pooled, reference).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(argmax.allSatisfy { $0 < 4 })
    #expect(zip(dx, dxReference).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(zip(fusedGrads, p.grads).allSatisfy { abs($0 - $1) < 1e-12 })

    // Parameter gradients only (the first layer's case).
    p.zeroGrads()
    dPooled.withUnsafeBufferPointer { pd in
      x.withUnsafeBufferPointer { px in
        pooled.withUnsafeBufferPointer { pp in
          argmax.withUnsafeBufferPointer { pa in
            conv.backwardPooled(
              pd.baseAddress!, input: px.baseAddress!, pooled: pp.baseAddress!,
              argmax: pa.baseAddress!, inputGradient: nil, batch: 3, p)
          }
        }
      }
    }
    #expect(zip(fusedGrads, p.grads).allSatisfy { abs($0 - $1) < 1e-12 })
  }

  /// The one-channel kernel in Float (the type training uses) agrees with the matrix-product
  /// path (conv, then MaxPool2).
  @Test(arguments: [Activation.relu, .linear])
  func singleChannelFloatMatchesMatrixPath(_ activation: Activation) {
    let p = Parameters<Float>()
    var rng = DanceRandom(seed: 41)
    let conv = Conv3x3(
      "c", rows: 6, cols: 8, inChannels: 1, outChannels: 16, activation: activation, in: p,
      rng: &rng)
    for i in conv.bias.range { p.values[i] = Float(i % 5) * 0.05 - 0.1 }
    let x = GradientCheck.randomVector(2 * conv.inputCount, seed: 42).map { Float($0) }
    let dPooled = GradientCheck.randomVector(2 * conv.pooledCount, seed: 43).map { Float($0) }
    let pool = MaxPool2(rows: 6, cols: 8, channels: 16)

    let (pooled, argmax) = conv.forwardPooled(x, batch: 2, p)
    p.zeroGrads()
    dPooled.withUnsafeBufferPointer { pd in
      x.withUnsafeBufferPointer { px in
        pooled.withUnsafeBufferPointer { pp in
          argmax.withUnsafeBufferPointer { pa in
            conv.backwardPooled(
              pd.baseAddress!, input: px.baseAddress!, pooled: pp.baseAddress!,
              argmax: pa.baseAddress!, inputGradient: nil, batch: 2, p)
          }
        }
      }
    }
    let vectorGrads = p.grads

    let y = conv.forward(x, batch: 2, p)
    let reference = pool.forward(y, batch: 2)
    p.zeroGrads()
    _ = conv.backward(
      pool.backward(dPooled, input: y, output: reference, batch: 2), input: x, output: y,
      batch: 2, p)
    #expect(zip(pooled, reference).allSatisfy { abs($0 - $1) < 1e-5 })
    #expect(zip(vectorGrads, p.grads).allSatisfy { abs($0 - $1) < 1e-4 })
  }

  @Test func singleChannelPooledBackwardMatchesFiniteDifferences() {
    let (p, conv) = Self.makeConv(rows: 4, cols: 6, ci: 1, co: 3, activation: .relu)
    let x = GradientCheck.randomVector(2 * conv.inputCount, seed: 34)
    var noInputs: [Double] = []
    GradientCheck.run(
      parameters: p, inputs: &noInputs,
      loss: { p, _ in GradientCheck.weightedSum(conv.forwardPooled(x, batch: 2, p).pooled).0 },
      analytic: { p, _ in
        p.zeroGrads()
        let (pooled, argmax) = conv.forwardPooled(x, batch: 2, p)
        let w = GradientCheck.weightedSum(pooled).1
        w.withUnsafeBufferPointer { pw in
          x.withUnsafeBufferPointer { px in
            pooled.withUnsafeBufferPointer { pp in
              argmax.withUnsafeBufferPointer { pa in
                conv.backwardPooled(
                  pw.baseAddress!, input: px.baseAddress!, pooled: pp.baseAddress!,
                  argmax: pa.baseAddress!, inputGradient: nil, batch: 2, p)
              }
            }
          }
        }
        return []
      })
  }

  @Test(arguments: [
    (ConvolutionStrategy.im2col, 2), (.tapProducts, 2), (.im2col, 5), (.tapProducts, 5),
  ])
  func pooledBackwardMatchesFiniteDifferences(_ strategy: ConvolutionStrategy, _ ci: Int) {
    let (p, conv) = Self.makeConv(
      rows: 4, cols: 4, ci: ci, co: 3, activation: .relu, strategy: strategy)
    var x = GradientCheck.randomVector(2 * conv.inputCount, seed: 33)
    GradientCheck.run(
      parameters: p, inputs: &x,
      loss: { p, x in GradientCheck.weightedSum(conv.forwardPooled(x, batch: 2, p).pooled).0 },
      analytic: { p, x in
        p.zeroGrads()
        let (pooled, argmax) = conv.forwardPooled(x, batch: 2, p)
        return conv.backwardPooled(
          GradientCheck.weightedSum(pooled).1, input: x, pooled: pooled, argmax: argmax,
          batch: 2, p)
      })
  }

  @Test func parameterNamesAndShapesFollowKeras() {
    let p = Parameters<Float>()
    var rng = DanceRandom(seed: 1)
    let conv = Conv3x3("decoder.conv3", rows: 2, cols: 2, inChannels: 4, outChannels: 5, in: p, rng: &rng)
    #expect(p.slot(named: "decoder.conv3.kernel")?.shape == [3, 3, 4, 5])
    #expect(p.slot(named: "decoder.conv3.bias")?.shape == [5])
    let limit = Float((6.0 / Double(9 * 4 + 9 * 5)).squareRoot())
    #expect(p.values[conv.kernel.range].allSatisfy { abs($0) <= limit })
    #expect(p.values[conv.bias.range].allSatisfy { $0 == 0 })
  }
}
