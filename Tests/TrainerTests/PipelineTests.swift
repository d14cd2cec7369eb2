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
    #expect(file.metadata[SequenceTarget.metadataKey] == "latent")
    #expect(try FloatDance(model: file).sequence.target == .latent)
    // resuming with another target is refused, naming both
    var other = seqOptions(epochs: 2, resume: true)
    other.trainer.target = .delta
    expectResumeRefused(in: dir, options: other, saying: "trained with target latent, not delta")
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
    let latents = try EncodePhase.load(from: dir)
    let fitted = try LatentNormalizer.fit(clips: latents.trainingClips, axes: .principal)
    let dance = try FloatDance(model: try FloatModelFile.load(from: dir.model))
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
    let dance = try FloatDance(model: try FloatModelFile.load(from: dir.model))
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
}
