import ArgumentParser
import Evaluation
import Foundation
import ModelFiles
import Trainer

// MARK: - eval

struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Measure a model on its held-out frames: reconstruction, NLL, and generated vs real dance.",
    discussion: """
      Writes report.md, report.json and pictures (generated.png, reconstructions.png, \
      velocity.png) to --out (default MODELDIR/eval). --data must be the folder whose frames \
      were encoded for the sequence model (`encode --data`, or `train --data`): the held-out \
      frames are the ones the model file records.
      """)

  @Option(help: "Model folder (holding model.dnm) or a .dnm file.") var model: String
  @Option(help: "The frames folder the sequence model was trained on.") var data: String
  @Option(help: "Generated frames in all, split over the seeds.") var frames: Int = 4000
  @Option(help: "Number of generation seeds (1, 2, ...).") var seeds: Int = 16
  @Option(help: "Mixture temperature.") var piTemp: Double = 1
  @Option(help: "Sigma temperature.") var sigmaTemp: Double = 1
  @Option(help: "Report folder (default: MODELDIR/eval).") var out: String?

  func validate() throws {
    guard (1...100).contains(seeds) else { throw ValidationError("--seeds must be in 1...100") }
    guard frames >= 2 * seeds && frames <= 1_000_000 else {
      throw ValidationError("--frames must be at least 2 per seed and at most 1000000")
    }
    guard piTemp > 0 && piTemp.isFinite else { throw ValidationError("--pi-temp must be positive") }
    guard sigmaTemp >= 0 && sigmaTemp.isFinite else {
      throw ValidationError("--sigma-temp must be 0 or more")
    }
  }

  func run() throws {
    try CLI.reporting {
      let path = ModelDirectory.modelFile(model)
      let modelFolder = (path as NSString).deletingLastPathComponent
      let folder = out ?? ModelDirectory(modelFolder.isEmpty ? "." : modelFolder).file("eval")
      let preset = try FloatModelFile.load(from: path).preset
      let dataset = try FrameDataset.load(
        folder: data, width: preset.frameWidth, height: preset.frameHeight, strict: false,
        heldOutPercent: 0
      ) { CLI.printError($0) }
      var options = DanceEvaluation.Options()
      options.frames = frames
      options.seeds = seeds
      options.piTemperature = piTemp
      options.sigmaTemperature = sigmaTemp
      let report = try DanceEvaluation.run(
        modelPath: path, dataset: dataset, options: options, outputFolder: folder,
        observer: CLI.observer())
      print(report.markdown())
      CLI.printError("eval: report in \(folder)/report.md and report.json")
    }
  }
}
