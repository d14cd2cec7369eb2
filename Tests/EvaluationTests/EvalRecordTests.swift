import Evaluation
import FileAccess
import Foundation
import ImageIO
import Int8Runtime
import ModelFiles
import SynthDancer
import Testing
import Trainer

// MARK: - eval end to end on a very small model: defaults, sweep, recording

/// A 24x16 model trained for one epoch of each phase: `DanceEvaluation` sweeps its grid, records
/// the chosen temperatures in the model file (every tensor unchanged), reports at them, and a
/// second run at the model's defaults gives the same bytes.
@Suite struct EvalRecordTests {
  static let preset = ModelPreset(
    name: "test", frameHeight: 16, frameWidth: 24, latentSize: 4, encoderChannels: [4, 4, 2],
    encoderHidden: 8, decoderExpand: 4, decoderChannels: [4, 4, 4], lstmLayers: 1, lstmUnits: 8,
    dropoutPercent: 10, denseUnits: 8, mixtures: 3)

  @Test func recordedTemperaturesAreTheSweepsChoiceAndBecomeTheDefaults() throws {
    let dancer = SyntheticDancer(seed: 4, frameCount: 80, fps: 10)
    let data = FrameDataset(
      folder: "synthetic", clips: [(0..<80).map { dancer.frame(at: $0).resized(width: 24, height: 16) }],
      heldOutPercent: 25)
    let dir = ModelDirectory(NSTemporaryDirectory() + "dancenet-eval-record-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(atPath: dir.path) }
    var vae = VAEPhase.Options(preset: Self.preset, epochs: 1, seed: 2)
    vae.batchSize = 16
    try VAEPhase.run(dataset: data, in: dir, options: vae)
    try EncodePhase.run(dataset: data, in: dir)
    var seq = SequencePhase.Options(epochs: 1, seed: 2)
    seq.trainer.windowLength = 8
    seq.trainer.streams = 4
    seq.startLatents = 4
    seq.primers = 2
    let trained = try SequencePhase.run(in: dir, options: seq)
    #expect(try FloatDance.load(from: dir.model).defaultTemperatures == .unit)

    var options = DanceEvaluation.Options()
    options.frames = 40
    options.seeds = 2
    options.sweep?.seeds = 2
    options.sweep?.framesPerSeed = 10
    options.recordChosenTemperatures = true
    let first = try DanceEvaluation.run(
      modelPath: dir.model, dataset: data, options: options, outputFolder: dir.file("eval1"))
    let sweep = try #require(first.sweep)
    #expect(sweep.points.count == 6)
    #expect(sweep.points.allSatisfy { $0.jumps.steps == 2 * 9 })
    let recorded = try FloatModelFile.load(from: dir.model)
    #expect(recorded.tensors == trained.tensors)
    #expect(try FloatDance.load(from: dir.model).defaultTemperatures == sweep.chosen)
    #expect(first.generation.piTemperature == sweep.chosenPiTemperature)
    #expect(first.generation.sigmaTemperature == sweep.chosenSigmaTemperature)
    #expect(first.generation.temperaturesFromModel)

    options.recordChosenTemperatures = false
    _ = try DanceEvaluation.run(
      modelPath: dir.model, dataset: data, options: options, outputFolder: dir.file("eval2"))
    let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("eval1/report.json")))
    let b = try Data(contentsOf: URL(fileURLWithPath: dir.file("eval2/report.json")))
    #expect(a == b)

    // a temperature of the caller's own is reported as such, and a bad option is one line
    options.temperatures = SamplingTemperatures(pi: 1, sigma: 0.5)
    options.sweep = nil
    let own = try DanceEvaluation.run(
      modelPath: dir.model, dataset: data, options: options, outputFolder: dir.file("eval3"))
    #expect(!own.generation.temperaturesFromModel && own.sweep == nil)
    options.recordChosenTemperatures = true
    #expect(throws: EvaluationError("eval options: recording the chosen temperatures needs the sweep")) {
      try DanceEvaluation.run(
        modelPath: dir.model, dataset: data, options: options, outputFolder: dir.file("eval4"))
    }
  }
}
