import Benchmark
import Int8Runtime
import Trainer

// MARK: - Training speed
//
// One iteration = one optimisation step. Throughput is steps per second; multiply by the batch
// (VAE: images per step) or by streams x window (sequence model: latents per step) for the
// figures the issues ask for:
//   VAE paper, batch 32:            images/s = 32 x steps/s   (Keras 3 / TensorFlow CPU: ~16.5)
//   sequence paper, 16 x 64 window: windows/s = steps/s (each step is 16 streams x 64 latents)

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput],
    timeUnits: .milliseconds,
    warmupIterations: 1,
    maxDuration: .seconds(20),
    maxIterations: 20)

  for preset in [ModelPreset.paper, .tiny] {
    Benchmark("VAE training step, \(preset.name), batch 32") { benchmark in
      let vae = try VAE<Float>(preset: preset, seed: 1)
      let dancer = SyntheticDancer(seed: 1, frameCount: 32)
      let pixels = dancer.frames().flatMap { $0.pixels.map { Float($0) / 255 } }
      var rms = RMSprop<Float>(count: vae.parameters.count, learningRate: 1e-3)
      var rng = DanceRandom(seed: 1)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        blackHole(try vae.lossAndGradients(pixels, batch: 32, rng: &rng))
        rms.step(vae.parameters)
      }
    }

    Benchmark("sequence training step, \(preset.name), 16 streams x 64 steps") { benchmark in
      let model = SequenceModel<Float>(preset: preset, seed: 1)
      let D = preset.latentSize
      var rng = DanceRandom(seed: 2)
      // 16 x 64 + 1 latents: one epoch is exactly one update over 16 streams of 64 steps.
      let clip: [[Float]] = (0..<(16 * 64 + 1)).map { _ in (0..<D).map { _ in DanceRandomFloats.gaussian(&rng) } }
      var options = SequenceTrainer<Float>.Options()
      options.seed = 1
      var trainer = try SequenceTrainer(model: model, trainingClips: [clip], options: options)
      benchmark.startMeasurement()
      for i in benchmark.scaledIterations {
        let report = try trainer.trainEpoch(i)
        precondition(report.steps == 1, "expected one update per epoch, got \(report.steps)")
        blackHole(report)
      }
    }
  }
}
