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

  @Option(help: "VAE batch size (the seed's: 100).")
  var batchSize: Int = 100

  @Option(help: "VAE optimiser: rmsprop (the seed's) or adam.")
  var optimizer: String = "rmsprop"

  @Option(help: "VAE learning rate.")
  var learningRateVae: Double = 1e-3

  @Option(help: "Weight of the KL term.")
  var klWeight: Double = 1

  func validate() throws {
    guard epochsVae >= 0 else { throw ValidationError("--epochs-vae must be 0 or more") }
    guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    guard VAEOptimizerKind(rawValue: optimizer) != nil else {
      throw ValidationError("--optimizer must be rmsprop or adam, got '\(optimizer)'")
    }
    guard learningRateVae > 0 && learningRateVae.isFinite else {
      throw ValidationError("--learning-rate-vae must be a positive number")
    }
    guard klWeight >= 0 && klWeight.isFinite else {
      throw ValidationError("--kl-weight must be 0 or more")
    }
  }

  func phaseOptions(preset: ModelPreset, model: ModelOutOptions, provenance: [String: String])
    -> VAEPhase.Options
  {
    var o = VAEPhase.Options(preset: preset, epochs: epochsVae, seed: model.seed)
    o.batchSize = batchSize
    o.optimizer = VAEOptimizerKind(rawValue: optimizer)!
    o.learningRate = learningRateVae
    o.klWeight = klWeight
    o.resume = model.resume
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

  @Option(help: "Sequence-model learning rate (Adam; the seed's: 5e-4).")
  var learningRateSeq: Double = 5e-4

  @Option(help: "Global gradient-norm clip.")
  var clipNorm: Double = 1

  @Flag(help: "Train the way the original did: one latent per call, state reset every step (ablation).")
  var stateless = false

  @Option(help: "Dropout after each LSTM in training, percent (default: the preset's).")
  var dropoutPercent: Int?

  @Option(help: "What the head predicts: latent (the seed's) or delta (its change; drifts in generation).")
  var target: SequenceTarget = .latent

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

  @Option(help: "Scheduled sampling: chance, percent, that an input is the model's own sample (0: never).")
  var sampledInputPercent: Int = 0

  @Option(help: "Epochs over which the sampled-input chance rises linearly to its value (0: at once).")
  var sampledInputRampEpochs: Int = 0

  @Option(help: "How much of a fed sample's deviation its target keeps, 0...1 (0: back to the real path).")
  var sampledInputCarry: Double = 0

  @Option(help: "Start latents stored in the model for generation.")
  var startLatents: Int = 64

  @Option(help: "Real latents before each start that prime the LSTM state.")
  var primers: Int = 8

  @Flag(help: "Store the model's parameters as float16 (halves the file; for shipping).")
  var float16 = false

  func validate() throws {
    guard epochsSeq >= 0 else { throw ValidationError("--epochs-seq must be 0 or more") }
    guard window > 0 else { throw ValidationError("--window must be positive") }
    guard streams > 0 else { throw ValidationError("--streams must be positive") }
    guard learningRateSeq > 0 && learningRateSeq.isFinite else {
      throw ValidationError("--learning-rate-seq must be a positive number")
    }
    guard clipNorm > 0 && clipNorm.isFinite else { throw ValidationError("--clip-norm must be positive") }
    guard startLatents > 0 else { throw ValidationError("--start-latents must be positive") }
    guard primers > 0 else { throw ValidationError("--primers must be positive") }
    if let d = dropoutPercent, !(0..<100).contains(d) {
      throw ValidationError("--dropout-percent must be in 0...99, got \(d)")
    }
    guard forgetBias.isFinite && abs(forgetBias) <= 10 else {
      throw ValidationError("--forget-bias must be a number in -10...10")
    }
    guard inputNoise >= 0 && inputNoise.isFinite else {
      throw ValidationError("--input-noise must be 0 or more")
    }
    guard (0...100).contains(stateResetPercent) else {
      throw ValidationError("--state-reset-percent must be in 0...100, got \(stateResetPercent)")
    }
    guard (0...100).contains(sampledInputPercent) else {
      throw ValidationError("--sampled-input-percent must be in 0...100, got \(sampledInputPercent)")
    }
    guard sampledInputRampEpochs >= 0 else {
      throw ValidationError("--sampled-input-ramp-epochs must be 0 or more")
    }
    guard sampledInputCarry >= 0 && sampledInputCarry <= 1 else {
      throw ValidationError("--sampled-input-carry must be in 0...1")
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
    o.trainer.target = target
    o.trainer.latentAxes = latentAxes
    o.trainer.stateResetPercent = stateResetPercent
    o.trainer.sampledInputPercent = sampledInputPercent
    o.trainer.sampledInputRampEpochs = sampledInputRampEpochs
    o.trainer.sampledInputCarry = sampledInputCarry
    o.resume = resume
    o.startLatents = startLatents
    o.primers = primers
    o.forgetBias = forgetBias
    o.storage = float16 ? .float16 : .float32
    o.provenance = provenance
    return o
  }
}

extension SequenceTarget: ExpressibleByArgument {}
extension LatentNormalizer.Axes: ExpressibleByArgument {}
