import Int8Runtime
import TestSupport
import Testing
import Trainer

@Suite struct SequenceModelTests {
  // MARK: - Structure

  @Test func parametersFollowThePresetLayerList() {
    for preset in [TestPresets.smallSequence, .tiny] {
      let model = SequenceModel<Float>(preset: preset, seed: 1)
      let layers = preset.sequenceLayers
      #expect(model.parameters.count == layers.totalParameters)
      let names = model.parameters.slots.map(\.name)
      var expected: [String] = []
      for i in 1...preset.lstmLayers {
        expected += ["kernel", "recurrent_kernel", "bias"].map { "sequence.lstm\(i).\($0)" }
      }
      expected += ["sequence.dense.kernel", "sequence.dense.bias"]
      expected += ["sequence.mdn.kernel", "sequence.mdn.bias"]
      #expect(names == expected)
      #expect(
        model.parameters.slot(named: "sequence.mdn.kernel")?.shape == [
          preset.denseUnits, preset.mdnOutputs,
        ])
    }
  }

  @Test func sameSeedSameWeights() {
    let a = SequenceModel<Float>(preset: .tiny, seed: 7)
    let b = SequenceModel<Float>(preset: .tiny, seed: 7)
    let c = SequenceModel<Float>(preset: .tiny, seed: 8)
    #expect(a.parameters.values == b.parameters.values)
    #expect(a.parameters.values != c.parameters.values)
  }

  // MARK: - Stepping equals windows

  @Test func steppingOneLatentAtATimeEqualsOneWindow() {
    let model = SequenceModel<Double>(preset: TestPresets.smallSequence, seed: 2)
    let (T, D, O) = (5, 3, model.layout.outputs)
    let z = GradientCheck.randomVector(T * D, seed: 3)
    var windowState = model.zeroState(batch: 1)
    let window = SequenceModel<Double>.Window(
      inputs: z, targets: GradientCheck.randomVector(T * D, seed: 4), batch: 1, steps: T)
    var full = 0.0
    var state = model.zeroState(batch: 1)
    var perStep = 0.0
    for t in 0..<T {
      let out = model.step(Array(z[(t * D)..<((t + 1) * D)]), state: &state)
      #expect(out.count == O)
      perStep +=
        MDNLoss.negativeLogLikelihood(
          outputs: out, targets: Array(window.targets[(t * D)..<((t + 1) * D)]), rows: 1,
          layout: model.layout
        ).loss
    }
    let r = model.windowLoss(window, state: windowState)
    full = r.loss * Double(T)
    windowState = r.finalState
    #expect(abs(full - perStep) < 1e-10)
    #expect(windowState == state)
  }

  @Test func streamsInABatchAreIndependent() {
    let model = SequenceModel<Double>(preset: TestPresets.smallSequence, seed: 5)
    let (T, D) = (4, 3)
    let x = GradientCheck.randomVector(2 * T * D, seed: 6)  // [B=2, T, D]
    let y = GradientCheck.randomVector(2 * T * D, seed: 7)
    let both = model.windowLoss(
      .init(inputs: x, targets: y, batch: 2, steps: T), state: model.zeroState(batch: 2))
    var sum = 0.0
    for b in 0..<2 {
      let r = model.windowLoss(
        .init(
          inputs: Array(x[(b * T * D)..<((b + 1) * T * D)]),
          targets: Array(y[(b * T * D)..<((b + 1) * T * D)]), batch: 1, steps: T),
        state: model.zeroState(batch: 1))
      sum += r.loss
    }
    #expect(abs(both.loss - sum / 2) < 1e-12)
  }

  // MARK: - Gradient of the whole model

  @Test func wholeModelGradientMatchesFiniteDifferences() {
    let model = SequenceModel<Double>(preset: TestPresets.smallSequence, seed: 8)
    let p = model.parameters
    let (B, T, D) = (2, 3, 3)
    // biases are zero after init; randomise them too so every gradient is exercised
    for s in p.slots where s.name.hasSuffix(".bias") {
      let r = GradientCheck.randomVector(s.count, seed: UInt64(s.offset + 9))
      for j in 0..<s.count { p.values[s.offset + j] += 0.3 * r[j] }
    }
    // a carried, nonzero initial state: the result of a previous window
    let warm = model.windowLoss(
      .init(
        inputs: GradientCheck.randomVector(B * 2 * D, seed: 10),
        targets: GradientCheck.randomVector(B * 2 * D, seed: 11), batch: B, steps: 2),
      state: model.zeroState(batch: B))
    let s0 = warm.finalState
    var rng = DanceRandom(seed: 12)
    let masks = model.dropoutMasks(batch: B, steps: T, percent: 25, rng: &rng)
    #expect(masks?.count == 2)
    let targets = GradientCheck.randomVector(B * T * D, seed: 13)
    let weights: [Double] = [1, 1, 0, 1, 1, 1]  // one padded step
    var x = GradientCheck.randomVector(B * T * D, seed: 14)
    func window(_ x: [Double]) -> SequenceModel<Double>.Window {
      .init(inputs: x, targets: targets, weights: weights, batch: B, steps: T)
    }
    GradientCheck.run(
      parameters: p, inputs: &x,
      loss: { _, x in model.trainingStep(window(x), state: s0, dropoutMasks: masks).loss },
      analytic: { _, x in model.trainingStep(window(x), state: s0, dropoutMasks: masks).inputGradient }
    )
  }
}
