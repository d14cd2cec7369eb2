import FileAccess
import Foundation
import Int8Runtime
import TestSupport
import Testing
import Trainer

@Suite struct SequenceTargetTests {
  @Test func deltaIsTheChangeAndGenerationAddsItBack() {
    let current: [Float] = [1, 2, -0.5]
    let next: [Float] = [1.5, 1, 0.25]
    #expect(SequenceTarget.delta.target(current: current, next: next) == [0.5, -1, 0.75])
    #expect(SequenceTarget.delta.next(current: current, sample: [0.5, -1, 0.75]) == next)
    #expect(SequenceTarget.latent.target(current: current, next: next) == next)
    #expect(SequenceTarget.latent.next(current: current, sample: next) == next)
  }

  @Test func modelFilesRecordTheTargetAndOldFilesMeanLatent() throws {
    #expect(try SequenceTarget.recorded(in: [:]) == .latent)
    #expect(try SequenceTarget.recorded(in: [SequenceTarget.metadataKey: "delta"]) == .delta)
    #expect(throws: FileIOError("unknown sequence target 'velocity' (this build knows latent, delta)")) {
      try SequenceTarget.recorded(in: [SequenceTarget.metadataKey: "velocity"])
    }
  }

  /// With every MDN mean 0 and sigma-temperature 0, a delta model holds its start latent and a
  /// latent model jumps to the normalizer's mean.
  @Test(arguments: SequenceTarget.allCases) func zeroMeansFreezeADeltaModel(_ target: SequenceTarget) throws {
    let model = SequenceModel<Float>(preset: TestPresets.smallSequence, seed: 3)
    model.target = target
    for name in ["sequence.mdn.kernel", "sequence.mdn.bias"] {
      let slot = try #require(model.parameters.slot(named: name))
      for i in slot.range { model.parameters.values[i] = 0 }
    }
    let norm = try LatentNormalizer(mean: [1, -2, 0.5], std: [2, 0.5, 4])
    let sampler = try MDNSampler(layout: model.layout, piTemperature: 1, sigmaTemperature: 0)
    let start: [Float] = [3, -1, 4.5]
    var gen = try LatentGenerator(
      model: model, normalizer: norm, sampler: sampler, seed: 1, primer: [[0, 0, 0], start])
    for _ in 0..<3 {
      let z = gen.next()
      let want = target == .delta ? start : norm.mean
      for d in 0..<3 { #expect(abs(z[d] - want[d]) < 1e-5, "\(target) \(z) vs \(want)") }
    }
  }

  /// Held-out NLL of a delta model is the NLL of the deltas: the same windows by hand.
  @Test func heldOutNLLOfADeltaModelScoresTheDeltas() {
    let model = SequenceModel<Double>(preset: TestPresets.smallSequence, seed: 4)
    model.target = .delta
    let clip: [[Double]] = (0..<9).map { t in [sin(Double(t)), cos(0.5 * Double(t)), 0.1 * Double(t)] }
    let got = model.meanNLL(clips: [clip], mode: .stateful, windowLength: 4)
    var sum = 0.0
    var state = model.zeroState(batch: 1)
    var t = 0
    while t < clip.count - 1 {
      let L = min(4, clip.count - 1 - t)
      let w = SequenceModel<Double>.Window(
        inputs: Array(clip[t..<(t + L)].joined()),
        targets: (t..<(t + L)).flatMap { k in zip(clip[k + 1], clip[k]).map { $0 - $1 } },
        batch: 1, steps: L)
      let r = model.windowLoss(w, state: state)
      sum += r.loss * r.weightTotal
      state = r.finalState
      t += L
    }
    #expect(abs(got - sum / 8) < 1e-12)
    model.target = .latent
    #expect(abs(model.meanNLL(clips: [clip], mode: .stateful, windowLength: 4) - got) > 1e-3)
  }
}
