import FileAccess
import Foundation
import Int8Runtime
import ModelFiles

// MARK: - SequencePhase

/// `dancenet train-seq`: trains the stateful LSTM + MDN on the encoded training latents
/// (normalised per dimension), checkpointing after every epoch, then writes the complete float
/// model MODELDIR/model.dnm: VAE + sequence model + normalisation + start latents + provenance.
///
/// ```swift
/// try SequencePhase.run(in: ModelDirectory("runs/tiny"), options: .init(epochs: 20, seed: 1))
/// // runs/tiny/model.dnm, runs/tiny/loss-seq.csv, runs/tiny/loss-seq.png
/// ```
public enum SequencePhase {
  public struct Options: Sendable {
    public var epochs: Int
    public var seed: UInt64
    public var trainer = SequenceTrainer<Float>.Options()
    public var resume = false
    /// How many start latents the model stores (spread evenly over the training frames) and
    /// how many real latents before each prime the LSTM state.
    public var startLatents = 64
    public var primers = 8
    /// Initial forget-gate bias of every LSTM (1 = Keras; see `LSTM.init`).
    public var forgetBias = 1.0
    public var storage = FloatModelFile.Storage.float32
    public var provenance: [String: String] = [:]

    public init(epochs: Int, seed: UInt64) {
      self.epochs = epochs
      self.seed = seed
      trainer.seed = seed
    }

    /// Nil when usable, else one line: the trainer's own check
    /// (`SequenceTrainer.Options.validationError`), then the phase's.
    public var problem: String? {
      if let e = trainer.validationError { return e }
      if epochs < 0 { return "sequence epochs \(epochs) must be 0 or more" }
      if startLatents < 1 { return "start latents \(startLatents) must be at least 1" }
      if primers < 1 { return "primers \(primers) must be at least 1" }
      if !(forgetBias.isFinite && abs(forgetBias) <= 10) {
        return "forget-gate bias \(forgetBias) must be in -10...10"
      }
      return nil
    }
  }

  public static let phase = "sequence"

  /// Provenance keys of training durations that earlier builds wrote into model files and
  /// checkpoints; new files never carry them (a duration differs from run to run), readers
  /// ignore them. The loss CSVs keep the times.
  public static let durationKeys = [
    "provenance.sequence_seconds", "provenance.training_seconds", "provenance.vae_seconds",
  ]

  @discardableResult
  public static func run(in dir: ModelDirectory, options: Options, observer: PhaseObserver = .silent)
    throws -> FloatModelFile
  {
    if let e = options.problem { throw SequenceTrainerError.invalidOptions(e) }
    let latents = try EncodedLatents.load(from: dir)
    let preset = latents.preset
    let (training, heldOut) = (
      latents.trainingClips.filter { $0.count >= 2 }, latents.heldOutClips.filter { $0.count >= 2 }
    )
    let model = SequenceModel<Float>(
      preset: preset, seed: options.seed, forgetBias: Float(options.forgetBias))
    var trainer = try SequenceTrainer(model: model, trainingClips: training, options: options.trainer)
    var log = LossLog()
    var firstEpoch = 0
    if options.resume {
      if dir.exists(dir.sequenceCheckpoint) {
        let ckpt = try Checkpoint.load(from: dir.sequenceCheckpoint)
        try ckpt.check(phase: phase, preset: preset, seed: options.seed, path: dir.sequenceCheckpoint)
        try SequenceMode.refuseRetiredTarget(in: ckpt.metadata, path: dir.sequenceCheckpoint)
        let axes = ckpt.metadata[LatentNormalizer.Axes.metadataKey] ?? "standard"
        guard axes == options.trainer.latentAxes.rawValue else {
          throw FileIOError(
            "\(dir.sequenceCheckpoint): trained on \(axes) latent axes, not "
              + "\(options.trainer.latentAxes.rawValue); resume with the same --latent-axes")
        }
        try ckpt.restore(into: model.parameters)
        try ckpt.restore(into: &trainer.optimizer)
        firstEpoch = ckpt.epoch
        log = LossLog.read(from: dir, phase: "seq", upToEpoch: ckpt.epoch)
        observer.log("resuming the sequence model after epoch \(ckpt.epoch) of \(options.epochs)")
      } else {
        observer.log("no sequence checkpoint in \(dir.path); starting from the beginning")
      }
    }
    let clock = ContinuousClock()
    var seconds = log.rows.last?.seconds ?? 0
    let pairsPerStep = Double(trainer.effectiveWindow.streams * trainer.effectiveWindow.length)
    for epoch in firstEpoch..<max(firstEpoch, options.epochs) {
      let started = clock.now
      let report = try trainer.trainEpoch(epoch) { s in
        let elapsed = (clock.now - started).seconds
        observer.step(
          "seq", epoch + 1, options.epochs, s.step + 1, s.stepsInEpoch, s.loss,
          elapsed > 0 ? Double(s.step + 1) * pairsPerStep / elapsed : 0)
      }
      // Held-out NLL the way the model is used: carried state, or reset every step (ablation).
      let mode: SequenceEvaluationMode = options.trainer.stateless ? .stateless : .stateful
      let held = heldOut.isEmpty ? nil : try trainer.evaluate(heldOut: heldOut, mode: mode)
      seconds += (clock.now - started).seconds
      log.rows.append(
        LossLog.Row(
          epoch: epoch + 1, step: trainer.optimizer.steps, trainLoss: report.meanLoss,
          heldOutLoss: held, seconds: seconds))
      var ckpt = Checkpoint(
        preset: preset, phase: phase, epoch: epoch + 1, step: trainer.optimizer.steps,
        seed: options.seed)
      ckpt.capture(model.parameters)
      ckpt.capture(trainer.optimizer)
      for (name, values) in trainer.normalizer.namedArrays {
        ckpt.extras[name] = FloatTensor(shape: [values.count], values: values)
      }
      ckpt.metadata = options.provenance
      for key in durationKeys { ckpt.metadata[key] = nil }
      ckpt.metadata[LatentNormalizer.Axes.metadataKey] = trainer.normalizer.axes.rawValue
      try ckpt.save(to: dir.sequenceCheckpoint)
      try log.write(to: dir, phase: "seq", title: "sequence model NLL per step")
      let skipped = report.skippedSteps > 0 ? " (\(report.skippedSteps) non-finite steps skipped)" : ""
      observer.log(
        "seq epoch \(epoch + 1)/\(options.epochs): train NLL \(fmt(report.meanLoss))"
          + (held.map { ", held-out \(fmt($0))" } ?? "") + skipped)
    }

    // MARK: Assemble the float model
    let trained = try TrainedVAE.load(from: dir)
    let vae = trained.vae
    guard vae.preset == preset else {
      throw FileIOError(path: trained.path, "preset \(vae.preset.name) differs from the latents'")
    }
    var file = FloatModelFile(preset: preset, storage: options.storage)
    for p in [vae.parameters, model.parameters] {
      for s in p.slots {
        file.tensors[s.name] = FloatTensor(shape: s.shape, values: Array(p.values[s.range]))
      }
    }
    for (name, values) in trainer.normalizer.namedArrays {
      file.tensors[name] = FloatTensor(shape: [values.count], values: values)
    }
    let starts = startTensors(latents, count: options.startLatents, primers: options.primers)
    if let (z, primers) = starts {
      file.tensors[FloatModelFile.startLatents] = z
      file.tensors[FloatModelFile.startPrimers] = primers
    }
    file.integerTensors[FloatModelFile.heldoutRanges] = heldOutRanges(latents.split)
    file.metadata = latents.provenance.merging(options.provenance) { _, new in new }
    file.metadata["provenance.sequence_epochs"] = String(options.epochs)
    file.metadata[SequenceMode.metadataKey] = SequenceMode(stateless: options.trainer.stateless).rawValue
    file.metadata[LatentNormalizer.Axes.metadataKey] = trainer.normalizer.axes.rawValue
    // No durations: the same run gives the same bytes (docs/FORMAT.md); loss-seq.csv has them.
    for key in durationKeys { file.metadata[key] = nil }
    try file.save(to: dir.model)
    observer.log("wrote \(dir.model)")
    return file
  }

  // MARK: - Start latents

  /// Up to `count` start latents spread evenly over the training frames, each with the
  /// `primers` latents before it: tensors [N, D] and [N, P, D] (nil when no frame qualifies).
  static func startTensors(_ l: EncodedLatents, count: Int, primers: Int)
    -> (FloatTensor, FloatTensor)?
  {
    let every = max(1, (l.split.trainFrameCount - primers * l.clips.count) / max(count, 1))
    let points = Array(l.split.startPoints(every: every, primers: primers).prefix(count))
    guard !points.isEmpty else { return nil }
    let D = l.preset.latentSize
    var z: [Float] = []
    var p: [Float] = []
    for (clip, frame) in points {
      z += l.clips[clip][frame]
      for f in (frame - primers)..<frame { p += l.clips[clip][f] }
    }
    return (
      FloatTensor(shape: [points.count, D], values: z),
      FloatTensor(shape: [points.count, primers, D], values: p)
    )
  }

  /// Held-out ranges in the data's global frame order, [R, 2].
  static func heldOutRanges(_ split: ClipSplit) -> Int32Tensor {
    var values: [Int32] = []
    var offset = 0
    for (len, r) in zip(split.clipLengths, split.heldOutRanges) {
      values += [Int32(offset + r.lowerBound), Int32(offset + r.upperBound)]
      offset += len
    }
    return Int32Tensor(shape: [split.clipLengths.count, 2], values: values)
  }
}
