import Int8Runtime
import Testing

@testable import Trainer

// MARK: - VAETrainer

@Suite struct VAETrainerTests {
  @Test func epochOrderIsASeededPermutation() {
    var a = VAETrainer<Float>.epochRandom(seed: 3, epoch: 0)
    var b = VAETrainer<Float>.epochRandom(seed: 3, epoch: 0)
    var c = VAETrainer<Float>.epochRandom(seed: 3, epoch: 1)
    let order = VAETrainer<Float>.shuffledOrder(count: 50, rng: &a)
    #expect(order.sorted() == Array(0..<50))
    #expect(order == VAETrainer<Float>.shuffledOrder(count: 50, rng: &b))
    #expect(order != VAETrainer<Float>.shuffledOrder(count: 50, rng: &c))
  }

  @Test func badFramesAreOneLineErrors() throws {
    let vae = try VAE<Float>(preset: VAETestData.smallPreset, seed: 1)
    let trainer = try VAETrainer(model: vae, options: VAETrainingOptions(batchSize: 2))
    var frames = VAETestData.frames(3, preset: VAETestData.smallPreset)
    frames[1].removeLast()
    #expect(throws: VAETrainingError.badFrame(index: 1, pixels: 383, expected: 384)) {
      try trainer.trainEpoch(frames: frames)
    }
    #expect(
      "\(VAETrainingError.badFrame(index: 1, pixels: 383, expected: 384))"
        == "frame 1 has 383 pixels, the preset needs 384")
    #expect(throws: VAETrainingError.noFrames) { try trainer.trainEpoch(frames: []) }
    #expect(throws: VAETrainingError.badBatchSize(0)) {
      try VAETrainer(model: vae, options: VAETrainingOptions(batchSize: 0))
    }
  }

  @Test func progressIsReportedEveryStep() throws {
    let vae = try VAE<Float>(preset: VAETestData.smallPreset, seed: 1)
    let trainer = try VAETrainer(model: vae, options: VAETrainingOptions(batchSize: 2))
    var seen: [VAETrainingProgress] = []
    try trainer.trainEpoch(frames: VAETestData.frames(5, preset: VAETestData.smallPreset)) {
      seen.append($0)
    }
    #expect(seen.map(\.step) == [0, 1, 2])
    #expect(seen.allSatisfy { $0.epoch == 0 && $0.stepsPerEpoch == 3 && $0.examplesPerSecond > 0 })
    #expect(trainer.epochsDone == 1)
  }

  /// A few hundred steps on four frames: the loss must fall well below where it started.
  @Test func smallVAEOverfitsAFewFrames() throws {
    let preset = VAETestData.smallPreset
    let vae = try VAE<Float>(preset: preset, seed: 21)
    let trainer = try VAETrainer(
      model: vae,
      options: VAETrainingOptions(batchSize: 4, optimizer: .adam, learningRate: 3e-3, seed: 21))
    let frames = VAETestData.frames(4, preset: preset)
    var first: VAEStepLoss?
    var last = VAEStepLoss(bce: 0, kl: 0, total: 0)
    try trainer.train(frames: frames, epochs: 300) { progress in
      if first == nil { first = progress.loss }
      last = progress.loss
    }
    let start = try #require(first)
    #expect(last.total < 0.5 * start.total, "loss \(start.total) -> \(last.total)")
  }

  /// Training 3 epochs straight must equal 1 epoch, a checkpoint, and 2 more epochs in a fresh
  /// trainer (whose model starts from other weights), bit for bit.
  @Test(arguments: [VAEOptimizerKind.rmsprop, .adam])
  func resumedRunEndsBitIdentical(_ kind: VAEOptimizerKind) throws {
    let preset = VAETestData.smallPreset
    let frames = VAETestData.frames(7, preset: preset)
    let options = VAETrainingOptions(batchSize: 3, optimizer: kind, seed: 77)

    let straight = try VAETrainer(model: VAE<Float>(preset: preset, seed: 5), options: options)
    try straight.train(frames: frames, epochs: 3)

    let first = try VAETrainer(model: VAE<Float>(preset: preset, seed: 5), options: options)
    try first.trainEpoch(frames: frames)
    let checkpoint = first.state
    #expect(checkpoint.epochsDone == 1)

    let resumed = try VAETrainer(
      model: VAE<Float>(preset: preset, seed: 999),
      options: VAETrainingOptions(optimizer: kind, seed: 1))
    try resumed.restore(checkpoint)
    try resumed.train(frames: frames, epochs: 2)

    #expect(resumed.epochsDone == 3)
    #expect(resumed.model.parameters.values == straight.model.parameters.values)
    #expect(resumed.state.optimizerSteps == straight.state.optimizerSteps)
  }

  @Test func mismatchedCheckpointIsRejected() throws {
    let trainer = try VAETrainer(model: VAE<Float>(preset: VAETestData.smallPreset, seed: 1))
    var state = trainer.state
    state.parameterValues.removeLast()
    #expect(throws: VAETrainingError.self) { try trainer.restore(state) }
    state = trainer.state
    state.optimizer = .adam
    #expect(throws: VAETrainingError.self) { try trainer.restore(state) }
  }

  @Test func nonFiniteStepLeavesTheWeightsAlone() throws {
    let vae = try VAE<Float>(preset: VAETestData.smallPreset, seed: 2)
    let slot = try #require(vae.parameters.slot(named: "encoder.z_log_var.bias"))
    vae.parameters.values[slot.range] = ArraySlice(repeating: 1000, count: slot.count)
    let before = vae.parameters.values
    let trainer = try VAETrainer(model: vae, options: VAETrainingOptions(batchSize: 2))
    #expect(throws: VAETrainingError.self) {
      try trainer.trainEpoch(frames: VAETestData.frames(2, preset: VAETestData.smallPreset))
    }
    #expect(vae.parameters.values == before)
    #expect(trainer.epochsDone == 0)
  }
}
