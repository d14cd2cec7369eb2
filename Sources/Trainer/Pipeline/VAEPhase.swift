import FileAccess
import Foundation
import ImageIO
import Int8Runtime
import ModelFiles

// MARK: - VAEPhase

/// `dancenet train-vae`: trains the VAE on the training frames of a dataset, writing a
/// checkpoint and the loss curves after every epoch; with `resume`, continues from the last
/// checkpoint and ends with the same weights as an uninterrupted run.
///
/// ```swift
/// let data = try FrameDataset.load(folder: "frames", ...)
/// let vae = try VAEPhase.run(dataset: data, in: ModelDirectory("runs/tiny"),
///                            options: .init(preset: .tiny, epochs: 5, seed: 1))
/// ```
public enum VAEPhase {
  public struct Options: Sendable {
    public var preset: ModelPreset
    public var epochs: Int
    public var seed: UInt64
    public var batchSize = 100
    public var optimizer = VAEOptimizerKind.rmsprop
    public var learningRate = 1e-3
    public var klWeight = 1.0
    public var resume = false
    /// Provenance strings stored in the checkpoint (command line, data folder...).
    public var provenance: [String: String] = [:]

    public init(preset: ModelPreset, epochs: Int, seed: UInt64) {
      self.preset = preset
      self.epochs = epochs
      self.seed = seed
    }

    /// Nil when usable, else one line naming the flag's value (what the CLI also prints).
    public var problem: String? {
      if epochs < 0 { return "VAE epochs \(epochs) must be 0 or more" }
      if batchSize < 1 { return "VAE batch size \(batchSize) must be positive" }
      if !(learningRate.isFinite && learningRate > 0) {
        return "VAE learning rate \(learningRate) must be positive"
      }
      if !(klWeight.isFinite && klWeight >= 0) { return "KL weight \(klWeight) must be 0 or more" }
      return nil
    }
  }

  public static let phase = "vae"

  @discardableResult
  public static func run(
    dataset: FrameDataset, in dir: ModelDirectory, options: Options,
    observer: PhaseObserver = .silent
  ) throws -> VAE<Float> {
    if let e = options.problem { throw FileIOError("VAE training options: \(e)") }
    try dir.create()
    let vae = try VAE<Float>(preset: options.preset, seed: options.seed)
    let trainer = try VAETrainer(
      model: vae,
      options: VAETrainingOptions(
        batchSize: options.batchSize, optimizer: options.optimizer,
        learningRate: options.learningRate, klWeight: options.klWeight, seed: options.seed))
    var log = LossLog()
    if options.resume {
      if dir.exists(dir.vaeCheckpoint) {
        let ckpt = try Checkpoint.load(from: dir.vaeCheckpoint)
        try ckpt.check(phase: phase, preset: options.preset, seed: options.seed, path: dir.vaeCheckpoint)
        try trainer.restore(state(from: ckpt, model: vae))
        log = LossLog.read(from: dir, phase: phase, upToEpoch: ckpt.epoch)
        observer.log("resuming the VAE after epoch \(ckpt.epoch) of \(options.epochs)")
      } else {
        observer.log("no VAE checkpoint in \(dir.path); starting from the beginning")
      }
    }
    let frames = dataset.trainingFrames.map(\.pixels)
    let heldOut = dataset.heldOutFrames.map(\.pixels)
    let clock = ContinuousClock()
    var seconds = log.rows.last?.seconds ?? 0
    while trainer.epochsDone < options.epochs {
      let started = clock.now
      let epoch = trainer.epochsDone + 1
      let loss = try trainer.trainEpoch(frames: frames) { p in
        observer.step(
          phase, p.epoch + 1, options.epochs, p.step + 1, p.stepsPerEpoch, p.loss.total,
          p.examplesPerSecond)
      }
      let held = heldOut.isEmpty ? nil : heldOutLoss(vae, frames: heldOut, klWeight: options.klWeight)
      seconds += (clock.now - started).seconds
      log.rows.append(
        LossLog.Row(
          epoch: epoch, step: trainer.state.optimizerSteps, trainLoss: loss.total,
          heldOutLoss: held, seconds: seconds))
      let ckpt = checkpoint(trainer, options: options)
      try ckpt.save(to: dir.vaeCheckpoint)
      try log.write(to: dir, phase: phase, title: "VAE loss per frame (BCE + KL)")
      observer.log(
        "vae epoch \(epoch)/\(options.epochs): train \(fmt(loss.total)) (bce \(fmt(loss.bce)), "
          + "kl \(fmt(loss.kl)))" + (held.map { ", held-out \(fmt($0))" } ?? ""))
    }
    return vae
  }

  // MARK: - Held-out loss

  /// The training loss per frame (`VAE.meanLoss`: the same BCE + klWeight x KL as training)
  /// with z = the encoder's mean (no noise), so that the figure is the same on every run;
  /// batches of 32, weighted by their size.
  public static func heldOutLoss(_ vae: VAE<Float>, frames: [[UInt8]], klWeight: Double) -> Double {
    let batch = 32
    var total = 0.0
    var start = 0
    while start < frames.count {
      let members = frames[start..<min(frames.count, start + batch)]
      let pixels = members.flatMap { $0.map { Float($0) / 255 } }
      total +=
        vae.meanLoss(pixels, batch: members.count, klWeight: Float(klWeight)).total
        * Double(members.count)
      start += batch
    }
    return total / Double(frames.count)
  }

  // MARK: - Checkpoints

  static func checkpoint(_ trainer: VAETrainer<Float>, options: Options) -> Checkpoint {
    let s = trainer.state
    var ckpt = Checkpoint(
      preset: options.preset, phase: phase, epoch: s.epochsDone, step: s.optimizerSteps,
      seed: s.seed)
    ckpt.capture(trainer.model.parameters)
    ckpt.optimizerState = s.optimizerArrays
    ckpt.optimizerSteps = s.optimizerSteps
    ckpt.metadata = options.provenance
    for key in SequencePhase.durationKeys { ckpt.metadata[key] = nil }
    ckpt.metadata["vae.batch_size"] = String(s.batchSize)
    ckpt.metadata["vae.optimizer"] = s.optimizer.rawValue
    ckpt.metadata["vae.learning_rate"] = "\(options.learningRate)"
    ckpt.metadata["vae.kl_weight"] = "\(options.klWeight)"
    return ckpt
  }

  static func state(from ckpt: Checkpoint, model: VAE<Float>) throws -> VAETrainerState<Float> {
    let scratch = Parameters<Float>()
    for s in model.parameters.slots { scratch.add(s.name, shape: s.shape) }
    try ckpt.restore(into: scratch)
    guard let batch = ckpt.metadata["vae.batch_size"].flatMap(Int.init),
      let kind = ckpt.metadata["vae.optimizer"].flatMap(VAEOptimizerKind.init(rawValue:))
    else { throw FileIOError("checkpoint lacks the VAE batch size or optimiser") }
    return VAETrainerState(
      epochsDone: ckpt.epoch, seed: ckpt.seed, batchSize: batch, optimizer: kind,
      optimizerSteps: ckpt.optimizerSteps, optimizerArrays: ckpt.optimizerState,
      parameterValues: scratch.values)
  }
}

// MARK: - Small helpers

extension Duration {
  var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}

func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
