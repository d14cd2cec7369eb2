import ArgumentParser
import FileAccess
import Foundation
import Int8Runtime
import ModelFiles
import Quantize
import Trainer

// MARK: - quantize

struct QuantizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quantize",
    abstract: "Convert a float model to int8 with calibration: MODELDIR/model-int8.dnm.",
    discussion: """
      Calibrates the decoder on latents of real frames and on latents the float model \
      generates, and the sequence model on windows of real latent sequences run statefully, \
      then writes the int8 model (docs/INT8.md) atomically. The calibration frames are --calib, \
      or the frames folder the model records (provenance.data); held-out frames are never used.
      """)

  enum Method: String, ExpressibleByArgument, CaseIterable {
    case minmax, percentile
  }

  @Option(help: "Model folder (holding model.dnm) or a .dnm file.") var model: String
  @Option(help: "Calibration frames folder (default: the data recorded in the model).") var calib: String?
  @Option(help: "Calibration method for the decoder's and sequence.dense's ranges.") var method: Method =
    .percentile
  @Option(help: "The percentile of --method percentile.") var percentile: Double = CalibrationMethod
    .defaultPercentile
  @Option(help: "Store only the first N start latents (default: all the float model has).")
  var starts: Int?
  @Option(help: "Where to write the int8 model (default: MODELDIR/model-int8.dnm).") var out: String?

  func validate() throws {
    if let starts, starts < 1 { throw ValidationError("--starts must be at least 1") }
    guard percentile > 50 && percentile <= 100 else {
      throw ValidationError("--percentile must be above 50 and at most 100")
    }
  }

  func run() throws {
    try CLI.reporting {
      let path = ModelDirectory.modelFile(model)
      let file = try FloatModelFile.load(from: path)
      let folder = (path as NSString).deletingLastPathComponent
      let destination = out ?? ModelDirectory(folder.isEmpty ? "." : folder).file("model-int8.dnm")
      guard let data = calib ?? file.metadata["provenance.data"], data != "synthetic" else {
        throw FileIOError(
          path: path, "records no calibration frames folder (provenance.data); pass --calib DIR")
      }
      let preset = file.preset
      let dataset = try FrameDataset.load(
        folder: data, width: preset.frameWidth, height: preset.frameHeight, strict: false,
        heldOutPercent: 0
      ) { CLI.printError($0) }
      var options = Quantizer.Options(
        method: method == .minmax ? .minmax : .percentile(percentile))
      options.starts = starts
      var lastTenth = (stage: "", tenth: -1)
      let result = try Quantizer.run(
        model: file, frames: dataset.clips.map { $0.map(\.pixels) }, options: options
      ) { stage, done, total in
        let tenth = total > 0 ? done * 10 / total : 0
        if stage != lastTenth.stage || tenth != lastTenth.tenth {
          CLI.printError("quantize: \(stage) \(done)/\(total)")
          lastTenth = (stage, tenth)
        }
      }
      let bytes = try result.conversion.writer.encoded()
      try AtomicFile.write(bytes, to: destination)
      let int8 = try ContainerFile.read(destination, as: .int8Model) {
        container throws(FileIOError) -> QuantReport in
        do {
          let model = try Int8Model(container)
          CLI.printError("quantize: measuring int8 against float on held-out frames")
          let decoder = try DecoderAccuracy.measure(
            result.reference, model, latents: result.evaluationLatents)
          let sequence = SequenceAccuracy.measure(
            result.reference, model, clip: result.evaluationClip)
          return QuantReport(
            model: path, conversion: result.conversion,
            calibration: result.conversion.writer.metadata["quant.calibration"] ?? "",
            fileBytes: bytes.count, decoder: decoder, sequence: sequence)
        } catch {
          throw FileIOError(path: destination, "\(error)")
        }
      }
      let reportFolder = ModelDirectory(
        (destination as NSString).deletingLastPathComponent.isEmpty
          ? "." : (destination as NSString).deletingLastPathComponent
      ).file("quant")
      try Folder.create(reportFolder)
      try AtomicFile.write(Array(int8.markdown().utf8), to: reportFolder + "/report.md")
      try AtomicFile.write(try int8.json(), to: reportFolder + "/report.json")
      print(int8.markdown())
      CLI.printError(
        "quantize: \(result.conversion.layers.count) layers, \(options.method.name) -> \(destination)")
    }
  }
}
