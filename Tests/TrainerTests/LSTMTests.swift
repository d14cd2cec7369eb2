import Int8Runtime
import RealModule
import TestSupport
import Testing
import Trainer

@Suite struct LSTMTests {
  // MARK: - Helpers

  /// A nonzero initial state [B, units] from fixed pseudo-random numbers.
  static func state(batch: Int, units: Int, seed: UInt64) -> LSTM<Double>.State {
    LSTM<Double>.State(
      h: GradientCheck.randomVector(batch * units, seed: seed).map { 0.8 * $0 },
      c: GradientCheck.randomVector(batch * units, seed: seed + 1).map { 1.5 * $0 })
  }

  /// Randomises every parameter (the bias too) so no gradient is trivially zero.
  static func randomize(_ p: Parameters<Double>, seed: UInt64) {
    p.values = GradientCheck.randomVector(p.count, seed: seed).map { 0.7 * $0 }
  }

  // MARK: - Forward against an independent scalar implementation

  @Test func forwardMatchesKerasEquationsStepByStep() {
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 5)
    let (I, U, T, B) = (3, 2, 3, 2)
    let lstm = LSTM("l", inputs: I, units: U, in: p, rng: &rng)
    LSTMTests.randomize(p, seed: 6)
    let x = GradientCheck.randomVector(T * B * I, seed: 7)
    let s0 = LSTMTests.state(batch: B, units: U, seed: 8)
    let run = lstm.forward(x, steps: T, batch: B, initial: s0, p)

    // Scalar loops, one stream at a time, straight from the equations.
    let W = Array(p.values[lstm.kernel.range])  // [I, 4U]
    let R = Array(p.values[lstm.recurrentKernel.range])  // [U, 4U]
    let bias = Array(p.values[lstm.bias.range])
    func sigmoid(_ v: Double) -> Double { 1 / (1 + Double.exp(-v)) }
    for b in 0..<B {
      var h = Array(s0.h[(b * U)..<((b + 1) * U)])
      var c = Array(s0.c[(b * U)..<((b + 1) * U)])
      for t in 0..<T {
        var a = bias
        for j in 0..<(4 * U) {
          for i in 0..<I { a[j] += x[(t * B + b) * I + i] * W[i * 4 * U + j] }
          for u in 0..<U { a[j] += h[u] * R[u * 4 * U + j] }
        }
        for u in 0..<U {
          let (ig, fg, gg, og) = (
            sigmoid(a[u]), sigmoid(a[U + u]), Double.tanh(a[2 * U + u]),
            sigmoid(a[3 * U + u])
          )
          c[u] = fg * c[u] + ig * gg
          h[u] = og * Double.tanh(c[u])
          #expect(abs(run.outputs[(t * B + b) * U + u] - h[u]) < 1e-12)
        }
      }
      for u in 0..<U {
        #expect(abs(run.final.h[b * U + u] - h[u]) < 1e-12)
        #expect(abs(run.final.c[b * U + u] - c[u]) < 1e-12)
      }
    }
  }

  @Test func oneWindowEqualsTwoWindowsWithCarriedState() {
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 9)
    let (I, U, B) = (2, 3, 2)
    let lstm = LSTM("l", inputs: I, units: U, in: p, rng: &rng)
    let x = GradientCheck.randomVector(6 * B * I, seed: 10)
    let s0 = LSTMTests.state(batch: B, units: U, seed: 11)
    let whole = lstm.forward(x, steps: 6, batch: B, initial: s0, p)
    let first = lstm.forward(Array(x[..<(3 * B * I)]), steps: 3, batch: B, initial: s0, p)
    let second = lstm.forward(Array(x[(3 * B * I)...]), steps: 3, batch: B, initial: first.final, p)
    #expect(whole.outputs == first.outputs + second.outputs)
    #expect(whole.final == second.final)
  }

  // MARK: - Initialisation

  @Test func initialisationFollowsKeras() {
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 12)
    let (I, U) = (5, 6)
    let lstm = LSTM("sequence.lstm1", inputs: I, units: U, in: p, rng: &rng)
    #expect(
      p.slots.map(\.name) == [
        "sequence.lstm1.kernel", "sequence.lstm1.recurrent_kernel", "sequence.lstm1.bias",
      ])
    #expect(lstm.recurrentKernel.shape == [U, 4 * U])
    #expect(p.count == LayerSpec.lstm(name: "x", inputs: I, units: U).parameters)
    // bias: zeros except the forget slice, which is 1
    let bias = Array(p.values[lstm.bias.range])
    #expect(bias == (0..<(4 * U)).map { $0 >= U && $0 < 2 * U ? 1 : 0 })
    // recurrent rows orthonormal
    let r = Array(p.values[lstm.recurrentKernel.range])
    for i in 0..<U {
      for j in 0..<U {
        var dot = 0.0
        for k in 0..<(4 * U) { dot += r[i * 4 * U + k] * r[j * 4 * U + k] }
        #expect(abs(dot - (i == j ? 1 : 0)) < 1e-12)
      }
    }
  }

  /// `forgetBias` moves only the forget slice, and draws nothing from the generator.
  @Test func forgetBiasSetsOnlyTheForgetSlice() {
    let (I, U) = (3, 4)
    var values: [[Double]] = []
    for forgetBias in [1.0, -2.0] {
      let p = Parameters<Double>()
      var rng = DanceRandom(seed: 13)
      let lstm = LSTM("l", inputs: I, units: U, in: p, rng: &rng, forgetBias: forgetBias)
      let bias = Array(p.values[lstm.bias.range])
      #expect(bias == (0..<(4 * U)).map { $0 >= U && $0 < 2 * U ? forgetBias : 0 })
      values.append(Array(p.values[lstm.kernel.range]) + Array(p.values[lstm.recurrentKernel.range]))
    }
    #expect(values[0] == values[1])
    let model = SequenceModel<Float>(preset: TestPresets.smallSequence, seed: 2, forgetBias: -2)
    for l in model.lstms {
      let b = Array(model.parameters.values[l.bias.range])
      #expect(b[l.units..<(2 * l.units)].allSatisfy { $0 == -2 })
    }
  }

  // MARK: - Gradients (BPTT)

  @Test func backwardMatchesFiniteDifferencesWithCarriedState() {
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 13)
    let (I, U, T, B) = (3, 4, 5, 2)
    let lstm = LSTM("l", inputs: I, units: U, in: p, rng: &rng)
    LSTMTests.randomize(p, seed: 14)
    let s0 = LSTMTests.state(batch: B, units: U, seed: 15)
    var x = GradientCheck.randomVector(T * B * I, seed: 16)
    GradientCheck.run(
      parameters: p, inputs: &x,
      loss: { p, x in
        GradientCheck.weightedSum(lstm.forward(x, steps: T, batch: B, initial: s0, p).outputs).0
      },
      analytic: { p, x in
        p.zeroGrads()
        let run = lstm.forward(x, steps: T, batch: B, initial: s0, p)
        return lstm.backward(GradientCheck.weightedSum(run.outputs).1, cache: run.cache, p)
      })
  }

  @Test func twoLayerStackBackwardMatchesFiniteDifferences() {
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 17)
    let (I, U1, U2, T, B) = (2, 3, 4, 4, 2)
    let l1 = LSTM("l1", inputs: I, units: U1, in: p, rng: &rng)
    let l2 = LSTM("l2", inputs: U1, units: U2, in: p, rng: &rng)
    LSTMTests.randomize(p, seed: 18)
    let s1 = LSTMTests.state(batch: B, units: U1, seed: 19)
    let s2 = LSTMTests.state(batch: B, units: U2, seed: 21)
    var x = GradientCheck.randomVector(T * B * I, seed: 23)
    func outputs(_ p: Parameters<Double>, _ x: [Double]) -> [Double] {
      let h1 = l1.forward(x, steps: T, batch: B, initial: s1, p).outputs
      return l2.forward(h1, steps: T, batch: B, initial: s2, p).outputs
    }
    GradientCheck.run(
      parameters: p, inputs: &x,
      loss: { p, x in GradientCheck.weightedSum(outputs(p, x)).0 },
      analytic: { p, x in
        p.zeroGrads()
        let r1 = l1.forward(x, steps: T, batch: B, initial: s1, p)
        let r2 = l2.forward(r1.outputs, steps: T, batch: B, initial: s2, p)
        let dh1 = l2.backward(GradientCheck.weightedSum(r2.outputs).1, cache: r2.cache, p)
        return l1.backward(dh1, cache: r1.cache, p)
      })
  }
}
