import Foundation
import Int8Runtime
import SynthDancer
import Testing
import Trainer

// MARK: - The tiny preset learns a 16-frame clip (release builds only)

/// The whole tiny model overfits a 16-frame clip of the synthetic dancer within a few hundred
/// steps. The bars are baselines, not tuned numbers: the VAE must reconstruct the clip better
/// than the best constant picture (the clip's per-pixel mean), and the sequence model must
/// predict the next latent better than the marginal N(0, 1) of its normalised latents.
///
/// Paper-sized work belongs in release builds: run with
///     DANCENET_RELEASE_TESTS=1 swift test -c release -Xswiftc -enable-testing --filter TinyOverfit
/// (scripts/test.sh does).
@Suite(
  .enabled(
    if: ProcessInfo.processInfo.environment["DANCENET_RELEASE_TESTS"] == "1",
    "needs a release build: set DANCENET_RELEASE_TESTS=1 and build with -c release (scripts/test.sh)"))
struct TinyOverfitTests {
  static let clip = SyntheticDancer(seed: 21, frameCount: 16, fps: 10).frames().map(\.pixels)

  /// BCE summed over pixels of predicting every frame by the clip's per-pixel mean.
  static func meanPictureBCE(_ frames: [[UInt8]]) -> Double {
    let n = Double(frames.count)
    var total = 0.0
    for i in 0..<frames[0].count {
      let targets = frames.map { Double($0[i]) / 255 }
      let p = min(max(targets.reduce(0, +) / n, 1e-7), 1 - 1e-7)
      for t in targets { total -= t * log(p) + (1 - t) * log(1 - p) }
    }
    return total / n
  }

  @Test func tinyModelLearnsASixteenFrameClip() throws {
    let preset = ModelPreset.tiny
    let vae = try VAE<Float>(preset: preset, seed: 1)
    let trainer = try VAETrainer(
      model: vae,
      options: VAETrainingOptions(batchSize: 16, optimizer: .adam, learningRate: 2e-3, seed: 1))
    for _ in 0..<300 { try trainer.trainEpoch(frames: Self.clip) }
    let baseline = Self.meanPictureBCE(Self.clip)
    let pixels = Self.clip.flatMap { $0.map { Float($0) / 255 } }
    let bce = vae.meanLoss(pixels, batch: 16).bce
    #expect(bce < baseline, "reconstruction BCE \(bce) vs mean-picture baseline \(baseline)")

    // The sequence model on the clip's latents, stateful, a few hundred Adam steps.
    let latents = vae.latentMeans(of: Self.clip)
    let model = SequenceModel<Float>(preset: preset, seed: 1)
    var options = SequenceTrainer<Float>.Options()
    options.windowLength = 15
    options.streams = 1
    options.learningRate = 2e-3
    options.seed = 1
    var seq = try SequenceTrainer(model: model, trainingClips: [latents], options: options)
    for e in 0..<300 { _ = try seq.trainEpoch(e) }
    let nll = try seq.evaluate(heldOut: [latents], mode: .stateful)
    let marginal = Double(preset.latentSize) * 0.5 * log(2 * Double.pi * M_E)
    print("tiny overfit: BCE \(bce) vs mean-picture \(baseline); NLL \(nll) vs marginal \(marginal)")
    #expect(nll < marginal, "NLL per step \(nll) vs marginal N(0,1) \(marginal)")
  }
}
