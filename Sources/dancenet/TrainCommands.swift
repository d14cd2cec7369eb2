import ArgumentParser
import Int8Runtime
import Trainer

// MARK: - train (all three steps)

struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train the VAE, encode every frame, and train the stateful sequence model.",
    discussion: """
      Equivalent to train-vae, encode and train-seq in turn (the original's model.py, gen_lv.py \
      and notebook). Writes MODELDIR/model.dnm, checkpoints after every epoch, and loss curves \
      (loss-vae.csv/png, loss-seq.csv/png).
      """)

  @OptionGroup var data: DataOptions
  @Option(help: "Preset: paper or tiny.") var preset: String = "tiny"
  @OptionGroup var model: ModelOutOptions
  @OptionGroup var vae: VAEOptions
  @OptionGroup var sequence: SequenceOptions

  func validate() throws { _ = try CLI.preset(named: preset) }

  func run() throws {
    try CLI.reporting {
      let p = try CLI.preset(named: preset)
      let dir = ModelDirectory(model.out)
      let observer = CLI.observer()
      let provenance = CLI.provenance(seed: model.seed, data: data.data)
      let dataset = try data.load(preset: p)
      observer.log(
        "data: \(dataset.frameCount) frames in \(dataset.clips.count) clip(s), "
          + "\(dataset.split.heldOutFrameCount) held out")
      try VAEPhase.run(
        dataset: dataset, in: dir,
        options: vae.phaseOptions(
          preset: p, seed: model.seed, resume: model.resume, provenance: provenance),
        observer: observer)
      try EncodePhase.run(dataset: dataset, in: dir, observer: observer)
      try SequencePhase.run(
        in: dir,
        options: sequence.phaseOptions(seed: model.seed, resume: model.resume, provenance: provenance),
        observer: observer)
    }
  }
}

// MARK: - train-vae

struct TrainVAECommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-vae", abstract: "Train the VAE alone (writes MODELDIR/vae.ckpt).")

  @OptionGroup var data: DataOptions
  @Option(help: "Preset: paper or tiny.") var preset: String = "tiny"
  @OptionGroup var model: ModelOutOptions
  @OptionGroup var vae: VAEOptions

  func validate() throws { _ = try CLI.preset(named: preset) }

  func run() throws {
    try CLI.reporting {
      let p = try CLI.preset(named: preset)
      let dataset = try data.load(preset: p)
      try VAEPhase.run(
        dataset: dataset, in: ModelDirectory(model.out),
        options: vae.phaseOptions(
          preset: p, seed: model.seed, resume: model.resume,
          provenance: CLI.provenance(seed: model.seed, data: data.data)),
        observer: CLI.observer())
    }
  }
}

// MARK: - encode

struct EncodeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "encode",
    abstract: "Encode every frame with the trained VAE (writes MODELDIR/latents.ckpt).")

  @OptionGroup var data: DataOptions
  @Option(help: "Model folder holding vae.ckpt.") var model: String

  func run() throws {
    try CLI.reporting {
      let dir = ModelDirectory(model)
      let dataset = try data.load(preset: try TrainedVAE.load(from: dir).vae.preset)
      try EncodePhase.run(dataset: dataset, in: dir, observer: CLI.observer())
    }
  }
}

// MARK: - train-seq

struct TrainSequenceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-seq",
    abstract: "Train the sequence model on MODELDIR/latents.ckpt and write MODELDIR/model.dnm.")

  @Option(help: "Model folder holding vae.ckpt and latents.ckpt.") var model: String
  @Option(help: "Seed of initialisation, stream offsets and dropout.") var seed: UInt64 = 1
  @Flag(help: "Continue from the last sequence checkpoint.") var resume = false
  @OptionGroup var sequence: SequenceOptions

  func run() throws {
    try CLI.reporting {
      try SequencePhase.run(
        in: ModelDirectory(model),
        options: sequence.phaseOptions(
          seed: seed, resume: resume, provenance: CLI.provenance(seed: seed, data: nil)),
        observer: CLI.observer())
    }
  }
}
