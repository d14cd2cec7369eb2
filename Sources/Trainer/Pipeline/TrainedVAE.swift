import FileAccess
import Foundation
import Int8Runtime
import ModelFiles

// MARK: - TrainedVAE

/// The trained VAE of a model folder, wherever it lives: MODELDIR/vae.ckpt while training, or
/// the encoder and decoder inside MODELDIR/model.dnm in a shipped folder (which has no
/// checkpoints). What `encode`, `train-seq` and `eval` share; none of them calls another phase.
///
/// ```swift
/// let trained = try TrainedVAE.load(from: ModelDirectory("models/paper"))
/// trained.path                                  // "models/paper/model.dnm" (no vae.ckpt there)
/// let z = trained.vae.latentMeans(of: frames)   // [frames.count][128]
/// ```
public struct TrainedVAE {
  public let vae: VAE<Float>
  /// The file it was read from (vae.ckpt or model.dnm).
  public let path: String
  /// The VAE's training seed (a model file's `provenance.seed`; 0 when it records none).
  public let seed: UInt64
  /// The VAE's provenance: `provenance.data` is the folder the VAE trained on (a model file's
  /// `provenance.vae_data` when it has one), plus `provenance.vae_epochs` when known; from a
  /// checkpoint also its other `provenance.*` keys (never a duration: `SequencePhase.durationKeys`).
  public let provenance: [String: String]

  /// vae.ckpt when the folder has one, else model.dnm's VAE; one line when it has neither.
  public static func load(from dir: ModelDirectory) throws -> TrainedVAE {
    if dir.exists(dir.vaeCheckpoint) { return try checkpoint(dir.vaeCheckpoint) }
    if dir.exists(dir.model) { return try modelFile(dir.model) }
    throw FileIOError(path: dir.vaeCheckpoint, "not found, nor is model.dnm (run train-vae first)")
  }

  /// The VAE of a `train-vae` checkpoint.
  public static func checkpoint(_ path: String) throws -> TrainedVAE {
    let ckpt = try Checkpoint.load(from: path)
    if ckpt.phase != VAEPhase.phase {
      throw FileIOError(path: path, "is a \(ckpt.phase) checkpoint, not \(VAEPhase.phase)")
    }
    let vae = try VAE<Float>(preset: ckpt.preset, seed: ckpt.seed)
    try ckpt.restore(into: vae.parameters)
    var provenance = ckpt.metadata.filter { $0.key.hasPrefix("provenance.") }
    for key in SequencePhase.durationKeys { provenance[key] = nil }
    provenance["provenance.vae_epochs"] = String(ckpt.epoch)
    return TrainedVAE(vae: vae, path: path, seed: ckpt.seed, provenance: provenance)
  }

  /// The encoder and decoder stored in a float model file.
  public static func modelFile(_ path: String) throws -> TrainedVAE {
    let file = try FloatModelFile.load(from: path)
    let vae = try VAE<Float>(preset: file.preset, seed: 0)
    do {
      try FloatDance.assign(vae.parameters, from: file)
    } catch {
      throw FileIOError(path: path, error.problem)
    }
    let m = file.metadata
    var provenance: [String: String] = [:]
    provenance["provenance.data"] = m["provenance.vae_data"] ?? m["provenance.data"]
    provenance["provenance.vae_epochs"] = m["provenance.vae_epochs"]
    return TrainedVAE(
      vae: vae, path: path, seed: m["provenance.seed"].flatMap { UInt64($0) } ?? 0,
      provenance: provenance)
  }
}

// MARK: - Encoding frames

extension VAE where Scalar == Float {
  /// The latent means of gray frames (bytes, value / 255 is the input), in batches of 32: no
  /// sampling noise, so the same frames always give the same latents.
  ///
  /// ```swift
  /// let z = vae.latentMeans(of: [frame.pixels])   // [[Float]] of 1 x latentSize
  /// ```
  public func latentMeans(of frames: [[UInt8]]) -> [[Float]] {
    let D = preset.latentSize
    var out: [[Float]] = []
    out.reserveCapacity(frames.count)
    var start = 0
    while start < frames.count {
      let members = frames[start..<min(frames.count, start + 32)]
      let pixels = members.flatMap { $0.map { Float($0) / 255 } }
      let mean = encode(pixels, batch: members.count).mean
      for b in 0..<members.count { out.append(Array(mean[(b * D)..<((b + 1) * D)])) }
      start += 32
    }
    return out
  }
}
