import Int8Runtime

// MARK: - Dense

/// A fully connected layer y = x W + b. The kernel is stored [inputs, outputs] (Keras layout),
/// so a row of x times the kernel gives a row of y.
///
/// Convention for every layer in Sources/Trainer/Layers: the layer owns only `Slot`s into a
/// shared `Parameters`; `forward` returns its output; `backward` takes the forward input and the
/// output gradient, accumulates parameter gradients into `p.grads` and returns the input gradient.
///
/// ```swift
/// let p = Parameters<Double>()
/// var rng = DanceRandom(seed: 1)
/// let d = Dense("fc", inputs: 3, outputs: 2, in: p, rng: &rng)
/// let y = d.forward([1, 2, 3], batch: 1, p)                   // [1, 2]
/// let dx = d.backward([1, 0], input: [1, 2, 3], batch: 1, p)  // [3], grads filled
/// ```
public struct Dense<Scalar: TrainScalar> {
  public let inputs: Int
  public let outputs: Int
  public let kernel: Parameters<Scalar>.Slot  // [inputs, outputs]
  public let bias: Parameters<Scalar>.Slot  // [outputs]

  public init(
    _ name: String, inputs: Int, outputs: Int, in p: Parameters<Scalar>, rng: inout DanceRandom
  ) {
    self.inputs = inputs
    self.outputs = outputs
    kernel = p.add(name + ".kernel", shape: [inputs, outputs])
    bias = p.add(name + ".bias", shape: [outputs])
    p.initGlorotUniform(kernel, fanIn: inputs, fanOut: outputs, rng: &rng)
  }

  /// x [batch, inputs] -> y [batch, outputs]
  public func forward(_ x: [Scalar], batch: Int, _ p: Parameters<Scalar>) -> [Scalar] {
    precondition(x.count == batch * inputs)
    var y = [Scalar](repeating: 0, count: batch * outputs)
    // y[b, o] = b[o]
    for r in 0..<batch {
      for o in 0..<outputs { y[r * outputs + o] = p.values[bias.offset + o] }
    }
    // y += x [batch, inputs] * W [inputs, outputs]
    x.withUnsafeBufferPointer { px in
      p.values.withUnsafeBufferPointer { pv in
        y.withUnsafeMutableBufferPointer { py in
          Scalar.gemm(
            transA: false, transB: false, m: batch, n: outputs, k: inputs, alpha: 1,
            a: px.baseAddress!, lda: inputs, b: pv.baseAddress! + kernel.offset, ldb: outputs,
            beta: 1, c: py.baseAddress!, ldc: outputs)
        }
      }
    }
    return y
  }

  /// dy [batch, outputs], x [batch, inputs] -> dx [batch, inputs];
  /// dW [inputs, outputs] += xᵀ dy; db [outputs] += Σ_batch dy.
  public func backward(_ dy: [Scalar], input x: [Scalar], batch: Int, _ p: Parameters<Scalar>)
    -> [Scalar]
  {
    precondition(dy.count == batch * outputs && x.count == batch * inputs)
    var dx = [Scalar](repeating: 0, count: batch * inputs)
    x.withUnsafeBufferPointer { px in
      dy.withUnsafeBufferPointer { pdy in
        p.grads.withUnsafeMutableBufferPointer { pg in
          // dW += xᵀ [inputs, batch] * dy [batch, outputs]
          Scalar.gemm(
            transA: true, transB: false, m: inputs, n: outputs, k: batch, alpha: 1,
            a: px.baseAddress!, lda: inputs, b: pdy.baseAddress!, ldb: outputs, beta: 1,
            c: pg.baseAddress! + kernel.offset, ldc: outputs)
        }
        p.values.withUnsafeBufferPointer { pv in
          dx.withUnsafeMutableBufferPointer { pdx in
            // dx = dy [batch, outputs] * Wᵀ [outputs, inputs]
            Scalar.gemm(
              transA: false, transB: true, m: batch, n: inputs, k: outputs, alpha: 1,
              a: pdy.baseAddress!, lda: outputs, b: pv.baseAddress! + kernel.offset, ldb: outputs,
              beta: 0, c: pdx.baseAddress!, ldc: inputs)
          }
        }
      }
    }
    for r in 0..<batch {
      for o in 0..<outputs { p.grads[bias.offset + o] += dy[r * outputs + o] }
    }
    return dx
  }
}
