import FileAccess
import Foundation
import Int8Runtime
import ModelFiles

// MARK: - EncodePhase

/// `dancenet encode`: every frame of the dataset through the trained VAE encoder (`TrainedVAE`:
/// vae.ckpt, or model.dnm in a folder without one), keeping the latent mean (no sampling noise,
/// so the same frames always give the same latents), with the clip lengths and the held-out
/// split, in MODELDIR/latents.ckpt (`EncodedLatents`).
///
/// ```swift
/// let latents = try EncodePhase.run(dataset: data, in: dir)
/// latents.clips[0][17]   // the 128 (paper) or 32 (tiny) numbers of frame 18 of clip 1
/// ```
public enum EncodePhase {
  @discardableResult
  public static func run(dataset: FrameDataset, in dir: ModelDirectory, observer: PhaseObserver = .silent)
    throws -> EncodedLatents
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
    let latents = EncodedLatents(
      preset: vae.preset, seed: trained.seed, clips: clips, split: dataset.split, provenance: provenance)
    try latents.save(to: dir.latents)
    observer.log(
      "encoded \(dataset.frameCount) frames in \(clips.count) clip(s) with the VAE of "
        + "\(trained.path) to \(dir.latents)")
    return latents
  }
}
