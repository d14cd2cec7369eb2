import FloatRandom
import Int8Runtime
import RealModule
import Testing
import Trainer

@Suite struct SequenceTrainerTests {
  /// One LSTM layer of 16 units over 4-D latents, 2 mixtures: trains in a few seconds in debug.
  static func preset(dropout: Int = 0) -> ModelPreset {
    ModelPreset(
      name: "seq-train-test", frameHeight: 8, frameWidth: 8, latentSize: 4, encoderChannels: [2],
      encoderHidden: 4, decoderExpand: 2, decoderChannels: [2], lstmLayers: 1, lstmUnits: 16,
      dropoutPercent: dropout, denseUnits: 16, mixtures: 2)
  }

  /// Small model, short run: a larger step than the original's 5e-4.
  static func options(stateless: Bool = false) -> SequenceTrainer<Float>.Options {
    var o = SequenceTrainer<Float>.Options()
    o.windowLength = 16
    o.streams = 4
    o.learningRate = 1e-2
    o.stateless = stateless
    o.seed = 3
    return o
  }

  /// A smooth 4-D trajectory: sinusoids of period 20 frames at different phases and harmonics.
  static func sinusoids(_ range: Range<Int>) -> [[Float]] {
    let w = 2 * Float.pi / 20
    return range.map { i in
      let t = Float(i)
      return [Float.sin(w * t), Float.cos(w * t), Float.sin(2 * w * t + 1), 0.5 * Float.cos(3 * w * t)]
    }
  }

  /// A point going back and forth along one curve (period 16) plus a little noise: from z_t alone
  /// the direction is unknown (two equally likely next latents); with memory it is not.
  static func backAndForth(_ range: Range<Int>, seed: UInt64) -> [[Float]] {
    var rng = DanceRandom(seed: seed)
    let w = 2 * Float.pi / 16
    return range.map { i in
      let x = Float.sin(w * Float(i))
      return [x, x * x - 0.5, 0.5 * x, -x].map { $0 + 0.02 * DanceRandomFloats.gaussian(&rng) }
    }
  }

  // MARK: - Windows

  @Test func windowsCoverEveryPairOnceAndNeverCrossAClip() throws {
    let clipLengths = [10, 1, 7, 25, 2]
    var clips: [[[Float]]] = []
    for n in clipLengths { clips.append(SequenceTrainerTests.sinusoids(0..<n)) }
    var o = SequenceTrainerTests.options()
    o.windowLength = 4
    o.streams = 3
    let model = SequenceModel<Float>(preset: SequenceTrainerTests.preset(), seed: 1)
    let trainer = try SequenceTrainer(model: model, trainingClips: clips, options: o)
    var clipOf: [Int] = []
    for (c, n) in clipLengths.enumerated() { clipOf += [Int](repeating: c, count: n) }
    let pairs = clipLengths.reduce(0) { $0 + max($1 - 1, 0) }
    var shifts = Set<Int>()
    for epoch in 0..<4 {
      let plan = trainer.plan(epoch: epoch)
      #expect(plan.count == 3)
      var seen = [Int](repeating: 0, count: clipOf.count)
      for stream in plan {
        var previous: SequenceTrainer<Float>.PlannedWindow? = nil
        for w in stream {
          #expect(w.length >= 1 && w.length <= 4)
          for t in w.start..<(w.start + w.length) {
            seen[t] += 1
            #expect(clipOf[t] == clipOf[t + 1])  // a pair inside one clip
          }
          if !w.reset {  // carried: straight after a full window of the same clip
            #expect(previous?.length == 4 && previous!.start + 4 == w.start)
          }
          previous = w
        }
        #expect(stream.first?.reset ?? true)
      }
      #expect(seen.reduce(0, +) == pairs)
      #expect(seen.allSatisfy { $0 <= 1 })
      shifts.insert(plan[0].first!.start)
    }
    #expect(shifts.count > 1)  // window alignment changes from epoch to epoch
  }

  @Test func statelessPlanIsSinglePairsFromZeroState() throws {
    let model = SequenceModel<Float>(preset: SequenceTrainerTests.preset(), seed: 1)
    let trainer = try SequenceTrainer(
      model: model, trainingClips: [SequenceTrainerTests.sinusoids(0..<300)],
      options: SequenceTrainerTests.options(stateless: true))
    #expect(trainer.effectiveWindow == (64, 1))
    let plan = trainer.plan(epoch: 0).flatMap { $0 }
    #expect(plan.count == 299)
    #expect(plan.allSatisfy { $0.length == 1 && $0.reset })
  }

  // MARK: - Learning

  @Test func trainingOnSinusoidsLowersHeldOutNLL() throws {
    let model = SequenceModel<Float>(preset: SequenceTrainerTests.preset(dropout: 10), seed: 4)
    var trainer = try SequenceTrainer(
      model: model, trainingClips: [SequenceTrainerTests.sinusoids(0..<400)],
      options: SequenceTrainerTests.options())
    let held = [SequenceTrainerTests.sinusoids(403..<523)]
    let before = try trainer.evaluate(heldOut: held, mode: .stateful)
    var steps = 0
    for e in 0..<25 {
      let r = try trainer.trainEpoch(e) { report in
        steps += 1
        #expect(!report.skipped && report.loss.isFinite)
      }
      #expect(r.pairs == 399)
    }
    let after = try trainer.evaluate(heldOut: held, mode: .stateful)
    #expect(steps > 100)
    // 4 standardised dimensions: ≈ 5.7 nats per pair under the initial σ = 1 prediction
    #expect(before > 4)
    #expect(after < before - 4, "held-out NLL \(before) -> \(after)")
  }

  @Test func statefulModelBeatsStatelessWhenTheLatentIsAmbiguous() throws {
    func train(stateless: Bool) throws -> Double {
      let model = SequenceModel<Float>(preset: SequenceTrainerTests.preset(), seed: 5)
      let options = SequenceTrainerTests.options(stateless: stateless)
      var trainer = try SequenceTrainer(
        model: model, trainingClips: [SequenceTrainerTests.backAndForth(0..<480, seed: 6)],
        options: options)
      for e in 0..<40 { _ = try trainer.trainEpoch(e) }
      return try trainer.evaluate(
        heldOut: [SequenceTrainerTests.backAndForth(500..<660, seed: 7)],
        mode: stateless ? .stateless : .stateful)
    }
    let stateful = try train(stateless: false)
    let stateless = try train(stateless: true)
    // knowing the direction is worth log 2 ≈ 0.69 nats per pair at best; ask for half of it
    #expect(stateful < stateless - 0.35, "stateful \(stateful), stateless \(stateless)")
  }

  // MARK: - Resume

  /// Plain, and with input noise and random state resets (which draw from the epoch's
  /// generator).
  @Test(arguments: [false, true]) func resumedRunEndsBitIdentical(regularised: Bool) throws {
    let clips = [SequenceTrainerTests.sinusoids(0..<150), SequenceTrainerTests.sinusoids(7..<90)]
    let preset = SequenceTrainerTests.preset(dropout: 20)
    var options = SequenceTrainerTests.options()
    if regularised {
      options.inputNoise = 0.1
      options.stateResetPercent = 30
    }

    let straight = SequenceModel<Float>(preset: preset, seed: 8)
    var a = try SequenceTrainer(model: straight, trainingClips: clips, options: options)
    for e in 0..<3 { _ = try a.trainEpoch(e) }

    let first = SequenceModel<Float>(preset: preset, seed: 8)
    var b = try SequenceTrainer(model: first, trainingClips: clips, options: options)
    for e in 0..<2 { _ = try b.trainEpoch(e) }
    // what a checkpoint holds: weights, normalizer, optimizer arrays and step count
    let weights = first.parameters.values
    let adam = Dictionary(uniqueKeysWithValues: b.optimizer.stateArrays.map { ($0.0, $0.1) })
    let adamSteps = b.optimizer.steps
    let normalizer = b.normalizer

    let resumed = SequenceModel<Float>(preset: preset, seed: 999)
    resumed.parameters.values = weights
    var c = try SequenceTrainer(
      model: resumed, trainingClips: clips, normalizer: normalizer, options: options)
    let restored = c.optimizer.restoreState(adam)
    #expect(restored)
    c.optimizer.steps = adamSteps
    _ = try c.trainEpoch(2)
    #expect(resumed.parameters.values == straight.parameters.values)
    #expect(c.optimizer.stateArrays.map(\.1) == a.optimizer.stateArrays.map(\.1))
  }

  // MARK: - Regularisers

  @Test func inputNoiseAndStateResetsAreSeededAndChangeTheUpdates() throws {
    let clips = [SequenceTrainerTests.backAndForth(0..<200, seed: 11)]
    func trainedWeights(noise: Double, resetPercent: Int, seed: UInt64 = 3) throws -> [Float] {
      let model = SequenceModel<Float>(preset: SequenceTrainerTests.preset(), seed: 12)
      var o = SequenceTrainerTests.options()
      o.inputNoise = noise
      o.stateResetPercent = resetPercent
      o.seed = seed
      var trainer = try SequenceTrainer(model: model, trainingClips: clips, options: o)
      for e in 0..<2 { _ = try trainer.trainEpoch(e) }
      return model.parameters.values
    }
    let plain = try trainedWeights(noise: 0, resetPercent: 0)
    let noisy = try trainedWeights(noise: 0.2, resetPercent: 0)
    let resetting = try trainedWeights(noise: 0, resetPercent: 50)
    #expect(noisy != plain)
    #expect(resetting != plain)
    #expect(noisy != resetting)
    #expect(try trainedWeights(noise: 0.2, resetPercent: 50) == trainedWeights(noise: 0.2, resetPercent: 50))
    #expect(try trainedWeights(noise: 0.2, resetPercent: 0, seed: 4) != noisy)
    // a reset chance has nothing to act on when no window carries state: the stateless ablation
    var o = SequenceTrainerTests.options(stateless: true)
    let a = SequenceModel<Float>(preset: SequenceTrainerTests.preset(), seed: 12)
    var ta = try SequenceTrainer(model: a, trainingClips: clips, options: o)
    _ = try ta.trainEpoch(0)
    o.stateResetPercent = 100
    let b = SequenceModel<Float>(preset: SequenceTrainerTests.preset(), seed: 12)
    var tb = try SequenceTrainer(model: b, trainingClips: clips, options: o)
    _ = try tb.trainEpoch(0)
    #expect(a.parameters.values == b.parameters.values)
  }

  // MARK: - Guards and errors

  @Test func nonFiniteStepsAreSkippedAndThenStopTraining() throws {
    let model = SequenceModel<Float>(preset: SequenceTrainerTests.preset(), seed: 9)
    // finite weights whose outputs overflow: every loss is non-finite
    let head = model.parameters.slot(named: "sequence.mdn.kernel")!
    for i in head.range { model.parameters.values[i] = 1e30 }
    let before = model.parameters.values
    var o = SequenceTrainerTests.options()
    o.maxConsecutiveNonFinite = 3
    var trainer = try SequenceTrainer(
      model: model, trainingClips: [SequenceTrainerTests.sinusoids(0..<200)], options: o)
    var skipped = 0
    do {
      _ = try trainer.trainEpoch(0) { report in
        if report.skipped { skipped += 1 }
        #expect(report.problem?.hasPrefix("the loss is") == true)
      }
      Issue.record("training went on with a non-finite loss")
    } catch {
      #expect(error.description.contains("3 updates in a row were skipped"))
    }
    #expect(skipped == 3)
    #expect(trainer.skippedSteps == 3)
    #expect(model.parameters.values == before)
    #expect(model.parameters.firstNonFiniteValue() == nil)
  }

  @Test func badOptionsAndDataAreRejectedWithAMessage() {
    let model = SequenceModel<Float>(preset: SequenceTrainerTests.preset(), seed: 10)
    let good = [SequenceTrainerTests.sinusoids(0..<20)]
    func message(_ clips: [[[Float]]], _ edit: (inout SequenceTrainer<Float>.Options) -> Void)
      -> String
    {
      var o = SequenceTrainerTests.options()
      edit(&o)
      do throws(SequenceTrainerError) {
        _ = try SequenceTrainer(model: model, trainingClips: clips, options: o)
        return ""
      } catch { return error.description }
    }
    #expect(message(good) { $0.windowLength = 0 }.contains("window length 0"))
    #expect(message(good) { $0.clipNorm = .nan }.contains("gradient clip"))
    #expect(message(good) { $0.dropoutPercent = 100 }.contains("dropout"))
    #expect(message(good) { $0.inputNoise = -0.1 }.contains("input noise -0.1"))
    #expect(message(good) { $0.inputNoise = .infinity }.contains("input noise"))
    #expect(message(good) { $0.stateResetPercent = 101 }.contains("state reset chance 101%"))
    #expect(message([[[1, 2, 3, 4]], [[1, 2, 3, 4]]]) { _ in }.contains("no pair"))
    #expect(message([[[1, 2, 3, 4], [1, 2, 3]]]) { _ in }.contains("latent 1 of clip 0 has 3 values"))
    #expect(message([[[1, 2, 3, 4], [1, .infinity, 3, 4]]]) { _ in }.contains("non-finite"))
  }

  @Test func splitHoldsOutTheEndOfEveryClip() {
    let clips: [[[Float]]] = [(0..<100).map { [Float($0)] }, (0..<5).map { [Float($0)] }]
    let (train, held) = SequenceTrainer<Float>.split(clips, heldOutPercent: 20)
    #expect(train.map(\.count) == [80, 4])
    #expect(held.map(\.count) == [20])  // the 1-frame tail of the short clip has no pair
    #expect(held[0].first == [80])
  }
}
