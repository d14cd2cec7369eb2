import ArgumentParser
import Foundation
import ImageIO
import Int8Runtime
import Trainer

// MARK: - Shared option groups of the training commands

struct DataOptions: ParsableArguments {
  @Option(help: "Frames folder: numbered PNGs (1.png, 2.png, ...) or a folder of such folders (clips).")
  var data: String

  @Option(help: "Percent of every clip, at its end, never trained on (held out for evaluation).")
  var heldOutPercent: Int = 10

  @Flag(help: "Refuse frames of another size instead of resizing them.")
  var strict = false

  func validate() throws {
    guard (0..<100).contains(heldOutPercent) else {
      throw ValidationError("--held-out-percent must be in 0...99, got \(heldOutPercent)")
    }
  }

  func load(preset: ModelPreset) throws -> FrameDataset {
    try FrameDataset.load(
      folder: data, width: preset.frameWidth, height: preset.frameHeight, strict: strict,
      heldOutPercent: heldOutPercent
    ) { CLI.printError($0) }
  }
}

struct ModelOutOptions: ParsableArguments {
  @Option(help: "Model folder to write (created if missing).")
  var out: String

  @Option(help: "Seed of initialisation, shuffling, noise and dropout.")
  var seed: UInt64 = 1

  @Flag(help: "Continue from the last checkpoint in the model folder.")
  var resume = false
}

struct VAEOptions: ParsableArguments {
  @Option(help: "VAE epochs.")
  var epochsVae: Int = 10

  @Option(help: "VAE batch size (the original's: 100).")
  var batchSize: Int = 100

  @Option(help: "VAE optimiser: rmsprop (the original's) or adam.")
  var optimizer: VAEOptimizerKind = .rmsprop

  @Option(help: "VAE learning rate.")
  var learningRateVae: Double = 1e-3

  @Option(help: "Weight of the KL term.")
  var klWeight: Double = 1

  func validate() throws {
    // The preset and seed do not change what is valid; the library's check is the one check.
    let o = phaseOptions(preset: .tiny, seed: 1, resume: false, provenance: [:])
    if let e = o.problem { throw ValidationError(e) }
  }

  func phaseOptions(preset: ModelPreset, seed: UInt64, resume: Bool, provenance: [String: String])
    -> VAEPhase.Options
  {
    var o = VAEPhase.Options(preset: preset, epochs: epochsVae, seed: seed)
    o.batchSize = batchSize
    o.optimizer = optimizer
    o.learningRate = learningRateVae
    o.klWeight = klWeight
    o.resume = resume
    o.provenance = provenance
    return o
  }
}

struct SequenceOptions: ParsableArguments {
  @Option(help: "Sequence-model epochs.")
  var epochsSeq: Int = 20

  @Option(help: "Truncated-BPTT window length in steps.")
  var window: Int = 16

  @Option(help: "Parallel contiguous streams per update.")
  var streams: Int = 16

  @Option(help: "Sequence-model learning rate (Adam; the original's: 5e-4).")
  var learningRateSeq: Double = 5e-4

  @Option(help: "Global gradient-norm clip.")
  var clipNorm: Double = 1

  @Flag(help: "Train the way the original did: one latent per call, state reset every step (ablation).")
  var stateless = false

  @Option(help: "Dropout after each LSTM in training, percent (default: the preset's).")
  var dropoutPercent: Int?

  @Option(help: "Axes the sequence model sees: standard (each latent dimension) or principal (of the steps).")
  var latentAxes: LatentNormalizer.Axes = .standard

  @Option(
    parsing: .unconditional,
    help: "Initial forget-gate bias of the LSTMs (1: Keras; -2: a nearly memoryless start).")
  var forgetBias: Double = 1

  @Option(help: "Std of Gaussian noise added to training inputs, normalised units (0: none).")
  var inputNoise: Double = 0

  @Option(help: "Chance, percent, that a stream starts a window from zero state (0: never).")
  var stateResetPercent: Int = 0

  @Option(help: "Start latents stored in the model for generation.")
  var startLatents: Int = 64

  @Option(help: "Real latents before each start that prime the LSTM state.")
  var primers: Int = 8

  @Flag(help: "Store the model's parameters as float16 (halves the file; for shipping).")
  var float16 = false

  func validate() throws {
    if let e = phaseOptions(seed: 1, resume: false, provenance: [:]).problem {
      throw ValidationError(e)
    }
  }

  func phaseOptions(seed: UInt64, resume: Bool, provenance: [String: String])
    -> SequencePhase.Options
  {
    var o = SequencePhase.Options(epochs: epochsSeq, seed: seed)
    o.trainer.windowLength = window
    o.trainer.streams = streams
    o.trainer.learningRate = learningRateSeq
    o.trainer.clipNorm = clipNorm
    o.trainer.stateless = stateless
    o.trainer.dropoutPercent = dropoutPercent
    o.trainer.inputNoise = inputNoise
    o.trainer.latentAxes = latentAxes
    o.trainer.stateResetPercent = stateResetPercent
    o.resume = resume
    o.startLatents = startLatents
    o.primers = primers
    o.forgetBias = forgetBias
    o.storage = float16 ? .float16 : .float32
    o.provenance = provenance
    return o
  }
}

extension LatentNormalizer.Axes: ExpressibleByArgument {}
extension VAEOptimizerKind: ExpressibleByArgument {}
