import FileAccess
import Foundation
import ImageIO
import Int8Runtime
import ModelFiles
import SynthDancer
import Testing
import Trainer

/// The training pipeline end to end on a very small preset (16x24 frames), in a temporary folder:
/// resume exactness, model assembly, float generation determinism.
@Suite struct PipelineTests {
  static let preset = ModelPreset(
    name: "test", frameHeight: 16, frameWidth: 24, latentSize: 4, encoderChannels: [4, 4, 2],
    encoderHidden: 8, decoderExpand: 4, decoderChannels: [4, 4, 4], lstmLayers: 2, lstmUnits: 8,
    dropoutPercent: 10, denseUnits: 8, mixtures: 2)

  /// 60 frames of the synthetic dancer shrunk to 24x16, in two clips.
  static func dataset() -> FrameDataset {
    let dancer = SyntheticDancer(seed: 5, frameCount: 60, fps: 10)
    let frames = (0..<60).map { dancer.frame(at: $0).resized(width: 24, height: 16) }
    return FrameDataset(
      folder: "synthetic", clips: [Array(frames[0..<36]), Array(frames[36...])], heldOutPercent: 10)
  }

  static func tempDir(_ name: String) -> ModelDirectory {
    let path = NSTemporaryDirectory() + "dancenet-pipeline-\(name)-\(UUID().uuidString)"
    return ModelDirectory(path)
  }

  func vaeOptions(epochs: Int, resume: Bool = false) -> VAEPhase.Options {
    var o = VAEPhase.Options(preset: Self.preset, epochs: epochs, seed: 3)
    o.batchSize = 8
    o.resume = resume
    return o
  }

  func seqOptions(epochs: Int, resume: Bool = false) -> SequencePhase.Options {
    var o = SequencePhase.Options(epochs: epochs, seed: 3)
    o.trainer.windowLength = 8
    o.trainer.streams = 4
    o.resume = resume
    o.startLatents = 4
    o.primers = 2
    return o
  }

  /// Resuming `dir` with `options` must fail with a message containing `message`.
  func expectResumeRefused(
    in dir: ModelDirectory, options: SequencePhase.Options, saying message: String
  ) {
    do {
      try SequencePhase.run(in: dir, options: options)
      Issue.record("resume was accepted; expected: \(message)")
    } catch {
      #expect("\(error)".contains(message))
    }
  }

  @Test func resumedTrainingEndsWithTheSameWeights() throws {
    let data = Self.dataset()
    let straight = Self.tempDir("straight")
    let resumed = Self.tempDir("resumed")
    defer {
      try? FileManager.default.removeItem(atPath: straight.path)
      try? FileManager.default.removeItem(atPath: resumed.path)
    }
    // Uninterrupted: 3 VAE epochs, encode, 3 sequence epochs.
    try VAEPhase.run(dataset: data, in: straight, options: vaeOptions(epochs: 3))
    try EncodePhase.run(dataset: data, in: straight)
    let a = try SequencePhase.run(in: straight, options: seqOptions(epochs: 3))
    // Interrupted after 1 epoch of each, then resumed to 3.
    try VAEPhase.run(dataset: data, in: resumed, options: vaeOptions(epochs: 1))
    try VAEPhase.run(dataset: data, in: resumed, options: vaeOptions(epochs: 3, resume: true))
    try EncodePhase.run(dataset: data, in: resumed)
    try SequencePhase.run(in: resumed, options: seqOptions(epochs: 1))
    let b = try SequencePhase.run(in: resumed, options: seqOptions(epochs: 3, resume: true))
    #expect(a.tensors == b.tensors)
    #expect(a.tensors.count == FloatModelFile.requiredTensors(of: Self.preset).count + 2)
    // Loss curves hold one row per epoch even across the resume.
    let csv = try String(contentsOfFile: resumed.lossCSV("seq"), encoding: .utf8)
    #expect(csv.split(separator: "\n").count == 1 + 3)
    #expect(FileManager.default.fileExists(atPath: resumed.lossPlot("vae")))
  }

  @Test func modelRecordsHeldOutFramesAndStarts() throws {
    let data = Self.dataset()
    let dir = Self.tempDir("starts")
    defer { try? FileManager.default.removeItem(atPath: dir.path) }
    try VAEPhase.run(dataset: data, in: dir, options: vaeOptions(epochs: 1))
    try EncodePhase.run(dataset: data, in: dir)
    try SequencePhase.run(in: dir, options: seqOptions(epochs: 1))
    let file = try FloatModelFile.load(from: dir.model)
    // Clips of 36 and 24 frames: the last 3 and the last 2 are held out (global indices).
    #expect(file.integerTensors[FloatModelFile.heldoutRanges]?.values == [33, 36, 58, 60])
    #expect(file.tensors[FloatModelFile.startLatents]?.shape == [4, 4])
    #expect(file.tensors[FloatModelFile.startPrimers]?.shape == [4, 2, 4])
    #expect(file.metadata["provenance.frames"] == "60")
    #expect(file.metadata[SequenceMode.metadataKey] == "stateful")
    #expect(try FloatDance.load(from: dir.model).mode == .stateful)
    // a checkpoint of the retired delta experiment is refused on resume, naming the file
    var ckpt = try Checkpoint.load(from: dir.sequenceCheckpoint)
    ckpt.metadata[SequenceMode.retiredTargetKey] = "delta"
    try ckpt.save(to: dir.sequenceCheckpoint)
    expectResumeRefused(
      in: dir, options: seqOptions(epochs: 2, resume: true),
      saying: "\(dir.sequenceCheckpoint): predicts the latent's change (sequence.target delta)")
  }

  /// `sequence.mode` decides how the dance runs; a model file without it, with an unknown one,
  /// or from the retired delta experiment is refused in one line naming the file. A file that
  /// says `sequence.target` = `latent` (the shipped models' older key) is read.
  @Test func sequenceModeIsRecordedAndRequired() throws {
    let data = Self.dataset()
    let dir = Self.tempDir("mode")
    defer { try? FileManager.default.removeItem(atPath: dir.path) }
    try VAEPhase.run(dataset: data, in: dir, options: vaeOptions(epochs: 1))
    try EncodePhase.run(dataset: data, in: dir)
    var options = seqOptions(epochs: 1)
    options.trainer.stateless = true
    var file = try SequencePhase.run(in: dir, options: options)
    #expect(file.metadata[SequenceMode.metadataKey] == "stateless")
    #expect(file.metadata["provenance.sequence_mode"] == nil)
    let path = dir.path + "/edited.dnm"
    func refusal(_ edit: (inout FloatModelFile) -> Void) throws -> String {
      var f = file
      edit(&f)
      try f.save(to: path)
      do {
        _ = try FloatDance.load(from: path)
        return ""
      } catch { return "\(error)" }
    }
    #expect(try refusal { _ in } == "")
    let stateless = try FloatDance.load(from: path)
    #expect(stateless.mode == .stateless)
    _ = try refusal { $0.metadata[SequenceMode.metadataKey] = "stateful" }
    let stateful = try FloatDance.load(from: path)
    func latents(_ d: FloatDance) throws -> [[Float]] {
      try d.latents(frames: 5, seed: 2, start: 0, piTemperature: 1, sigmaTemperature: 1)
    }
    // the same weights and noise, but the state is reset before every step
    #expect(try latents(stateless) != latents(stateful))
    #expect(
      try refusal { $0.metadata[SequenceMode.metadataKey] = nil }
        == "\(path): lacks metadata sequence.mode (stateful or stateless)")
    #expect(
      try refusal { $0.metadata[SequenceMode.metadataKey] = "stateful-ish" }
        == "\(path): metadata sequence.mode is 'stateful-ish', not stateful or stateless")
    #expect(
      try refusal { $0.metadata[SequenceMode.retiredTargetKey] = "delta" }
        == "\(path): predicts the latent's change (sequence.target delta), which this build no "
        + "longer generates; retrain it")
    #expect(
      try refusal { $0.metadata[SequenceMode.retiredTargetKey] = "velocity" }
        == "\(path): metadata sequence.target is 'velocity'; only latent is known")
    #expect(
      try refusal { $0.metadata[SamplingTemperatures.piKey] = "abc" }
        == "\(path): metadata generation.pi_temperature is 'abc', not a decimal in 0.01...10")
    _ = try refusal { $0.metadata.merge(SamplingTemperatures(pi: 0.3, sigma: 0.5).metadataEntries) { $1 } }
    #expect(try FloatDance.load(from: path).defaultTemperatures == SamplingTemperatures(pi: 0.3, sigma: 0.5))
    file.metadata[SequenceMode.retiredTargetKey] = "latent"
    #expect(try refusal { _ in } == "")
  }

  /// `--latent-axes principal`: the model file carries the rotation the trainer fitted, the
  /// dance read back from it normalises bit for bit as the trainer did, and a resume on other
  /// axes is refused.
  @Test func principalAxesTravelWithTheModel() throws {
    let data = Self.dataset()
    let dir = Self.tempDir("axes")
    defer { try? FileManager.default.removeItem(atPath: dir.path) }
    try VAEPhase.run(dataset: data, in: dir, options: vaeOptions(epochs: 1))
    try EncodePhase.run(dataset: data, in: dir)
    var options = seqOptions(epochs: 1)
    options.trainer.latentAxes = .principal
    let file = try SequencePhase.run(in: dir, options: options)
    #expect(file.metadata[LatentNormalizer.Axes.metadataKey] == "principal")
    #expect(file.tensors[LatentNormalizer.rotationName]?.values.count == 16)
    let latents = try EncodedLatents.load(from: dir)
    let fitted = try LatentNormalizer.fit(clips: latents.trainingClips, axes: .principal)
    let dance = try FloatDance.load(from: dir.model)
    #expect(dance.normalizer == fitted)
    #expect(dance.normalizer.axes == .principal)
    var other = seqOptions(epochs: 2, resume: true)
    other.trainer.latentAxes = .standard
    expectResumeRefused(
      in: dir, options: other, saying: "trained on principal latent axes, not standard")
  }

  /// The sequence model may learn from a longer dance than the VAE saw (`encode --data` another
  /// folder): the model's data, frame count and held-out ranges follow the encoded folder, and the
  /// VAE's folder is kept apart.
  @Test func latentsFromAnotherFolderRecordTheirOwnProvenance() throws {
    let dir = Self.tempDir("longer")
    defer { try? FileManager.default.removeItem(atPath: dir.path) }
    var vae = vaeOptions(epochs: 1)
    vae.provenance = ["provenance.data": "short-dance"]
    try VAEPhase.run(dataset: Self.dataset(), in: dir, options: vae)
    let dancer = SyntheticDancer(seed: 5, frameCount: 80, fps: 10)
    let longer = FrameDataset(
      folder: "long-dance", clips: [(0..<80).map { dancer.frame(at: $0).resized(width: 24, height: 16) }],
      heldOutPercent: 10)
    try EncodePhase.run(dataset: longer, in: dir)
    try SequencePhase.run(in: dir, options: seqOptions(epochs: 1))
    let file = try FloatModelFile.load(from: dir.model)
    #expect(file.metadata["provenance.data"] == "long-dance")
    #expect(file.metadata["provenance.vae_data"] == "short-dance")
    #expect(file.metadata["provenance.frames"] == "80")
    #expect(file.integerTensors[FloatModelFile.heldoutRanges]?.values == [72, 80])
  }

  @Test func floatGenerationIsDeterministicAndSeeded() throws {
    let data = Self.dataset()
    let dir = Self.tempDir("generate")
    defer { try? FileManager.default.removeItem(atPath: dir.path) }
    try VAEPhase.run(dataset: data, in: dir, options: vaeOptions(epochs: 1))
    try EncodePhase.run(dataset: data, in: dir)
    try SequencePhase.run(in: dir, options: seqOptions(epochs: 1))
    let dance = try FloatDance.load(from: dir.model)
    func frames(_ seed: UInt64) throws -> [GrayImage] {
      var out: [GrayImage] = []
      try dance.generate(frames: 6, seed: seed, start: 1, piTemperature: 1, sigmaTemperature: 1) {
        _, f in out.append(f)
      }
      return out
    }
    let a = try frames(9)
    #expect(a.count == 6)
    #expect(try frames(9) == a)
    #expect(try frames(10) != a)
    #expect(throws: FileIOError.self) { try dance.primer(start: 4) }
  }

  /// A shipped folder holds model.dnm but no checkpoints: `encode` then uses model.dnm's VAE,
  /// and gives the latents vae.ckpt gave (the test model is stored as float32).
  @Test func encodeUsesTheModelFilesVAEWhenThereIsNoCheckpoint() throws {
    let data = Self.dataset()
    let dir = Self.tempDir("shipped")
    defer { try? FileManager.default.removeItem(atPath: dir.path) }
    try VAEPhase.run(dataset: data, in: dir, options: vaeOptions(epochs: 1))
    let fromCheckpoint = try EncodePhase.run(dataset: data, in: dir)
    try SequencePhase.run(in: dir, options: seqOptions(epochs: 1))
    for file in [dir.vaeCheckpoint, dir.latents, dir.sequenceCheckpoint] {
      try FileManager.default.removeItem(atPath: file)
    }
    #expect(try TrainedVAE.load(from: dir).path == dir.model)
    let fromModel = try EncodePhase.run(dataset: data, in: dir)
    #expect(fromModel.clips == fromCheckpoint.clips)
    #expect(fromModel.provenance["provenance.vae_epochs"] == "1")
    #expect(fromModel.provenance["provenance.data"] == "synthetic")
    // and the sequence model trains on them again, reusing that VAE
    let again = try SequencePhase.run(in: dir, options: seqOptions(epochs: 1))
    #expect(again.tensors["decoder.conv1.kernel"] != nil)
    // a folder with neither file is one line naming the checkpoint
    try FileManager.default.removeItem(atPath: dir.model)
    #expect(throws: FileIOError(path: dir.vaeCheckpoint, "not found, nor is model.dnm (run train-vae first)"))
    {
      try TrainedVAE.load(from: dir)
    }
  }

  /// The held-out curve is the training loss (`VAELoss`, from the decoder's logits) at z = the
  /// encoder's mean: the same figure, within float rounding, as BCE of the decoded
  /// probabilities plus KL, computed here by hand in Double.
  @Test func heldOutVAELossIsTheTrainingLossAtTheMean() throws {
    let data = Self.dataset()
    let vae = try VAE<Float>(preset: Self.preset, seed: 4)
    let frames = data.heldOutFrames.map(\.pixels) + data.trainingFrames.prefix(40).map(\.pixels)
    let got = VAEPhase.heldOutLoss(vae, frames: frames, klWeight: 0.5)
    let pixels = frames.flatMap { $0.map { Float($0) / 255 } }
    let (mean, logVar) = vae.encode(pixels, batch: frames.count)
    let p = vae.decode(mean, batch: frames.count)
    var bce = 0.0
    for i in pixels.indices {
      let (t, q) = (Double(pixels[i]), Double(p[i]))
      bce -= t * log(q) + (1 - t) * log(1 - q)
    }
    var kl = 0.0
    for i in mean.indices {
      let (m, lv) = (Double(mean[i]), Double(logVar[i]))
      kl += -0.5 * (1 + lv - m * m - exp(lv))
    }
    let want = (bce + 0.5 * kl) / Double(frames.count)
    #expect(abs(got - want) < 1e-4 * want, "held-out \(got), by hand \(want)")
  }
}
