import Foundation
import Int8Runtime
import Testing
import Trainer

// MARK: - Paper VAE training speed (opt-in)

/// Prints the paper VAE's training speed at batch 32, and the time of each convolution.
/// Opt-in because it needs a release build and a quiet machine (the test target uses
/// `@testable import`, hence `-enable-testing`):
///
///     DANCENET_BENCH=1 swift test -c release -Xswiftc -enable-testing \
///       --scratch-path .build-rel --filter VAEBenchmarkTests
///
/// `DANCENET_BENCH_STEPS` sets the number of timed steps (default 4). For the per-layer table
/// add `OPENBLAS_NUM_THREADS=1`: a training step runs two half-batches at once, each with
/// single-threaded BLAS (`DataParallel`), and the table times one half-batch (16 images).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["DANCENET_BENCH"] == "1"))
struct VAEBenchmarkTests {
  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }

  @Test func paperTrainingExamplesPerSecond() throws {
    let preset = ModelPreset.paper
    let batch = 32
    let steps = Int(ProcessInfo.processInfo.environment["DANCENET_BENCH_STEPS"] ?? "") ?? 4
    let frames = VAEBenchmarkTests.frames(batch * steps, preset: preset)
    let vae = try VAE<Float>(preset: preset, seed: 1)
    let trainer = try VAETrainer(model: vae, options: VAETrainingOptions(batchSize: batch, seed: 1))
    try trainer.trainEpoch(frames: Array(frames[..<batch]))  // warm-up: buffers, threads
    var last = 0.0
    var best = 0.0
    var previous = (wall: ContinuousClock.now, cpu: Self.processCPUSeconds())
    var cpuTotal = 0.0
    try trainer.trainEpoch(frames: frames) { progress in
      let now = (wall: ContinuousClock.now, cpu: Self.processCPUSeconds())
      let stepRate = Double(batch) / Self.seconds(now.wall - previous.wall)
      let cpu = now.cpu - previous.cpu
      cpuTotal += cpu
      previous = now
      last = progress.examplesPerSecond
      best = max(best, stepRate)
      print(
        "VAE paper batch \(batch) step \(progress.step + 1)/\(progress.stepsPerEpoch): "
          + "loss \(progress.loss.total), this step \(String(format: "%.1f", stepRate)) images/s, "
          + "\(String(format: "%.2f", cpu)) CPU-seconds")
    }
    // On a busy machine the wall-clock rate falls with the other load; images per CPU-second
    // x 2 cores is what the two cores would give if they were free (an upper estimate: the
    // short single-threaded parts of a step use one core).
    print(
      "VAE paper training: \(String(format: "%.1f", last)) images/s over \(steps) steps, "
        + "best step \(String(format: "%.1f", best)) images/s, "
        + "\(String(format: "%.1f", 2 * Double(batch * steps) / cpuTotal)) images per 2 "
        + "CPU-seconds (batch \(batch))")
    #expect(last > 0)
  }

  /// CPU time used by all threads of this process so far.
  static func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
  }

  /// Each paper convolution with both strategies at batch 16 (one training part); run with
  /// OPENBLAS_NUM_THREADS=1 to see what one part's thread sees. Encoder layers use the fused
  /// pooling forms, as in training.
  @Test func paperConvolutionTimes() throws {
    let reference = try VAE<Float>(preset: .paper, seed: 1)
    let batch = 16
    let clock = ContinuousClock()
    let encoder = Set(reference.encoderConvs.map(\.kernel.name))
    for layer in reference.encoderConvs + reference.decoderConvs {
      for strategy in [ConvolutionStrategy.im2col, .tapProducts] {
        let p = Parameters<Float>()
        var rng = DanceRandom(seed: 1)
        let conv = Conv3x3(
          "c", rows: layer.inputRows, cols: layer.inputCols, inChannels: layer.inChannels,
          outChannels: layer.outChannels, activation: layer.activation,
          upsampleInput: layer.upsampleInput, strategy: strategy, in: p, rng: &rng)
        let pooled = encoder.contains(layer.kernel.name)
        let x = [Float](repeating: 0.5, count: batch * conv.inputCount)
        let outCount = batch * (pooled ? conv.pooledCount : conv.outputCount)
        var y = [Float](repeating: 0, count: outCount)
        var argmax = [UInt8](repeating: 0, count: outCount)
        var dx = [Float](repeating: 0, count: x.count)
        let dy = [Float](repeating: 0.01, count: outCount)
        var (forward, backward) = (Double.infinity, Double.infinity)
        for _ in 0..<2 {
          let t0 = clock.now
          if pooled {
            conv.forwardPooled(x, into: &y, argmax: &argmax, batch: batch, p)
          } else {
            conv.forward(x, into: &y, batch: batch, p)
          }
          let t1 = clock.now
          if pooled {
            // The first layer needs no input gradient (as in training).
            dx.withUnsafeMutableBufferPointer { pdx in
              conv.backwardPooled(
                dy, input: x, pooled: y, argmax: argmax,
                inputGradient: conv.inChannels == 1 ? nil : pdx.baseAddress!, batch: batch, p)
            }
          } else {
            conv.backward(dy, input: x, output: y, inputGradient: &dx, batch: batch, p)
          }
          let t2 = clock.now
          forward = min(forward, Self.seconds(t1 - t0))
          backward = min(backward, Self.seconds(t2 - t1))
        }
        let taps = conv.upsampleInput ? 16 : 9
        let flops = 2.0 * Double(batch * conv.inputRows * conv.inputCols * taps)
          * Double(conv.inChannels * conv.outChannels)
        print(
          String(
            format: "%@ %3d->%-3d at %3dx%-3d%@ %@: forward %6.1f ms (%5.1f GFLOP/s), "
              + "backward %6.1f ms (%5.1f GFLOP/s)",
            layer.kernel.name, conv.inChannels, conv.outChannels, conv.inputRows,
            conv.inputCols, conv.upsampleInput ? " up" : (pooled ? " pool" : ""),
            "\(strategy)", forward * 1e3, flops / forward / 1e9, backward * 1e3,
            2 * flops / backward / 1e9))
      }
    }
  }

  static func frames(_ count: Int, preset: ModelPreset) -> [[UInt8]] {
    var rng = DanceRandom(seed: 5)
    return (0..<count).map { _ in
      (0..<preset.pixelsPerFrame).map { _ in rng.next(below: 4) == 0 ? 0 : 255 }
    }
  }
}
