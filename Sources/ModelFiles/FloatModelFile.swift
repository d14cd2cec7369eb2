import FileAccess
import Int8Runtime

// MARK: - FloatTensor

/// A named float tensor's shape and row-major values.
public struct FloatTensor: Equatable, Sendable {
  public var shape: [Int]
  public var values: [Float]
  public init(shape: [Int], values: [Float]) {
    precondition(shape.reduce(1, *) == values.count, "values do not fill the shape")
    self.shape = shape
    self.values = values
  }
}

/// A named Int32 tensor (e.g. `heldout.ranges`).
public struct Int32Tensor: Equatable, Sendable {
  public var shape: [Int]
  public var values: [Int32]
  public init(shape: [Int], values: [Int32]) {
    precondition(shape.reduce(1, *) == values.count, "values do not fill the shape")
    self.shape = shape
    self.values = values
  }
}

// MARK: - FloatModelFile

/// The trainer's output file (docs/FORMAT.md, "Float model"): a container of kind
/// `.floatModel` holding the preset, every parameter of the encoder, decoder and sequence
/// model, the latent normalisation, optional start latents and held-out ranges, and provenance.
///
/// `save` validates and writes atomically; `load` validates everything a later stage relies on
/// and reports the first problem in one line that starts with the path.
///
/// ```swift
/// var model = FloatModelFile(preset: .tiny)
/// model.tensors["encoder.conv1.kernel"] = FloatTensor(shape: [3, 3, 1, 16], values: w)
/// ...                                         // every name in requiredTensors(of: .tiny)
/// model.metadata["provenance.seed"] = "7"
/// model.storage = .float16                    // parameters as f16, the rest f32
/// try model.save(to: "models/tiny.dnm")
/// let back = try FloatModelFile.load(from: "models/tiny.dnm")
/// // "models/tiny.dnm: missing tensor decoder.conv4.bias" if one was left out
/// ```
public struct FloatModelFile: Equatable {
  /// How parameter tensors are stored. Other float tensors are always f32.
  public enum Storage: String, Sendable, Equatable {
    case float32, float16
  }

  public var preset: ModelPreset
  /// Float tensors by name: parameters, normalisation, start latents.
  public var tensors: [String: FloatTensor]
  /// Int32 tensors by name (`heldout.ranges`).
  public var integerTensors: [String: Int32Tensor]
  /// Provenance and other strings. Keys beginning with "preset." are written from `preset` and
  /// may not appear here.
  public var metadata: [String: String]
  public var storage: Storage

  public init(
    preset: ModelPreset, tensors: [String: FloatTensor] = [:],
    integerTensors: [String: Int32Tensor] = [:], metadata: [String: String] = [:],
    storage: Storage = .float32
  ) {
    self.preset = preset
    self.tensors = tensors
    self.integerTensors = integerTensors
    self.metadata = metadata
    self.storage = storage
  }

  // MARK: - Tensor names (the spec in docs/FORMAT.md)

  public static let normalizationMean = "sequence.normalizer.mean"
  public static let normalizationStd = "sequence.normalizer.std"
  public static let normalizationRotation = "sequence.normalizer.rotation"
  public static let startLatents = "start.latents"
  public static let startPrimers = "start.primers"
  public static let heldoutRanges = "heldout.ranges"

  /// Every parameter tensor of `preset` in layer order (encoder, decoder, sequence model):
  /// `<layer>.kernel` and `<layer>.bias`, plus `<layer>.recurrent_kernel` for LSTMs.
  ///
  /// ```swift
  /// FloatModelFile.parameterShapes(of: .paper)[0]   // ("encoder.conv1.kernel", [3, 3, 1, 128])
  /// ```
  public static func parameterShapes(of preset: ModelPreset) -> [(name: String, shape: [Int])] {
    var out: [(String, [Int])] = []
    for layer in preset.encoderLayers + preset.decoderLayers + preset.sequenceLayers {
      switch layer.kind {
      case .conv3x3(let i, let o, _):
        out += [(layer.name + ".kernel", [3, 3, i, o]), (layer.name + ".bias", [o])]
      case .dense(let i, let o, _), .perPixelDense(let i, let o, _):
        out += [(layer.name + ".kernel", [i, o]), (layer.name + ".bias", [o])]
      case .lstm(let inputs, let units):
        out += [
          (layer.name + ".kernel", [inputs, 4 * units]),
          (layer.name + ".recurrent_kernel", [units, 4 * units]),
          (layer.name + ".bias", [4 * units]),
        ]
      case .mdn(let inputs, let k, let d):
        let outputs = 2 * k * d + k
        out += [(layer.name + ".kernel", [inputs, outputs]), (layer.name + ".bias", [outputs])]
      case .maxPool2, .upsample2, .flatten, .reshape, .dropout, .reparameterize:
        break
      }
    }
    return out
  }

  /// Parameters plus the latent normalisation: the tensors every float model must hold.
  public static func requiredTensors(of preset: ModelPreset) -> [(name: String, shape: [Int])] {
    parameterShapes(of: preset) + [
      (normalizationMean, [preset.latentSize]), (normalizationStd, [preset.latentSize]),
    ]
  }

  // MARK: - Validation

  /// Nil when the model is complete and consistent, else one line (without a path).
  public func validationError() -> String? {
    if let e = preset.validationError { return "invalid preset: \(e)" }
    for key in metadata.keys.sorted(by: precedes) where key.hasPrefix("preset.") {
      return "metadata key \(key) is reserved for the preset"
    }
    let floatNames =
      Self.requiredTensors(of: preset).map(\.name) + [
        Self.normalizationRotation, Self.startLatents, Self.startPrimers,
      ]
    for name in floatNames where integerTensors[name] != nil {
      return "tensor \(name) is i32; it must be f32 or f16"
    }
    if tensors[Self.heldoutRanges] != nil {
      return "tensor \(Self.heldoutRanges) is a float tensor; it must be i32"
    }
    for (name, shape) in Self.requiredTensors(of: preset) {
      guard let t = tensors[name] else { return "missing tensor \(name)" }
      if t.shape != shape { return "tensor \(name) has shape \(t.shape), expected \(shape)" }
    }
    for name in tensors.keys.sorted(by: precedes) where integerTensors[name] != nil {
      return "tensor \(name) is both float and integer"
    }
    for name in tensors.keys.sorted(by: precedes) {
      let t = tensors[name]!
      if t.shape.reduce(1, *) != t.values.count { return "tensor \(name) does not fill its shape" }
      if !allFinite(t.values) { return "tensor \(name) holds a non-finite value" }
    }
    for (i, s) in (tensors[Self.normalizationStd]?.values ?? []).enumerated() where !(s > 0) {
      return "tensor \(Self.normalizationStd) has std[\(i)] = \(s); must be positive"
    }
    let d = preset.latentSize
    if let r = tensors[Self.normalizationRotation] {
      if r.shape != [d * d] {
        return
          "tensor \(Self.normalizationRotation) has shape \(r.shape), expected [\(d * d)] (D x D, row-major)"
      }
      if let why = Self.orthonormalityProblem(r.values, dims: d) {
        return "tensor \(Self.normalizationRotation) is not orthonormal: \(why)"
      }
    }
    if let latents = tensors[Self.startLatents] {
      guard latents.shape.count == 2, latents.shape[1] == d else {
        return "tensor \(Self.startLatents) has shape \(latents.shape), expected [N, \(d)]"
      }
      if let primers = tensors[Self.startPrimers] {
        let s = primers.shape
        guard s.count == 3, s[0] == latents.shape[0], s[2] == d else {
          return "tensor \(Self.startPrimers) has shape \(s), expected [\(latents.shape[0]), P, \(d)]"
        }
      }
    } else if tensors[Self.startPrimers] != nil {
      return "tensor \(Self.startPrimers) needs \(Self.startLatents)"
    }
    if let ranges = integerTensors[Self.heldoutRanges] {
      guard ranges.shape.count == 2, ranges.shape[1] == 2 else {
        return "tensor \(Self.heldoutRanges) has shape \(ranges.shape), expected [R, 2]"
      }
      for r in 0..<ranges.shape[0] {
        let (a, b) = (ranges.values[2 * r], ranges.values[2 * r + 1])
        if a < 0 || b < a { return "tensor \(Self.heldoutRanges) row \(r) is [\(a), \(b)), not a range" }
      }
    }
    return nil
  }

  /// Largest |RᵀR − I| entry accepted for `sequence.normalizer.rotation`.
  public static let orthonormalTolerance = 1e-4

  /// Nil when the D x D row-major matrix `r` is orthonormal (every entry of RᵀR − I within
  /// `orthonormalTolerance`), else which column is not of length 1 or which two are not
  /// orthogonal, in Double.
  ///
  /// ```swift
  /// FloatModelFile.orthonormalityProblem([0, 1, 1, 0], dims: 2)   // nil
  /// FloatModelFile.orthonormalityProblem([2, 0, 0, 1], dims: 2)   // "column 0 has length 2.0, not 1"
  /// ```
  public static func orthonormalityProblem(_ r: [Float], dims d: Int) -> String? {
    precondition(r.count == d * d, "not a D x D matrix")
    for a in 0..<d {
      for b in a..<d {
        var dot = 0.0
        for i in 0..<d { dot += Double(r[i * d + a]) * Double(r[i * d + b]) }
        guard abs(dot - (a == b ? 1 : 0)) <= orthonormalTolerance else {
          return a == b
            ? "column \(a) has length \(dot.squareRoot()), not 1"
            : "columns \(a) and \(b) are not orthogonal (dot product \(dot))"
        }
      }
    }
    return nil
  }

  // MARK: - Encoding and decoding

  /// The file's bytes. Throws one line (without a path) when the model is invalid or a
  /// parameter does not fit float16 storage.
  public func encoded() throws(FileIOError) -> [UInt8] {
    if let e = validationError() { throw FileIOError(e) }
    var w = ContainerWriter(kind: .floatModel)
    let parameterNames = Set(Self.parameterShapes(of: preset).map(\.name))
    for (name, t) in tensors {
      if storage == .float16 && parameterNames.contains(name) {
        try w.addFloat16(name, shape: t.shape, values: t.values)
      } else {
        w.addFloat32(name, shape: t.shape, values: t.values)
      }
    }
    for (name, t) in integerTensors { w.addInt32(name, shape: t.shape, values: t.values) }
    w.metadata = metadata.merging(preset.metadataEntries) { _, presetValue in presetValue }
    return try w.encoded()
  }

  /// Decodes and validates a float model; `source` names the bytes in messages.
  public init(decoding bytes: [UInt8], source: String) throws(FileIOError) {
    self = try ContainerFile.read(bytes: bytes, source: source, as: .floatModel) {
      (c) throws(FileIOError) in try FloatModelFile(container: c, source: source)
    }
  }

  /// Reads and validates the float model at `path`.
  public static func load(from path: String) throws(FileIOError) -> FloatModelFile {
    try ContainerFile.read(path, as: .floatModel) { (c) throws(FileIOError) in
      try FloatModelFile(container: c, source: path)
    }
  }

  /// Validates and writes the model to `path` atomically (first removing the temporary files
  /// killed runs left for it).
  public func save(to path: String) throws(FileIOError) {
    let bytes: [UInt8]
    do { bytes = try encoded() } catch let e { throw FileIOError(path: path, e.message) }
    AtomicFileWriter.removeStaleTemporaries(of: path)
    try AtomicFile.write(bytes, to: path)
  }

  private init(container c: TensorContainer, source: String) throws(FileIOError) {
    var strings = c.metadataStrings
    do { preset = try ModelPreset(metadata: strings) } catch let e {
      throw FileIOError(path: source, e.message)
    }
    for key in strings.keys where key.hasPrefix("preset.") { strings[key] = nil }
    metadata = strings
    tensors = [:]
    integerTensors = [:]
    let parameterNames = Set(Self.parameterShapes(of: preset).map(\.name))
    var sawFloat16 = false
    for t in c.tensors {
      let name = t.nameString
      if let values = c.floatValues(t) {
        tensors[name] = FloatTensor(shape: t.shape.array, values: values)
        if t.dtype == .float16 && parameterNames.contains(name) { sawFloat16 = true }
      } else if let values = c.int32Values(t) {
        integerTensors[name] = Int32Tensor(shape: t.shape.array, values: values)
      } else {
        throw FileIOError(
          path: source, "tensor \(name) is \(t.dtype.label); a float model holds f32, f16 or i32")
      }
    }
    storage = sawFloat16 ? .float16 : .float32
    if let e = validationError() { throw FileIOError(path: source, e) }
  }
}

/// True when no value is NaN or infinite.
func allFinite(_ values: [Float]) -> Bool {
  values.withUnsafeBufferPointer { v in
    for x in v where !x.isFinite { return false }
    return true
  }
}

// MARK: - Preset as metadata

extension ModelPreset {
  /// Every field under a "preset." key; lists are comma-separated decimal integers.
  ///
  /// ```swift
  /// ModelPreset.paper.metadataEntries["preset.encoder_channels"]   // "128,64,32"
  /// ```
  public var metadataEntries: [String: String] {
    func list(_ a: [Int]) -> String { a.map(String.init).joined(separator: ",") }
    return [
      "preset.name": name, "preset.frame_height": "\(frameHeight)",
      "preset.frame_width": "\(frameWidth)", "preset.latent_size": "\(latentSize)",
      "preset.encoder_channels": list(encoderChannels), "preset.encoder_hidden": "\(encoderHidden)",
      "preset.decoder_expand": "\(decoderExpand)", "preset.decoder_channels": list(decoderChannels),
      "preset.lstm_layers": "\(lstmLayers)", "preset.lstm_units": "\(lstmUnits)",
      "preset.dropout_percent": "\(dropoutPercent)", "preset.dense_units": "\(denseUnits)",
      "preset.mixtures": "\(mixtures)",
    ]
  }

  /// Largest size a preset read from a file may use (frame side, width, count). It keeps every
  /// size product in `LayerSpec` far from overflow, whatever a damaged or hostile file says.
  public static let largestStoredSize = 1 << 14

  /// Rebuilds a preset from `metadataEntries`; throws one line naming the missing or bad key.
  /// Numbers follow `MetadataValues` (decimal, no sign, no leading zero), as in the int8 reader.
  public init(metadata m: [String: String]) throws(FileIOError) {
    let limit = ModelPreset.largestStoredSize
    func text(_ key: String) throws(FileIOError) -> String {
      guard let v = m["preset." + key] else { throw FileIOError("missing metadata preset.\(key)") }
      return v
    }
    func int(_ key: String) throws(FileIOError) -> Int {
      let v = try text(key)
      guard let n = MetadataValues.decimal(v, limit: limit), n >= (key == "dropout_percent" ? 0 : 1)
      else {
        throw FileIOError("metadata preset.\(key) is not a valid size: '\(v)'")
      }
      return n
    }
    func list(_ key: String) throws(FileIOError) -> [Int] {
      let v = try text(key)
      if v.split(separator: ",", omittingEmptySubsequences: false).count > 8 {
        throw FileIOError("metadata preset.\(key) has too many entries: '\(v)'")
      }
      guard let out = MetadataValues.decimalList(v, limit: limit) else {
        throw FileIOError("metadata preset.\(key) is not a list of sizes: '\(v)'")
      }
      return out
    }
    self.init(
      name: try text("name"), frameHeight: try int("frame_height"),
      frameWidth: try int("frame_width"), latentSize: try int("latent_size"),
      encoderChannels: try list("encoder_channels"), encoderHidden: try int("encoder_hidden"),
      decoderExpand: try int("decoder_expand"), decoderChannels: try list("decoder_channels"),
      lstmLayers: try int("lstm_layers"), lstmUnits: try int("lstm_units"),
      dropoutPercent: try int("dropout_percent"), denseUnits: try int("dense_units"),
      mixtures: try int("mixtures"))
    if let e = validationError { throw FileIOError("invalid preset in metadata: \(e)") }
  }
}

// MARK: - Metadata numbers as Strings

extension MetadataValues {
  /// `decimal` of a String's UTF-8 bytes.
  static func decimal(_ text: String, limit: Int) -> Int? {
    var copy = text
    return copy.withUTF8 { decimal(UnsafeRawBufferPointer($0), limit: limit) }
  }

  /// `decimalList` of a String's UTF-8 bytes.
  static func decimalList(_ text: String, limit: Int) -> [Int]? {
    var copy = text
    return copy.withUTF8 { decimalList(UnsafeRawBufferPointer($0), limit: limit) }
  }
}
