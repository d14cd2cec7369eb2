import Benchmark
import SynthDancer

// MARK: - Synthetic dancer throughput
//
// Frames rendered per second in memory (pose, forward kinematics, anti-aliased rasterisation;
// no PNG encoding). One benchmark iteration renders one frame; the reported throughput is
// frames per second on one core.

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    timeUnits: .microseconds,
    maxDuration: .seconds(5),
    maxIterations: 100_000)

  let dancer = SyntheticDancer(seed: 1, frameCount: 20_000)

  Benchmark("synth frame (208x120, one core)") { benchmark in
    for i in benchmark.scaledIterations {
      blackHole(dancer.frame(at: i % dancer.frameCount))
    }
  }

  Benchmark("synth frame into a reused buffer (one core)") { benchmark in
    var pixels = [UInt8](repeating: 0, count: SyntheticDancer.width * SyntheticDancer.height)
    for i in benchmark.scaledIterations {
      pixels.withUnsafeMutableBufferPointer { dancer.render(frame: i % dancer.frameCount, into: $0) }
      blackHole(pixels)
    }
  }

  Benchmark(
    "synth 1000 frames in parallel (all cores)",
    configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(10), maxIterations: 50)
  ) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(dancer.frames(0..<1000))
    }
  }
}
