import Int8Runtime
import Testing

@testable import Trainer

/// `SequenceTrainer`'s scheduled sampling: `sampledInputPercent`, its ramp and `feedOwnSamples`.
@Suite struct ScheduledSamplingTests {
  static func trainer(
    target: SequenceTarget = .latent, carry: Double = 0,
    edit: (inout SequenceTrainer<Float>.Options) -> Void = { _ in }
  ) throws -> SequenceTrainer<Float> {
    var o = SequenceTrainerTests.options()
    o.windowLength = 3
    o.streams = 2
    o.target = target
    o.sampledInputCarry = carry
    edit(&o)
    let model = SequenceModel<Float>(preset: SequenceTrainerTests.preset(), seed: 21)
    return try SequenceTrainer(
      model: model, trainingClips: [SequenceTrainerTests.sinusoids(0..<40)], options: o)
  }

  /// Rows of two streams × 3 steps read from the trainer's normalised frames: stream 0 starts at
  /// frame 0, stream 1 at frame 10; stream 1's last row is padding when `padLast`.
  static func window(_ t: SequenceTrainer<Float>, padLast: Bool = false) -> (
    SequenceModel<Float>.Window, starts: [Int?]
  ) {
    let (D, T) = (t.model.latentSize, 3)
    let starts = [0, 10]
    var w = SequenceModel<Float>.Window(
      inputs: [Float](repeating: 0, count: 2 * T * D), targets: [Float](repeating: 0, count: 2 * T * D),
      weights: [Float](repeating: 1, count: 2 * T), batch: 2, steps: T)
    for b in 0..<2 {
      for tau in 0..<T {
        let row = (b * T + tau) * D
        let src = (starts[b] + tau) * D
        for d in 0..<D {
          w.inputs[row + d] = t.frames[src + d]
          w.targets[row + d] = t.model.target.target(current: t.frames[src + d], next: t.frames[src + D + d])
        }
      }
    }
    if padLast {
      w.weights![2 * T - 1] = 0
      for d in 0..<D { w.inputs[(2 * T - 1) * D + d] = 0 }
    }
    return (w, starts.map { $0 + 1 })
  }

  // MARK: - Schedule

  @Test func chanceRisesLinearlyOverTheRampAndIsZeroInTheAblation() throws {
    let ramped = try Self.trainer {
      $0.sampledInputPercent = 50
      $0.sampledInputRampEpochs = 10
    }
    #expect([0, 1, 4, 8, 9, 10, 30].map(ramped.sampledInputPerMille) == [50, 100, 250, 450, 500, 500, 500])
    let atOnce = try Self.trainer { $0.sampledInputPercent = 30 }
    #expect(atOnce.sampledInputPerMille(epoch: 0) == 300)
    let ablation = try Self.trainer {
      $0.sampledInputPercent = 100
      $0.stateless = true
    }
    #expect(ablation.sampledInputPerMille(epoch: 5) == 0)
  }

  // MARK: - Feeding

  /// Every fed input is what generation would have drawn: the model stepped from the window's
  /// state over the inputs so far, sampled at unit temperatures with the same generator; each
  /// fed row's target is the real next latent moved by λ times the sample's deviation.
  @Test(arguments: [SequenceTarget.latent, .delta], [0, 0.75])
  func everyFedInputIsTheModelsOwnSampleAndTargetsCarryItsDeviation(
    target: SequenceTarget, carry: Double
  ) throws {
    let t = try Self.trainer(target: target, carry: carry)
    let (D, O) = (t.model.latentSize, t.model.layout.outputs)
    let (original, starts) = Self.window(t)
    var fed = original
    var rng = DanceRandom(seed: 77)
    t.feedOwnSamples(
      into: &fed, realNextStarts: starts, from: t.model.zeroState(batch: 2), perMille: 1000, rng: &rng)

    // replay: the same steps, the same draws (one next(below:) then the sampler's, per stream)
    var replay = DanceRandom(seed: 77)
    let sampler = try MDNSampler(layout: t.model.layout, piTemperature: 1, sigmaTemperature: 1)
    var state = t.model.zeroState(batch: 2)
    var x = (0..<2).flatMap { b in Array(original.inputs[(b * 3 * D)..<(b * 3 * D + D)]) }
    for tau in 0..<2 {
      let out = t.model.step(x, state: &state)
      var next = [Float]()
      for b in 0..<2 {
        #expect(replay.next(below: 1000) < 1000)
        let s = sampler.sample(Array(out[(b * O)..<((b + 1) * O)]), rng: &replay).z
        let z = target.next(current: Array(x[(b * D)..<((b + 1) * D)]), sample: s)
        let row = (b * 3 + tau + 1) * D
        #expect(Array(fed.inputs[row..<(row + D)]) == z)
        #expect(z != Array(original.inputs[row..<(row + D)]))
        // the target: the real next latent plus λ·(fed − the real latent it replaced)
        let real = Array(t.frames[((starts[b]! + tau + 1) * D)..<((starts[b]! + tau + 2) * D)])
        let replaced = Array(original.inputs[row..<(row + D)])
        let back = target.next(current: z, sample: Array(fed.targets[row..<(row + D)]))
        for d in 0..<D {
          let expected = real[d] + Float(carry) * (z[d] - replaced[d])
          #expect(abs(back[d] - expected) <= 1e-5)
        }
        next += z
      }
      x = next
    }
    #expect(rng.next() == replay.next())
    // row 0 of each stream keeps its real input and target
    for b in 0..<2 {
      let row = b * 3 * D
      #expect(fed.inputs[row..<(row + D)] == original.inputs[row..<(row + D)])
      #expect(fed.targets[row..<(row + D)] == original.targets[row..<(row + D)])
    }
  }

  @Test func paddingAndAbsentStreamsAreNeitherFedNorDrawnFor() throws {
    let t = try Self.trainer()
    let (original, starts) = Self.window(t, padLast: true)
    var fed = original
    var rng = DanceRandom(seed: 5)
    // stream 0 has no window this update; stream 1's row 2 is padding: one draw, for its row 1
    t.feedOwnSamples(
      into: &fed, realNextStarts: [nil, starts[1]], from: t.model.zeroState(batch: 2), perMille: 0,
      rng: &rng)
    var expected = DanceRandom(seed: 5)
    _ = expected.next(below: 1000)
    #expect(rng.next() == expected.next())
    #expect(fed.inputs == original.inputs)
    #expect(fed.targets == original.targets)
  }

  // MARK: - Training

  @Test func sampledInputsAreSeededChangeTheUpdatesAndLeaveTheAblationAlone() throws {
    let clips = [SequenceTrainerTests.backAndForth(0..<200, seed: 11)]
    func trainedWeights(percent: Int, carry: Double = 0, stateless: Bool = false, seed: UInt64 = 3)
      throws -> [Float]
    {
      let model = SequenceModel<Float>(preset: SequenceTrainerTests.preset(), seed: 12)
      var o = SequenceTrainerTests.options(stateless: stateless)
      o.sampledInputPercent = percent
      o.sampledInputRampEpochs = 2
      o.sampledInputCarry = carry
      o.seed = seed
      var trainer = try SequenceTrainer(model: model, trainingClips: clips, options: o)
      for e in 0..<2 { _ = try trainer.trainEpoch(e) }
      return model.parameters.values
    }
    let plain = try trainedWeights(percent: 0)
    let sampled = try trainedWeights(percent: 50)
    #expect(sampled != plain)
    #expect(try trainedWeights(percent: 50) == sampled)
    #expect(try trainedWeights(percent: 50, seed: 4) != sampled)
    #expect(try trainedWeights(percent: 50, carry: 0.9) != sampled)
    #expect(try trainedWeights(percent: 100, stateless: true) == trainedWeights(percent: 0, stateless: true))
  }

  @Test func badChancesAreRejectedWithAMessage() {
    func message(_ edit: (inout SequenceTrainer<Float>.Options) -> Void) -> String {
      do {
        _ = try Self.trainer(edit: edit)
        return ""
      } catch { return "\(error)" }
    }
    #expect(message { $0.sampledInputPercent = 101 }.contains("sampled-input chance 101%"))
    #expect(message { $0.sampledInputPercent = -1 }.contains("sampled-input chance -1%"))
    #expect(message { $0.sampledInputRampEpochs = -2 }.contains("ramp of -2 epochs"))
    #expect(message { $0.sampledInputCarry = 1.5 }.contains("sampled-input carry 1.5"))
    #expect(message { $0.sampledInputCarry = .nan }.contains("sampled-input carry"))
  }
}
