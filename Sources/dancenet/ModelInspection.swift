import FileAccess
import Foundation
import Int8Runtime
import ModelFiles
import Trainer

// MARK: - inspect MODEL

/// `dancenet inspect MODEL`: what a model file holds, tensor by tensor, after the checks of the
/// commands that read that kind of file (a file they refuse is one line and exit 1).
///
/// ```text
/// models/tiny/model-int8.dnm: int8 model, preset tiny, 274,597 bytes of tensors
/// tensor                         type  shape           bytes
/// decoder.conv1.weights          i8    16x3x3x32       4,608
/// ...
/// decoder.dense: input scale 0.000244 zero point 0; output int8, relu, scale 0.0213 zero point -128
/// ...
/// streaming arena: 9,888 bytes (StreamingPlan; step and frame buffers share memory)
/// buffer                   offset    bytes  lifetime  holds
/// lstm.h                        0      256  run       2 × 64 int16
/// ...
/// ```
enum ModelInspection {
  static func path(_ folderOrFile: String) -> String {
    if folderOrFile.hasSuffix(".dnm") { return folderOrFile }
    let int8 = ModelDirectory(folderOrFile).file("model-int8.dnm")
    return FileManager.default.fileExists(atPath: int8) ? int8 : ModelDirectory.modelFile(folderOrFile)
  }

  static func print(_ folderOrFile: String) throws {
    let path = path(folderOrFile)
    let file = try MappedFile(path: path)
    try withExtendedLifetime(file) { () throws in
      let c: TensorContainer
      do { c = try TensorContainer(file.bytes) } catch let e as ContainerError {
        throw FileIOError(path: path, e.message)
      }
      try refuseWhatReadersRefuse(c.kind, path: path)
      var metadata: [String: String] = [:]
      for (k, v) in c.metadata {
        metadata[String(decoding: k, as: UTF8.self)] = String(decoding: v, as: UTF8.self)
      }
      var rows: [(String, String, String, Int)] = []
      for t in c.tensors {
        let shape = t.shape.array.map(String.init).joined(separator: "x")
        rows.append((String(decoding: t.name, as: UTF8.self), t.dtype.label, shape, t.data.count))
      }
      let total = rows.reduce(0) { $0 + $1.3 }
      Swift.print(
        "\(path): \(c.kind.label), preset \(metadata["preset.name"] ?? "?"), "
          + "\(LayerTable.grouped(file.bytes.count)) bytes in all, "
          + "\(LayerTable.grouped(total)) of tensors")
      let width = max(30, rows.map(\.0.count).max() ?? 0)
      func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
      Swift.print(pad("tensor", width) + "  type  " + pad("shape", 16) + "  bytes")
      for r in rows {
        Swift.print(
          pad(r.0, width) + "  " + pad(r.1, 4) + "  " + pad(r.2, 16) + "  " + LayerTable.grouped(r.3))
      }
      let layers = metadata.keys.filter { $0.hasPrefix("quant.layer.") }.sorted()
      if !layers.isEmpty { Swift.print("") }
      for key in layers {
        Swift.print("\(key.dropFirst("quant.layer.".count)): \(metadata[key]!)")
      }
      for key in metadata.keys.sorted() where !key.hasPrefix("quant.layer.") && !key.hasPrefix("preset.") {
        Swift.print("\(key) = \(metadata[key]!)")
      }
      if c.kind == .int8Model, let model = try? Int8Model(c) {
        Swift.print("")
        printPlan(StreamingPlan(model: model))
      }
    }
  }

  /// Loads the file the way the commands that read its kind do (generate, quantize, resume),
  /// so that inspect refuses, in their words, what they refuse: an int8 model whose
  /// `preset.frame_height` is "+20" passes the container's checks but not the model's.
  ///
  /// ```swift
  /// try ModelInspection.refuseWhatReadersRefuse(.int8Model, path: "m/model-int8.dnm")
  /// // throws "m/model-int8.dnm: metadata preset.frame_height = '+20' is not a size in 1...16384"
  /// ```
  static func refuseWhatReadersRefuse(_ kind: ContainerKind, path: String) throws(FileIOError) {
    switch kind {
    case .int8Model: _ = try Int8ModelFile(path: path)
    case .floatModel: _ = try FloatModelFile.load(from: path)
    case .checkpoint: _ = try Checkpoint.load(from: path)
    }
  }

  /// The streaming runtime's arena: each buffer, its offset, size and lifetime, and the total.
  static func printPlan(_ plan: StreamingPlan) {
    func left(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
    func right(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
    Swift.print(
      "streaming arena: \(LayerTable.grouped(plan.totalBytes)) bytes (StreamingPlan; "
        + "step and frame buffers share memory)")
    let width = max(24, plan.buffers.map(\.name.count).max() ?? 0)
    Swift.print(left("buffer", width) + right("offset", 8) + right("bytes", 9) + "  lifetime  holds")
    for b in plan.buffers {
      Swift.print(
        left(b.name, width) + right(LayerTable.grouped(b.offset), 8) + right(LayerTable.grouped(b.bytes), 9)
          + "  " + left(b.lifetime.label, 8) + "  " + b.contents)
    }
  }
}
