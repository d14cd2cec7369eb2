import FileAccess
import Foundation
import Int8Runtime
import ModelFiles
import Trainer

// MARK: - Which generator, on which file

/// `generate`'s choice of generator and model file from `--model` and the runtime flags.
///
/// | flags | generator | file |
/// |---|---|---|
/// | (none), MODELDIR has model-int8.dnm | the int8 runtime | MODELDIR/model-int8.dnm |
/// | (none), MODELDIR has none | the float generator, with a note on stderr | MODELDIR/model.dnm |
/// | (none), `--model FILE.dnm` | by the file's kind (int8 model or float model) | FILE.dnm |
/// | `--int8` | the int8 runtime (the default, named) | MODELDIR/model-int8.dnm or FILE.dnm |
/// | `--reference` | the reference integer generator (`Int8Generator`) | the same |
/// | `--float` | the float reference generator (`FloatDance`) | MODELDIR/model.dnm or FILE.dnm |
///
/// ```swift
/// let c = try GenerateModelChoice(model: "models/tiny", float: false, reference: false, int8: false)
/// c.generator            // .int8Runtime
/// c.path                 // "models/tiny/model-int8.dnm"
/// c.frameRateFiles       // ["models/tiny/model-int8.dnm", "models/tiny/model.dnm"]
/// ```
struct GenerateModelChoice: Equatable {
  enum Generator: Equatable {
    /// The default integer path (`--int8`).
    case int8Runtime
    /// The reference integer generator (`--reference`).
    case reference
    /// The float reference generator (`--float`).
    case float
  }

  static let int8FileName = "model-int8.dnm"
  let generator: Generator
  /// The model file the generator reads.
  let path: String
  /// Files whose `provenance.fps` gives the default frame rate, first wins.
  let frameRateFiles: [String]
  /// A line for stderr when the default fell back to the float model.
  let note: String?

  init(model: String, float: Bool, reference: Bool, int8: Bool) throws(FileIOError) {
    let isFile = model.hasSuffix(".dnm")
    let int8Path = isFile ? model : ModelDirectory(model).file(Self.int8FileName)
    let floatPath = ModelDirectory.modelFile(model)
    var note: String? = nil
    if float {
      generator = .float
    } else if reference || int8 {
      generator = reference ? .reference : .int8Runtime
    } else if isFile {
      generator = try ContainerFile.kind(at: model) == .int8Model ? .int8Runtime : .float
    } else if FileManager.default.fileExists(atPath: int8Path) {
      generator = .int8Runtime
    } else {
      generator = .float
      note =
        "generate: note: \(model) has no \(Self.int8FileName) (dancenet quantize writes it); using the float model"
    }
    self.note = note
    if generator == .float {
      path = floatPath
      frameRateFiles = [floatPath]
    } else {
      path = int8Path
      let folder = (int8Path as NSString).deletingLastPathComponent
      frameRateFiles = [int8Path, ModelDirectory(folder.isEmpty ? "." : folder).model]
    }
  }
}
