// swift-tools-version: 6.2
import PackageDescription

// MARK: - dancenet benchmarks
//
// A separate package so that the main package (and its CI) never builds package-benchmark.
// It depends on the main package by path and measures it in release builds; see README.md.

let package = Package(
  name: "dancenet-benchmarks",
  dependencies: [
    .package(name: "dancenet", path: ".."),
    .package(
      url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "SynthBenchmark",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "SynthDancer", package: "dancenet"),
      ],
      path: "Benchmarks/SynthBenchmark",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    .executableTarget(
      name: "TrainingBenchmark",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "Trainer", package: "dancenet"),
        .product(name: "SynthDancer", package: "dancenet"),
        .product(name: "FloatRandom", package: "dancenet"),
        .product(name: "Int8Runtime", package: "dancenet"),
      ],
      path: "Benchmarks/TrainingBenchmark",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    .executableTarget(
      name: "Int8RuntimeBenchmark",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "Int8Runtime", package: "dancenet"),
      ],
      path: "Benchmarks/Int8RuntimeBenchmark",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
  ]
)
