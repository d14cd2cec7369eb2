import FileAccess
import Int8Runtime

// MARK: - Checkpoint

/// A training checkpoint (docs/FORMAT.md, "Checkpoint"): a container of kind `.checkpoint`
/// holding float32 parameters, optimiser state, extra float arrays, the training position
/// (phase, completed epochs, step), the seed and the preset. Written atomically after every
/// epoch, so `--resume` finds either the previous checkpoint or the new one, never half of one.
///
/// Parameters are always stored as f32, so that a resumed run continues bit for bit.
///
/// ```swift
/// var ckpt = Checkpoint(preset: .tiny, phase: "vae", epoch: 3, step: 120, seed: 7)
/// ckpt.capture(parameters)                  // every Slot of a Parameters<Float>
/// ckpt.capture(optimizer)                   // adam.m, adam.v, steps
/// try ckpt.save(to: "runs/tiny/vae.ckpt")
///
/// let back = try Checkpoint.load(from: "runs/tiny/vae.ckpt")
/// try back.restore(into: parameters)        // names and shapes must match
/// try back.restore(into: &optimizer)
/// ```
public struct Checkpoint: Equatable {
  public var preset: ModelPreset
  /// Which training phase wrote it, e.g. "vae" or "sequence".
  public var phase: String
  /// Epochs completed in this phase.
  public var epoch: Int
  /// Optimiser steps taken in this phase.
  public var step: Int
  /// The run's seed.
  public var seed: UInt64
  /// Parameter tensors by name (`Parameters` slot names).
  public var parameters: [String: FloatTensor]
  /// Optimiser state arrays by name (`Optimizer.stateArrays`), and its step count.
  public var optimizerState: [String: [Float]]
  public var optimizerSteps: Int
  /// Other float arrays a phase needs to resume (e.g. the latent normalisation).
  public var extras: [String: FloatTensor]
  /// Other strings (provenance, data folder, ...). Keys beginning with "preset." or
  /// "training." are reserved.
  public var metadata: [String: String]

  public init(
    preset: ModelPreset, phase: String, epoch: Int, step: Int, seed: UInt64,
    parameters: [String: FloatTensor] = [:], optimizerState: [String: [Float]] = [:],
    optimizerSteps: Int = 0, extras: [String: FloatTensor] = [:], metadata: [String: String] = [:]
  ) {
    self.preset = preset
    self.phase = phase
    self.epoch = epoch
    self.step = step
    self.seed = seed
    self.parameters = parameters
    self.optimizerState = optimizerState
    self.optimizerSteps = optimizerSteps
    self.extras = extras
    self.metadata = metadata
  }

  // MARK: - Names inside the container

  public static let parameterPrefix = "param/"
  public static let optimizerPrefix = "optimizer/"
  public static let extraPrefix = "extra/"

  // MARK: - Encoding and decoding

  /// Nil when consistent, else one line (without a path).
  public func validationError() -> String? {
    if let e = preset.validationError { return "invalid preset: \(e)" }
    if phase.isEmpty { return "empty phase" }
    if epoch < 0 || step < 0 || optimizerSteps < 0 { return "negative epoch or step" }
    for key in metadata.keys.sorted(by: precedes)
    where key.hasPrefix("preset.") || key.hasPrefix("training.") {
      return "metadata key \(key) is reserved"
    }
    for (group, dict) in [("parameter", parameters), ("extra", extras)] {
      for name in dict.keys.sorted(by: precedes)
      where dict[name]!.shape.reduce(1, *) != dict[name]!.values.count {
        return "\(group) \(name) does not fill its shape"
      }
    }
    return nil
  }

  /// The file's bytes.
  public func encoded() throws(FileIOError) -> [UInt8] {
    if let e = validationError() { throw FileIOError(e) }
    var w = ContainerWriter(kind: .checkpoint)
    for (name, t) in parameters {
      w.addFloat32(Self.parameterPrefix + name, shape: t.shape, values: t.values)
    }
    for (name, values) in optimizerState {
      w.addFloat32(Self.optimizerPrefix + name, shape: [values.count], values: values)
    }
    for (name, t) in extras { w.addFloat32(Self.extraPrefix + name, shape: t.shape, values: t.values) }
    var m = metadata.merging(preset.metadataEntries) { _, presetValue in presetValue }
    m["training.phase"] = phase
    m["training.epoch"] = "\(epoch)"
    m["training.step"] = "\(step)"
    m["training.seed"] = "\(seed)"
    m["training.optimizer_steps"] = "\(optimizerSteps)"
    w.metadata = m
    return try w.encoded()
  }

  /// Validates and writes the checkpoint to `path` atomically (first removing the temporary
  /// files killed runs left for it).
  public func save(to path: String) throws(FileIOError) {
    let bytes: [UInt8]
    do { bytes = try encoded() } catch let e { throw FileIOError(path: path, e.message) }
    AtomicFileWriter.removeStaleTemporaries(of: path)
    try AtomicFile.write(bytes, to: path)
  }

  /// Reads and validates the checkpoint at `path`.
  public static func load(from path: String) throws(FileIOError) -> Checkpoint {
    try ContainerFile.read(path, as: .checkpoint) { (c) throws(FileIOError) in
      try Checkpoint(container: c, source: path)
    }
  }

  /// Decodes and validates checkpoint bytes; `source` names them in messages.
  public init(decoding bytes: [UInt8], source: String) throws(FileIOError) {
    self = try ContainerFile.read(bytes: bytes, source: source, as: .checkpoint) {
      (c) throws(FileIOError) in try Checkpoint(container: c, source: source)
    }
  }

  private init(container c: TensorContainer, source: String) throws(FileIOError) {
    var strings = c.metadataStrings
    func fail(_ problem: String) -> FileIOError { FileIOError(path: source, problem) }
    func number<T: FixedWidthInteger>(_ key: String, as: T.Type) throws(FileIOError) -> T {
      guard let v = strings[key] else { throw fail("missing metadata \(key)") }
      // decimal without sign or leading zero (docs/FORMAT.md): the one spelling T writes
      guard let n = T(v), n >= 0, String(n) == v else {
        throw fail("metadata \(key) is not a count: '\(v)'")
      }
      return n
    }
    do { preset = try ModelPreset(metadata: strings) } catch let e { throw fail(e.message) }
    guard let phase = strings["training.phase"] else { throw fail("missing metadata training.phase") }
    self.phase = phase
    epoch = try number("training.epoch", as: Int.self)
    step = try number("training.step", as: Int.self)
    seed = try number("training.seed", as: UInt64.self)
    optimizerSteps = try number("training.optimizer_steps", as: Int.self)
    for key in strings.keys where key.hasPrefix("preset.") || key.hasPrefix("training.") {
      strings[key] = nil
    }
    metadata = strings
    parameters = [:]
    optimizerState = [:]
    extras = [:]
    for t in c.tensors {
      let name = t.nameString
      guard t.dtype == .float32, let values = c.floatValues(t) else {
        throw fail("tensor \(name) is \(t.dtype.label); a checkpoint holds f32 only")
      }
      let tensor = FloatTensor(shape: t.shape.array, values: values)
      if name.hasPrefix(Self.parameterPrefix) {
        parameters[String(name.dropFirst(Self.parameterPrefix.count))] = tensor
      } else if name.hasPrefix(Self.optimizerPrefix) && t.shape.rank == 1 {
        optimizerState[String(name.dropFirst(Self.optimizerPrefix.count))] = values
      } else if name.hasPrefix(Self.extraPrefix) {
        extras[String(name.dropFirst(Self.extraPrefix.count))] = tensor
      } else {
        throw fail("unexpected tensor \(name) in a checkpoint")
      }
    }
    if let e = validationError() { throw fail(e) }
  }
}
