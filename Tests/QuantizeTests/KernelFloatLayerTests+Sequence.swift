import Foundation
import Int8Runtime
import Testing
import Trainer

@testable import Quantize

// MARK: - The sequence model's kernels against their float layers

extension KernelFloatLayerTests {
  // MARK: - LSTM cell

  /// One step of a float LSTM layer against `LSTMCellKernel` from the same state. Bound terms,
  /// each the worst case of one rounding of the scheme (docs/INT8.md, "LSTM cell"):
  ///
  ///     e_a  = linear bound (x side, 2^−f input) + linear bound (h side, Q15 input)
  ///            + 2 · 2^−13 (the two requantisations to Q12) + 2^−31 · |a| · 2
  ///     gate table error T = 2^−15 (entries rounded to Q15, or clamped at 32767: ≤ 1 step)
  ///            + 2^−16 (interpolation's rounding) + (1/32)²/8 · max|f''| (linear
  ///            interpolation between entries 1/32 apart; max|σ''| = 1/(6√3), max|tanh''| = 4/(3√3))
  ///     e_i, e_f, e_o = e_a / 4 + T_σ (σ' ≤ ¼)        e_g = e_a + T_tanh (tanh' ≤ 1)
  ///     e_c  = e_f·(|c| + e_c0) + e_c0 + e_i·(|g| + e_g) + e_g + 2^−cf   (c rounded to Q(cf):
  ///            e_c0 = 2^−(cf+1); the two products each rounded to half a Q(cf) step)
  ///     e_t  = e_c + (cf > 12 ? 2^−13 : 0) + T_tanh      (tanh(c') read at Q12)
  ///     e_h  = e_o·(|tanh c'| + e_t) + e_t + 2^−16       (h rounded to Q15)
  @Test func lstmCellStep() throws {
    let (n, U, f) = (5, 6, 12)
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 40)
    let lstm = LSTM("l", inputs: n, units: U, in: p, rng: &rng)
    Self.randomBias(p, lstm.bias, seed: 41, scale: 0.5)
    let x = Self.uniform(n, seed: 42, scale: 2)
    let h = Self.uniform(U, seed: 43, scale: 0.9)
    let c = Self.uniform(U, seed: 44, scale: 1.5)
    let next = lstm.forward(x, steps: 1, batch: 1, initial: .init(h: h, c: c), p).final

    // float pre-activations and gates (rows i, f, g, o), for the bound
    let W = transposed(Array(p.values[lstm.kernel.range]), rows: n, columns: 4 * U)
    let R = transposed(Array(p.values[lstm.recurrentKernel.range]), rows: U, columns: 4 * U)
    let bias = Array(p.values[lstm.bias.range])
    var a = bias
    for row in 0..<(4 * U) {
      for i in 0..<n { a[row] += W[row * n + i] * x[i] }
      for j in 0..<U { a[row] += R[row * U + j] * h[j] }
    }
    try #require(a.allSatisfy { abs($0) < 7.9 }, "pre-activations must fit Q12's [−8, 8)")
    let cf = int16FractionBits(forMagnitude: (c + next.c).reduce(0) { max($0, abs($1)) })

    // quantise by the scheme
    let (sx, sh, sa) = (Foundation.pow(2, -Double(f)), 0x1p-15, 0x1p-12)
    let qx = ChannelWeights(rows: 4 * U, columns: n, values: W)
    let qr = ChannelWeights(rows: 4 * U, columns: U, values: R)
    let t = QuantizedLayerTensors()
    t.addRows("x", weights: qx, bias: bias, inputScale: sx, outputScale: { _ in sa })
    t.addRows("r", weights: qr, bias: nil, inputScale: sh, outputScale: { _ in sa })
    t.writer.addInt16(
      "sigmoid", shape: [513], values: Int8Conversion.gateTable(Int8Conversion.logistic, lo: 0))
    t.writer.addInt16("tanh", shape: [513], values: Int8Conversion.gateTable(Foundation.tanh, lo: -32767))
    try t.open()
    let layer = LSTMWeights(
      inputs: n, units: U, weights: t.int8("x.weights"), recurrentWeights: t.int8("r.weights"),
      bias: t.int32("x.bias"), inputRequantization: t.requantization("x"),
      recurrentRequantization: t.requantization("r"), cellFractionBits: cf)
    var h16 = h.map { Int16(($0 * 32768).rounded()) }
    var c16 = c.map { Int16(($0 * Foundation.pow(2, Double(cf))).rounded()) }
    var gates = [Int16](repeating: 0, count: 4 * U)
    withExtendedLifetime(t) {
      Self.latentFormat(x, fractionBits: f).withUnsafeBufferPointer { xq in
        h16.withUnsafeMutableBufferPointer { hp in
          c16.withUnsafeMutableBufferPointer { cp in
            gates.withUnsafeMutableBufferPointer {
              LSTMCellKernel.step(
                layer, input: xq, h: hp, c: cp, gates: $0, sigmoid: GateTable(t.int16("sigmoid")),
                tanh: GateTable(t.int16("tanh")))
            }
          }
        }
      }
    }

    // the bound, term by term
    let eA = (0..<(4 * U)).map { (row: Int) -> Double in
      let fromX = qx.linearErrorBound(row: row, inputs: x, inputStep: sx)
      let fromH = qr.linearErrorBound(row: row, inputs: h, inputStep: sh)
      return fromX + fromH + 2 * 0x1p-13 + 2 * multiplierRelativeError * abs(a[row])
    }
    let interpolation = 1.0 / (32 * 32 * 8)
    let tableSigmoid = 0x1p-15 + 0x1p-16 + interpolation / (6 * 3.0.squareRoot())
    let tableTanh = 0x1p-15 + 0x1p-16 + interpolation * 4 / (3 * 3.0.squareRoot())
    let cStep = Foundation.pow(2, -Double(cf))
    for u in 0..<U {
      let g = Foundation.tanh(a[2 * U + u])
      let (ei, ef, eo) = (
        eA[u] / 4 + tableSigmoid, eA[U + u] / 4 + tableSigmoid, eA[3 * U + u] / 4 + tableSigmoid
      )
      let eg = eA[2 * U + u] + tableTanh
      let ec0 = cStep / 2
      let ec = ef * (abs(c[u]) + ec0) + ec0 + ei * (abs(g) + eg) + eg + cStep
      let et = ec + (cf > 12 ? 0x1p-13 : 0) + tableTanh
      let eh = eo * (abs(Foundation.tanh(next.c[u])) + et) + et + 0x1p-16
      let (gotC, gotH) = (Double(c16[u]) * cStep, Double(h16[u]) / 32768)
      #expect(abs(gotC - next.c[u]) <= ec, "unit \(u) c: \(gotC) vs \(next.c[u]), bound \(ec)")
      #expect(abs(gotH - next.h[u]) <= eh, "unit \(u) h: \(gotH) vs \(next.h[u]), bound \(eh)")
    }
  }

  // MARK: - MDN head

  /// The MDN head (a float Dense on the int16 sequence.dense output) against `MDNHead`'s rows,
  /// each requantised to its own format: means to the latent format 2^−f, log-sigmas to Q11,
  /// logits to Q16. Bound per row: half its output step + the linear bound (input int16
  /// symmetric, scale max/32767) + the multiplier's 2^−31.
  @Test func mdnHeadRows() throws {
    let (K, D) = (3, 4)
    let k = DenseCase(
      inputs: 9, outputs: 2 * K * D + K, batch: 6, seed: 50, inputScale: 1, biasScale: 0.5,
      inputShape: { max($0, 0) * 4 })  // a relu output
    let (H, O, f, x, y) = (k.n, k.m, 12, k.x, k.y)
    try #require(y.allSatisfy { abs($0) < 7.9 }, "outputs must fit the latent format's ±8")
    let sx = (x.max() ?? 1) / 32767
    let outputStep = { (o: Int) in
      o < K * D ? Foundation.pow(2, -Double(f)) : (o < 2 * K * D ? 0x1p-11 : 0x1p-16)
    }
    let t = QuantizedLayerTensors()
    t.addRows("mdn", weights: k.q, bias: k.bias, inputScale: sx, outputScale: outputStep)
    try t.open()
    let mdn = MDNHead(layer: t.dense("mdn", inputs: H, outputs: O), mixtures: K, dims: D)
    withExtendedLifetime(t) {
      for b in 0..<k.batch {
        let xb = k.input(b)
        xb.map { Int16(($0 / sx).rounded()) }.withUnsafeBufferPointer { xq in
          for o in 0..<O {
            let (mix, d) = o < 2 * K * D ? ((o % (K * D)) / D, o % D) : (o - 2 * K * D, 0)
            let q16: Double =
              o < K * D
              ? Double(mdn.mean(mix, d, input: xq))
              : o < 2 * K * D ? Double(mdn.logSigma(mix, d, input: xq)) : Double(mdn.logit(mix, input: xq))
            let got = q16 * outputStep(o)
            let real = y[b * O + o]
            let bound = k.q.outputErrorBound(
              row: o, inputs: xb, inputStep: sx, outputStep: outputStep(o), real: real)
            #expect(abs(got - real) <= bound, "example \(b) row \(o): \(got) vs \(real), bound \(bound)")
          }
        }
      }
    }
  }
}
