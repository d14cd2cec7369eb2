import FileAccess
import Int8Runtime
import ModelFiles

// MARK: - EncodedLatents

/// The latent mean of every frame of a dataset, clip by clip, with the clip split and the VAE's
/// provenance: MODELDIR/latents.ckpt, which `encode` writes (`EncodePhase`) and `train-seq`
/// reads (`SequencePhase`).
///
/// ```swift
/// let latents = try EncodedLatents.load(from: ModelDirectory("runs/tiny"))
/// latents.trainingClips[0].count   // frames of clip 1 before its held-out tail
/// ```
public struct EncodedLatents: Sendable {
  /// The checkpoint phase name of latents.ckpt.
  public static let checkpointPhase = "latents"

  public var preset: ModelPreset
  public var seed: UInt64
  public var clips: [[[Float]]]
  public var split: ClipSplit
  public var provenance: [String: String]

  public var trainingClips: [[[Float]]] {
    zip(clips, split.trainRanges).map { Array($0[$1]) }
  }
  public var heldOutClips: [[[Float]]] {
    zip(clips, split.heldOutRanges).map { Array($0[$1]) }
  }

  // MARK: - File

  /// Writes latents.ckpt: one [frames, D] tensor, the clip lengths and the held-out percent.
  public func save(to path: String) throws {
    let D = preset.latentSize
    let n = clips.reduce(0) { $0 + $1.count }
    var ckpt = Checkpoint(preset: preset, phase: Self.checkpointPhase, epoch: 0, step: 0, seed: seed)
    ckpt.extras["latents"] = FloatTensor(shape: [n, D], values: clips.flatMap { $0.flatMap { $0 } })
    ckpt.metadata = provenance
    ckpt.metadata["data.clip_lengths"] = clips.map { String($0.count) }.joined(separator: ",")
    ckpt.metadata["data.heldout_percent"] = String(split.heldOutPercent)
    try ckpt.save(to: path)
  }

  /// Reads MODELDIR/latents.ckpt.
  public static func load(from dir: ModelDirectory) throws -> EncodedLatents {
    let path = dir.latents
    guard dir.exists(path) else { throw FileIOError("\(path): not found (run encode first)") }
    let ckpt = try Checkpoint.load(from: path)
    guard ckpt.phase == checkpointPhase, let t = ckpt.extras["latents"],
      let lengths = ckpt.metadata["data.clip_lengths"]?.split(separator: ",").compactMap({ Int($0) }),
      let percent = ckpt.metadata["data.heldout_percent"].flatMap(Int.init),
      (0..<100).contains(percent), t.shape.count == 2, t.shape[1] == ckpt.preset.latentSize,
      lengths.reduce(0, +) == t.shape[0], lengths.allSatisfy({ $0 > 0 })
    else { throw FileIOError("\(path): not a latents file of this model (damaged or wrong kind)") }
    let D = t.shape[1]
    var clips: [[[Float]]] = []
    var row = 0
    for len in lengths {
      clips.append((row..<(row + len)).map { Array(t.values[($0 * D)..<(($0 + 1) * D)]) })
      row += len
    }
    return EncodedLatents(
      preset: ckpt.preset, seed: ckpt.seed, clips: clips,
      split: ClipSplit(clipLengths: lengths, heldOutPercent: percent),
      provenance: ckpt.metadata.filter { $0.key.hasPrefix("provenance.") })
  }
}
