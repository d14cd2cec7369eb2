import Benchmark
import FloatRandom
import Int8Runtime
import SynthDancer
import Trainer

// MARK: - Training speed
//
// The figures the issues ask for:
//   VAE: one iteration = one optimisation step at batch 32; images/s = 32 x iterations/s
//        (yardstick for paper: Keras 3 / TensorFlow on this CPU, about 16.5 images/s)
//   sequence model: one iteration = one epoch over 1,024 pairs (16 streams x 64 steps);
//                   latents/s = 1,024 x iterations/s, window-updates/s = latents/s / 1,024

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput],
    timeUnits: .milliseconds,
    warmupIterations: 1,
    maxDuration: .seconds(20),
    maxIterations: 20)

  for preset in [ModelPreset.paper, .tiny] {
    Benchmark("VAE training step, \(preset.name), batch 32") { benchmark in
      // One epoch over exactly 32 frames is one step (forward, backward, RMSprop update), run
      // through VAETrainer so that the whole step is the Float-specialised code training uses.
      let vae = try VAE<Float>(preset: preset, seed: 1)
      let trainer = try VAETrainer(model: vae, options: VAETrainingOptions(batchSize: 32, seed: 1))
      let frames = SyntheticDancer(seed: 1, frameCount: 32).frames().map(\.pixels)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        blackHole(try trainer.trainEpoch(frames: frames))
      }
    }

    Benchmark("sequence training epoch of 1,024 pairs, \(preset.name), 16 streams x 64 steps") {
      benchmark in
      let model = SequenceModel<Float>(preset: preset, seed: 1)
      let D = preset.latentSize
      var rng = DanceRandom(seed: 2)
      // 16 x 64 + 1 latents: one epoch trains on 1,024 pairs (one or two updates, depending on
      // the epoch's random stream offset), so latents/s = 1,024 x iterations/s.
      let clip: [[Float]] = (0..<(16 * 64 + 1)).map { _ in (0..<D).map { _ in DanceRandomFloats.gaussian(&rng) } }
      var options = SequenceTrainer<Float>.Options()
      options.streams = 16
      options.windowLength = 64
      options.seed = 1
      var trainer = try SequenceTrainer(model: model, trainingClips: [clip], options: options)
      benchmark.startMeasurement()
      for i in benchmark.scaledIterations {
        blackHole(try trainer.trainEpoch(i))
      }
    }
  }
}
