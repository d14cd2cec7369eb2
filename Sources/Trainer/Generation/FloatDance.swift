import FileAccess
import ImageIO
import Int8Runtime
import ModelFiles

// MARK: - FloatDance

/// `dancenet generate --float`: the float reference generator that the int8 path is measured
/// against. It primes the LSTM state on the stored primer latents of start `k`, feeds the start
/// latent, then at each frame samples the MDN (pi- and sigma-temperature, noise from
/// `DanceRandom(seed:)` in `MDNSampler`'s documented order), denormalises and decodes.
///
/// ```swift
/// let dance = try FloatDance.load(from: "runs/tiny/model.dnm")
/// try dance.generate(frames: 100, seed: 7, start: 0, piTemperature: 1, sigmaTemperature: 1) { i, frame in
///   try PNGFile.write(frame, to: "out/\(i + 1).png")
/// }
/// ```
public final class FloatDance {
  public let file: FloatModelFile
  public let vae: VAE<Float>
  public let sequence: SequenceModel<Float>
  public let normalizer: LatentNormalizer
  /// Whether the LSTM state is carried or reset every step (`sequence.mode`).
  public let mode: SequenceMode
  /// The sampling temperatures the model file recommends (`generation.*`; 1 and 1 when absent),
  /// what `generate` and `eval` use when not told otherwise.
  public let defaultTemperatures: SamplingTemperatures

  /// The generator of a loaded float model; `path` names the file in error messages.
  public init(model file: FloatModelFile, path: String) throws {
    self.file = file
    mode = try SequenceMode.recorded(in: file.metadata, path: path)
    try SequenceMode.refuseRetiredTarget(in: file.metadata, path: path)
    defaultTemperatures = try SamplingTemperatures(metadata: file.metadata, path: path)
    vae = try VAE<Float>(preset: file.preset, seed: 0)
    sequence = SequenceModel<Float>(preset: file.preset, seed: 0)
    try Self.assign(vae.parameters, from: file)
    try Self.assign(sequence.parameters, from: file)
    var arrays: [String: [Float]] = [:]
    for name in [LatentNormalizer.meanName, LatentNormalizer.stdName, LatentNormalizer.rotationName] {
      arrays[name] = file.tensors[name]?.values
    }
    do { normalizer = try LatentNormalizer(namedArrays: arrays) } catch {
      throw FileIOError(path: path, error.description)
    }
  }

  /// Loads the float model at `path` (a .dnm file) and builds its generator.
  public static func load(from path: String) throws -> FloatDance {
    try FloatDance(model: try FloatModelFile.load(from: path), path: path)
  }

  /// Copies the file's tensors into every slot of `p` (names and shapes were validated on load).
  static func assign(_ p: Parameters<Float>, from file: FloatModelFile) throws(FileIOError) {
    for s in p.slots {
      guard let t = file.tensors[s.name], t.shape == s.shape else {
        throw FileIOError("model lacks tensor \(s.name) of shape \(s.shape)")
      }
      p.values.replaceSubrange(s.range, with: t.values)
    }
  }

  /// Number of stored start latents (0 if the model has none).
  public var startCount: Int { file.tensors[FloatModelFile.startLatents]?.shape[0] ?? 0 }

  /// The primer of start `k`: its P preceding latents, then the start latent itself.
  public func primer(start k: Int) throws(FileIOError) -> [[Float]] {
    guard let z = file.tensors[FloatModelFile.startLatents], k >= 0, k < z.shape[0] else {
      throw FileIOError("start \(k) does not exist: the model stores \(startCount) start latents")
    }
    let D = file.preset.latentSize
    var out: [[Float]] = []
    if let p = file.tensors[FloatModelFile.startPrimers] {
      let P = p.shape[1]
      for i in 0..<P {
        let at = (k * P + i) * D
        out.append(Array(p.values[at..<(at + D)]))
      }
    }
    out.append(Array(z.values[(k * D)..<((k + 1) * D)]))
    return out
  }

  /// The raw latents of `frames` generated frames.
  public func latents(
    frames: Int, seed: UInt64, start: Int, piTemperature: Double, sigmaTemperature: Double
  ) throws -> [[Float]] {
    let sampler = try MDNSampler(
      layout: sequence.layout, piTemperature: piTemperature, sigmaTemperature: sigmaTemperature)
    var gen = try LatentGenerator(
      model: sequence, normalizer: normalizer, sampler: sampler, seed: seed,
      primer: primer(start: start), resetsStateEveryStep: mode == .stateless)
    return (0..<frames).map { _ in gen.next() }
  }

  /// Decodes latents to gray frames, in batches of 16.
  public func decode(_ latents: [[Float]]) -> [GrayImage] {
    let preset = file.preset
    var out: [GrayImage] = []
    var i = 0
    while i < latents.count {
      let batch = Array(latents[i..<min(latents.count, i + 16)])
      let pixels = vae.decode(batch.flatMap { $0 }, batch: batch.count)
      for b in 0..<batch.count {
        let base = b * preset.pixelsPerFrame
        let bytes = (0..<preset.pixelsPerFrame).map { j in
          UInt8((min(max(pixels[base + j], 0), 1) * 255).rounded())
        }
        out.append(GrayImage(width: preset.frameWidth, height: preset.frameHeight, pixels: bytes))
      }
      i += 16
    }
    return out
  }

  /// Generates and hands each frame to `emit` (0-based index) as soon as its batch is decoded.
  public func generate(
    frames: Int, seed: UInt64, start: Int, piTemperature: Double, sigmaTemperature: Double,
    emit: (Int, GrayImage) throws -> Void
  ) throws {
    let zs = try latents(
      frames: frames, seed: seed, start: start, piTemperature: piTemperature,
      sigmaTemperature: sigmaTemperature)
    var index = 0
    var i = 0
    while i < zs.count {
      for frame in decode(Array(zs[i..<min(zs.count, i + 64)])) {
        try emit(index, frame)
        index += 1
      }
      i += 64
    }
  }
}
