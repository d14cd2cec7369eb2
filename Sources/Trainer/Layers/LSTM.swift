import FloatRandom
import Int8Runtime
import RealModule

// MARK: - LSTM

/// A long short-term memory layer (Hochreiter & Schmidhuber 1997) in Keras' layout, run over a
/// window of T steps for B parallel streams, with forward and backward (truncated BPTT) as a pair.
///
/// Parameters (gate order i, f, c(g), o along the 4·units axis, as Keras stores them):
/// - `<name>.kernel`            [inputs, 4·units]  Glorot uniform
/// - `<name>.recurrent_kernel`  [units, 4·units]   orthogonal rows (Keras' default)
/// - `<name>.bias`              [4·units]          zeros, forget slice `forgetBias` (1 = Keras `unit_forget_bias`)
///
/// One step, per stream (σ = logistic sigmoid, ⊙ = elementwise):
/// ```text
/// a = x_t W + h_{t-1} R + b            [4·units], split into a_i, a_f, a_g, a_o
/// i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)
/// c_t = f ⊙ c_{t-1} + i ⊙ g
/// h_t = o ⊙ tanh(c_t)
/// ```
/// σ is the logistic sigmoid, as in tf.keras ≥ 2.3 and TFLite (Keras 2.2, the original's, defaulted
/// to a piecewise-linear "hard sigmoid" for the gates; docs/FORMAT.md fixes the logistic one).
/// Tensors are time-major: x [T, B, inputs], outputs [T, B, units]; a state is h, c [B, units].
/// The input projection x W for all T·B rows is one gemm; the recurrent product is one gemm per
/// step. `backward` returns the gradient wrt the inputs only: the initial state is treated as a
/// constant (truncated backpropagation through time).
///
/// ```swift
/// let p = Parameters<Double>()
/// var rng = DanceRandom(seed: 1)
/// let lstm = LSTM("sequence.lstm1", inputs: 3, units: 4, in: p, rng: &rng)
/// let x = [Double](repeating: 0.5, count: 5 * 2 * 3)           // T = 5, B = 2
/// let run = lstm.forward(x, steps: 5, batch: 2, initial: lstm.zeroState(batch: 2), p)
/// run.outputs.count                                            // 5 * 2 * 4
/// p.zeroGrads()
/// let dx = lstm.backward(run.outputs, cache: run.cache, p)     // [5, 2, 3]; p.grads filled
/// ```
public struct LSTM<Scalar: TrainScalar> {
  public let inputs: Int
  public let units: Int
  public let kernel: Parameters<Scalar>.Slot  // [inputs, 4·units]
  public let recurrentKernel: Parameters<Scalar>.Slot  // [units, 4·units]
  public let bias: Parameters<Scalar>.Slot  // [4·units]

  /// The carried state of B streams: h and c, each [B, units].
  public struct State: Equatable, Sendable {
    public var h: [Scalar]
    public var c: [Scalar]
    public init(h: [Scalar], c: [Scalar]) {
      precondition(h.count == c.count)
      self.h = h
      self.c = c
    }
  }

  /// What `backward` needs from `forward`.
  public struct Cache {
    public let steps: Int
    public let batch: Int
    /// x [T, B, inputs]
    let x: [Scalar]
    /// activated gates i, f, g, o [T, B, 4·units]
    let gates: [Scalar]
    /// c_0 ... c_T [T+1, B, units] (c_0 is the initial state)
    let cells: [Scalar]
    /// h_0 ... h_T [T+1, B, units]
    let hidden: [Scalar]
    /// tanh(c_1) ... tanh(c_T) [T, B, units]
    let tanhCells: [Scalar]
  }

  /// Creates the three tensors in `p` and initialises them. Draw order from `rng`: the kernel's
  /// Glorot uniforms (row-major), then one Gaussian per recurrent-kernel entry (row-major),
  /// which are then orthonormalised row by row; the bias draws nothing. `forgetBias` starts the
  /// forget gate at sigmoid(forgetBias): 1 (Keras) keeps about 73% of the cell per step, -2 about
  /// 12% (a nearly memoryless start).
  public init(
    _ name: String, inputs: Int, units: Int, in p: Parameters<Scalar>, rng: inout DanceRandom,
    forgetBias: Scalar = 1
  ) {
    precondition(inputs > 0 && units > 0)
    self.inputs = inputs
    self.units = units
    kernel = p.add(name + ".kernel", shape: [inputs, 4 * units])
    recurrentKernel = p.add(name + ".recurrent_kernel", shape: [units, 4 * units])
    bias = p.add(name + ".bias", shape: [4 * units])
    p.initGlorotUniform(kernel, fanIn: inputs, fanOut: 4 * units, rng: &rng)
    for i in recurrentKernel.range { p.values[i] = DanceRandomFloats.gaussian(&rng) }
    LSTM.orthonormalizeRows(&p.values, offset: recurrentKernel.offset, rows: units, columns: 4 * units)
    for u in units..<(2 * units) { p.values[bias.offset + u] = forgetBias }
  }

  public func zeroState(batch: Int) -> State {
    State(
      h: [Scalar](repeating: 0, count: batch * units), c: [Scalar](repeating: 0, count: batch * units))
  }

  // MARK: - Forward

  /// x [T, B, inputs], initial h, c [B, units] -> outputs h_1...h_T [T, B, units], final (h_T, c_T).
  public func forward(
    _ x: [Scalar], steps: Int, batch: Int, initial: State, _ p: Parameters<Scalar>
  ) -> (outputs: [Scalar], final: State, cache: Cache) {
    let (T, B, U, G) = (steps, batch, units, 4 * units)
    precondition(x.count == T * B * inputs, "LSTM input is not [T, B, inputs]")
    precondition(initial.h.count == B * U && initial.c.count == B * U, "LSTM state is not [B, units]")
    // a [T·B, 4U] = bias (broadcast) + x [T·B, inputs] · W [inputs, 4U]
    var gates = [Scalar](repeating: 0, count: T * B * G)
    var cells = [Scalar](repeating: 0, count: (T + 1) * B * U)
    var hidden = [Scalar](repeating: 0, count: (T + 1) * B * U)
    var tanhCells = [Scalar](repeating: 0, count: T * B * U)
    cells.replaceSubrange(0..<(B * U), with: initial.c)
    hidden.replaceSubrange(0..<(B * U), with: initial.h)
    p.values.withUnsafeBufferPointer { pv in
      let w = pv.baseAddress! + kernel.offset
      let r = pv.baseAddress! + recurrentKernel.offset
      let bb = pv.baseAddress! + bias.offset
      gates.withUnsafeMutableBufferPointer { pa in
        for row in 0..<(T * B) {
          for j in 0..<G { pa[row * G + j] = bb[j] }
        }
        x.withUnsafeBufferPointer { px in
          Scalar.gemm(
            transA: false, transB: false, m: T * B, n: G, k: inputs, alpha: 1, a: px.baseAddress!,
            lda: inputs, b: w, ldb: G, beta: 1, c: pa.baseAddress!, ldc: G)
        }
        cells.withUnsafeMutableBufferPointer { pc in
          hidden.withUnsafeMutableBufferPointer { ph in
            tanhCells.withUnsafeMutableBufferPointer { ptc in
              for t in 0..<T {
                let a = pa.baseAddress! + t * B * G  // [B, 4U] of step t
                // a += h_{t-1} [B, U] · R [U, 4U]
                Scalar.gemm(
                  transA: false, transB: false, m: B, n: G, k: U, alpha: 1,
                  a: ph.baseAddress! + t * B * U, lda: U, b: r, ldb: G, beta: 1, c: a, ldc: G)
                for b in 0..<B {
                  let ab = a + b * G
                  let prev = t * B * U + b * U  // c_{t-1}, h_{t-1}
                  let next = prev + B * U  // c_t, h_t
                  let tcb = t * B * U + b * U
                  for u in 0..<U {
                    let i = Activation.sigmoid(ab[u])
                    let f = Activation.sigmoid(ab[U + u])
                    let g = Scalar.tanh(ab[2 * U + u])
                    let o = Activation.sigmoid(ab[3 * U + u])
                    ab[u] = i
                    ab[U + u] = f
                    ab[2 * U + u] = g
                    ab[3 * U + u] = o
                    let c = f * pc[prev + u] + i * g
                    let tc = Scalar.tanh(c)
                    pc[next + u] = c
                    ptc[tcb + u] = tc
                    ph[next + u] = o * tc
                  }
                }
              }
            }
          }
        }
      }
    }
    let outputs = Array(hidden[(B * U)...])
    let final = State(h: Array(hidden[(T * B * U)...]), c: Array(cells[(T * B * U)...]))
    let cache = Cache(
      steps: T, batch: B, x: x, gates: gates, cells: cells, hidden: hidden, tanhCells: tanhCells)
    return (outputs, final, cache)
  }

  // MARK: - Backward (truncated BPTT through the window)

  /// dOutputs [T, B, units] -> dx [T, B, inputs]; accumulates dW, dR, db into `p.grads`.
  ///
  /// Going back from t = T-1 to 0 with dh, dc carried from step t+1:
  /// ```text
  /// dh = dOut_t + dh_next                    dc = dc_next + dh ⊙ o ⊙ (1 - tanh²c_t)
  /// da_i = dc ⊙ g ⊙ i(1-i)   da_f = dc ⊙ c_{t-1} ⊙ f(1-f)
  /// da_g = dc ⊙ i ⊙ (1-g²)   da_o = dh ⊙ tanh c_t ⊙ o(1-o)
  /// dh_next = da_t R ᵀ        dc_next = dc ⊙ f
  /// ```
  /// then dR += Hprevᵀ dA, dW += Xᵀ dA, db += Σ rows dA, dx = dA Wᵀ, each one gemm over T·B rows.
  public func backward(_ dOutputs: [Scalar], cache: Cache, _ p: Parameters<Scalar>) -> [Scalar] {
    let (T, B, U, G) = (cache.steps, cache.batch, units, 4 * units)
    precondition(dOutputs.count == T * B * U, "LSTM output gradient is not [T, B, units]")
    var dA = [Scalar](repeating: 0, count: T * B * G)  // [T, B, 4U] pre-activation gradients
    var dhNext = [Scalar](repeating: 0, count: B * U)  // [B, U]
    var dcNext = [Scalar](repeating: 0, count: B * U)  // [B, U]
    var dx = [Scalar](repeating: 0, count: T * B * inputs)
    p.values.withUnsafeBufferPointer { pv in
      let w = pv.baseAddress! + kernel.offset
      let r = pv.baseAddress! + recurrentKernel.offset
      dA.withUnsafeMutableBufferPointer { pdA in
        cache.gates.withUnsafeBufferPointer { pg in
          cache.cells.withUnsafeBufferPointer { pc in
            cache.tanhCells.withUnsafeBufferPointer { ptc in
              dOutputs.withUnsafeBufferPointer { pdo in
                dhNext.withUnsafeMutableBufferPointer { pdh in
                  dcNext.withUnsafeMutableBufferPointer { pdc in
                    for t in stride(from: T - 1, through: 0, by: -1) {
                      for b in 0..<B {
                        let gb = t * B * G + b * G
                        let sb = t * B * U + b * U  // [t, b] in [T, B, U]; also c_{t-1} in cells
                        for u in 0..<U {
                          let i = pg[gb + u]
                          let f = pg[gb + U + u]
                          let g = pg[gb + 2 * U + u]
                          let o = pg[gb + 3 * U + u]
                          let tc = ptc[sb + u]
                          let cPrev = pc[sb + u]
                          let dh = pdo[sb + u] + pdh[b * U + u]
                          let dc = pdc[b * U + u] + dh * o * (1 - tc * tc)
                          pdA[gb + u] = dc * g * i * (1 - i)
                          pdA[gb + U + u] = dc * cPrev * f * (1 - f)
                          pdA[gb + 2 * U + u] = dc * i * (1 - g * g)
                          pdA[gb + 3 * U + u] = dh * tc * o * (1 - o)
                          pdc[b * U + u] = dc * f
                        }
                      }
                      if t > 0 {
                        // dh_next [B, U] = dA_t [B, 4U] · Rᵀ [4U, U]
                        Scalar.gemm(
                          transA: false, transB: true, m: B, n: U, k: G, alpha: 1,
                          a: pdA.baseAddress! + t * B * G, lda: G, b: r, ldb: G, beta: 0,
                          c: pdh.baseAddress!, ldc: U)
                      }
                    }
                  }
                }
              }
            }
          }
        }
        p.grads.withUnsafeMutableBufferPointer { pgr in
          // dR [U, 4U] += Hprevᵀ [U, T·B] · dA [T·B, 4U]   (Hprev = h_0 ... h_{T-1})
          cache.hidden.withUnsafeBufferPointer { ph in
            Scalar.gemm(
              transA: true, transB: false, m: U, n: G, k: T * B, alpha: 1, a: ph.baseAddress!,
              lda: U, b: pdA.baseAddress!, ldb: G, beta: 1,
              c: pgr.baseAddress! + recurrentKernel.offset, ldc: G)
          }
          // dW [inputs, 4U] += Xᵀ [inputs, T·B] · dA [T·B, 4U]
          cache.x.withUnsafeBufferPointer { px in
            Scalar.gemm(
              transA: true, transB: false, m: inputs, n: G, k: T * B, alpha: 1, a: px.baseAddress!,
              lda: inputs, b: pdA.baseAddress!, ldb: G, beta: 1,
              c: pgr.baseAddress! + kernel.offset, ldc: G)
          }
          // db [4U] += Σ_rows dA
          for row in 0..<(T * B) {
            for j in 0..<G { pgr[bias.offset + j] += pdA[row * G + j] }
          }
        }
        // dx [T·B, inputs] = dA [T·B, 4U] · Wᵀ [4U, inputs]
        dx.withUnsafeMutableBufferPointer { pdx in
          Scalar.gemm(
            transA: false, transB: true, m: T * B, n: inputs, k: G, alpha: 1, a: pdA.baseAddress!,
            lda: G, b: w, ldb: G, beta: 0, c: pdx.baseAddress!, ldc: inputs)
        }
      }
    }
    return dx
  }

  // MARK: - Orthogonal initialisation

  /// Makes the `rows` rows (each `columns` long, rows <= columns) of a row-major matrix stored at
  /// `offset` orthonormal, in order, by classical Gram–Schmidt applied twice per row ("twice is
  /// enough", Giraud et al. 2005), with the projections done by gemm.
  static func orthonormalizeRows(_ a: inout [Scalar], offset: Int, rows: Int, columns n: Int) {
    precondition(rows <= n, "orthogonal rows need rows <= columns")
    var projection = [Scalar](repeating: 0, count: rows)
    a.withUnsafeMutableBufferPointer { pa in
      projection.withUnsafeMutableBufferPointer { pp in
        let q = pa.baseAddress! + offset
        for i in 0..<rows {
          let v = q + i * n
          if i > 0 {
            for _ in 0..<2 {
              // projection [i] = Q [i, n] · v [n]
              Scalar.gemm(
                transA: false, transB: false, m: i, n: 1, k: n, alpha: 1, a: q, lda: n, b: v, ldb: 1,
                beta: 0, c: pp.baseAddress!, ldc: 1)
              // v [n] -= Qᵀ [n, i] · projection [i]
              Scalar.gemm(
                transA: true, transB: false, m: n, n: 1, k: i, alpha: -1, a: q, lda: n,
                b: pp.baseAddress!, ldb: 1, beta: 1, c: v, ldc: 1)
            }
          }
          var sum: Scalar = 0
          for j in 0..<n { sum += v[j] * v[j] }
          let norm = Scalar.sqrt(sum)
          if norm > 0 { for j in 0..<n { v[j] /= norm } }
        }
      }
    }
  }
}
