import FileAccess
import Foundation
import Int8Runtime
import ModelFiles

// MARK: - EncodePhase

/// `dancenet encode`: every frame of the dataset through the trained VAE encoder (`TrainedVAE`:
/// vae.ckpt, or model.dnm in a folder without one), keeping the latent mean (no sampling noise, so the same frames always give the same latents), with the
/// clip lengths and the held-out split, in MODELDIR/latents.ckpt.
///
/// ```swift
/// let latents = try EncodePhase.run(dataset: data, in: dir)
/// latents.clips[0][17]   // the 128 (paper) or 32 (tiny) numbers of frame 18 of clip 1
/// ```
public enum EncodePhase {
  public static let phase = "latents"

  /// Encoded clips plus their split.
  public struct Latents: Sendable {
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
  }

  @discardableResult
  public static func run(dataset: FrameDataset, in dir: ModelDirectory, observer: PhaseObserver = .silent)
    throws -> Latents
  {
    let trained = try TrainedVAE.load(from: dir)
    let vae = trained.vae
    guard vae.preset.frameWidth == dataset.clips.first?.first?.width,
      vae.preset.frameHeight == dataset.clips.first?.first?.height
    else { throw FileIOError("\(dataset.folder): frames do not match the model's frame size") }
    var clips: [[[Float]]] = []
    for clip in dataset.clips {
      clips.append(vae.latentMeans(of: clip.map(\.pixels)))
    }
    var provenance = trained.provenance
    // The latents may come from another folder than the VAE's training frames (a longer dance
    // for the sequence model): `data` names the latents' folder, `vae_data` the VAE's.
    if let vaeData = provenance["provenance.data"] { provenance["provenance.vae_data"] = vaeData }
    provenance["provenance.data"] = dataset.folder
    provenance["provenance.frames"] = String(dataset.frameCount)
    provenance["provenance.training_frames"] = String(dataset.split.trainFrameCount)
    provenance["provenance.heldout_frames"] = String(dataset.split.heldOutFrameCount)
    let latents = Latents(
      preset: vae.preset, seed: trained.seed, clips: clips, split: dataset.split, provenance: provenance)
    try save(latents, to: dir.latents)
    observer.log(
      "encoded \(dataset.frameCount) frames in \(clips.count) clip(s) with the VAE of "
        + "\(trained.path) to \(dir.latents)")
    return latents
  }

  // MARK: - File

  static func save(_ l: Latents, to path: String) throws {
    let D = l.preset.latentSize
    let n = l.clips.reduce(0) { $0 + $1.count }
    var ckpt = Checkpoint(preset: l.preset, phase: phase, epoch: 0, step: 0, seed: l.seed)
    ckpt.extras["latents"] = FloatTensor(shape: [n, D], values: l.clips.flatMap { $0.flatMap { $0 } })
    ckpt.metadata = l.provenance
    ckpt.metadata["data.clip_lengths"] = l.clips.map { String($0.count) }.joined(separator: ",")
    ckpt.metadata["data.heldout_percent"] = String(l.split.heldOutPercent)
    try ckpt.save(to: path)
  }

  /// Reads MODELDIR/latents.ckpt.
  public static func load(from dir: ModelDirectory) throws -> Latents {
    let path = dir.latents
    guard dir.exists(path) else { throw FileIOError("\(path): not found (run encode first)") }
    let ckpt = try Checkpoint.load(from: path)
    guard ckpt.phase == phase, let t = ckpt.extras["latents"],
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
    return Latents(
      preset: ckpt.preset, seed: ckpt.seed, clips: clips,
      split: ClipSplit(clipLengths: lengths, heldOutPercent: percent),
      provenance: ckpt.metadata.filter { $0.key.hasPrefix("provenance.") })
  }
}
