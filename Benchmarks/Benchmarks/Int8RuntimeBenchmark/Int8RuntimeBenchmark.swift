import Benchmark
import Foundation
import Int8Runtime

// MARK: - Int8 runtime speed
//
// The figures issue 13 asks for, per frame, on one thread, for the shipped int8 models:
//   sequence step + MDN sample (`nextLatent`), decode (latent -> 120 rows of pixels), and the
//   whole frame (both). Frames per second = iterations per second of the whole-frame benchmark.
//   Effective MAC/s = the frame's multiply-accumulates (README) x frames per second.
// Speed is a ratio against TensorFlow Lite int8 with XNNPACK run beside it:
//   ../shared/yardstick (README there), decoder + one sequence step.
// mallocCountTotal must read 0: the streaming runtime allocates nothing after load.

/// An int8 model file read into 16-byte aligned memory that lives as long as the process.
func loadModel(_ relativePath: String) -> Int8Model {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../..").standardizedFileURL
  let path = root.appendingPathComponent(relativePath).path
  guard let data = FileManager.default.contents(atPath: path) else { fatalError("cannot read \(path)") }
  let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 16)
  data.withUnsafeBytes { storage.copyMemory(from: $0) }
  do { return try Int8Model(UnsafeRawBufferPointer(storage)) } catch { fatalError("\(path): \(error)") }
}

/// A sink that keeps a checksum of the rows, so no work is optimised away.
struct ChecksumSink: FrameRowSink {
  var sum: UInt64 = 0
  mutating func take(row y: Int, pixels: UnsafeBufferPointer<UInt8>) {
    for p in pixels { sum = sum &* 31 &+ UInt64(p) }
  }
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    timeUnits: .microseconds,
    warmupIterations: 3,
    maxDuration: .seconds(5),
    maxIterations: 10_000)

  for name in ["paper", "tiny"] {
    let model = loadModel("models/\(name)/model-int8.dnm")
    let plan = StreamingPlan(model: model)
    let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: plan.totalBytes, alignment: 16)
    let phases = model.subPixelPhases.allSatisfy { $0 != nil } ? "sub-pixel" : "3x3"
    let label = "\(name) (\(phases), arena \(plan.totalBytes) B)"

    Benchmark("\(label): whole frame") { benchmark in
      var gen = try StreamingGenerator(model: model, seed: 1, arena: arena)
      var sink = ChecksumSink()
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations { gen.nextFrame(&sink) }
      blackHole(sink.sum)
    }

    Benchmark("\(label): sequence step + sample") { benchmark in
      var gen = try StreamingGenerator(model: model, seed: 1, arena: arena)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations { gen.nextLatent() }
      blackHole(gen.lastComponent)
    }

    Benchmark("\(label): decode") { benchmark in
      var gen = try StreamingGenerator(model: model, seed: 1, arena: arena)
      gen.nextLatent()
      var latent = Array(gen.currentLatent)
      var sink = ChecksumSink()
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        latent.withUnsafeBufferPointer { gen.decode(latent: $0, &sink) }
      }
      blackHole(sink.sum)
      latent[0] = 0
    }
  }
}
