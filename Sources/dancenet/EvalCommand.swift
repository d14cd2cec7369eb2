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
      velocity.png) to --out (default MODELDIR/eval). Generation runs at the model's default \
      temperatures unless --pi-temp or --sigma-temp is given; the report also sweeps a small \
      grid of temperatures and names the point its rule chooses, which --record-temperatures \
      writes into the model file. --data must be the folder whose frames \
      were encoded for the sequence model (`encode --data`, or `train --data`): the held-out \
      frames are the ones the model file records. --int8 also generates the int8 dance \
      (MODELDIR/model-int8.dnm, the reference integer generator) with the same seeds and \
      temperatures and writes int8-report.md, int8-report.json, int8-generated.png and \
      int8-departure.png: its dance measures beside the float dance's, and how many steps it \
      follows the float dance of the same seed.
      """)

  @Option(help: "Model folder (holding model.dnm) or a .dnm file.") var model: String
  @Option(help: "The frames folder the sequence model was trained on.") var data: String
  @Option(help: "Generated frames in all, split over the seeds.") var frames: Int = 4000
  @Option(help: "Number of generation seeds (1, 2, ...).") var seeds: Int = 16
  @OptionGroup var temperatures: TemperatureOptions
  @Option(help: "Frames per seed at each point of the temperature sweep (0: no sweep).")
  var sweepFramesPerSeed: Int = TemperatureSweep.Grid.standard.framesPerSeed
  @Flag(
    help: "Write the sweep's chosen temperatures into the model file as its defaults, then report at them.")
  var recordTemperatures = false
  @Option(help: "Report folder (default: MODELDIR/eval).") var out: String?
  @Flag(help: "Also measure the int8 dance (MODELDIR/model-int8.dnm) beside the float dance.")
  var int8 = false
  @Flag(
    help: "With --int8: decode every int8 frame for the pixel measures (slow for paper: 1-2 s a frame).")
  var int8Pixels = false

  func validate() throws {
    guard (1...100).contains(seeds) else { throw ValidationError("--seeds must be in 1...100") }
    guard frames <= 1_000_000 else { throw ValidationError("--frames must be at most 1000000") }
    guard (0...10_000).contains(sweepFramesPerSeed) else {
      throw ValidationError("--sweep-frames-per-seed must be in 0...10000")
    }
    // The model's defaults stand in for a flag not given; they are checked when it is read.
    var options = evaluationOptions(defaults: .unit)
    if recordTemperatures && temperatures.given {
      throw ValidationError(
        "--record-temperatures records the sweep's choice; drop --pi-temp and --sigma-temp")
    }
    if recordTemperatures { options.temperatures = nil }
    if let e = options.problem { throw ValidationError(e) }
    if int8Pixels && !int8 { throw ValidationError("--int8-pixels needs --int8") }
  }

  /// The library's options from the flags; `defaults` fills in a temperature flag not given.
  func evaluationOptions(defaults: SamplingTemperatures) -> DanceEvaluation.Options {
    var options = DanceEvaluation.Options()
    options.frames = frames
    options.seeds = seeds
    if temperatures.given {
      options.temperatures = temperatures.resolved(defaults)
    }
    if sweepFramesPerSeed == 0 {
      options.sweep = nil
    } else {
      options.sweep?.framesPerSeed = sweepFramesPerSeed
    }
    options.recordChosenTemperatures = recordTemperatures
    return options
  }

  func run() throws {
    try CLI.reporting {
      let path = ModelDirectory.modelFile(model)
      let modelFolder = (path as NSString).deletingLastPathComponent
      let folder = out ?? ModelDirectory(modelFolder.isEmpty ? "." : modelFolder).file("eval")
      let modelDirectory = ModelDirectory(modelFolder.isEmpty ? "." : modelFolder)
      let int8File = try int8 ? openInt8Model(modelDirectory) : nil
      let file = try FloatModelFile.load(from: path)
      let preset = file.preset
      let options = evaluationOptions(
        defaults: try SamplingTemperatures(metadata: file.metadata, path: path))
      let dataset = try FrameDataset.load(
        folder: data, width: preset.frameWidth, height: preset.frameHeight, strict: false,
        heldOutPercent: 0
      ) { CLI.printError($0) }
      guard let int8File else {
        let report = try DanceEvaluation.run(
          modelPath: path, dataset: dataset, options: options, outputFolder: folder,
          observer: CLI.observer())
        print(report.markdown())
        CLI.printError("eval: report in \(folder)/report.md and report.json")
        return
      }
      var int8Options = Int8DanceComparison.Options()
      int8Options.decodeEveryFrame = int8Pixels
      let (report, compared) = try DanceEvaluation.run(
        modelPath: path, int8: int8File, dataset: dataset, options: options,
        int8Options: int8Options, outputFolder: folder, observer: CLI.observer())
      print(report.markdown())
      print(compared.markdown())
      CLI.printError(
        "eval: report in \(folder)/report.md and report.json, int8 beside float in "
          + "\(Int8DanceComparison.markdownFile) and \(Int8DanceComparison.jsonFile)")
    }
  }

  /// MODELDIR/model-int8.dnm, or one line saying how to make it.
  func openInt8Model(_ directory: ModelDirectory) throws -> Int8ModelFile {
    let path = directory.file("model-int8.dnm")
    guard FileManager.default.fileExists(atPath: path) else {
      throw EvaluationError(
        "no int8 model at \(path); run dancenet quantize --model \(directory.path)")
    }
    return try Int8ModelFile(path: path)
  }
}
