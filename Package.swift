// swift-tools-version: 6.2
import Foundation
import PackageDescription

// MARK: - Module map (data flows down; each module may depend only on those above it)
//
//   Int8Runtime    the contracts every side shares: container reader and format constants,
//                  presets and layer specs, MDN layout, DanceRandom; the integer path.
//                  Standard library only, integer-only, Embedded-Swift clean (firmware-sim).
//   FloatRandom    float views of DanceRandom's draws, for the float side. <- Int8Runtime
//   FileAccess     POSIX file access with one-line errors: atomic writes, whole-file reads,
//                  read-only memory maps. Foundation only.
//   ImageIO        PNG through libpng's simplified API, images, plots, contact sheets.
//                  <- FileAccess, system libpng
//   ModelFiles     container writer, float16 storage, the float model file, checkpoints.
//                  <- Int8Runtime, FileAccess (no BLAS, no training code)
//   SynthDancer    the built-in synthetic dancer (the training data's kind).
//                  <- Int8Runtime, FloatRandom, ImageIO
//   Trainer        float32 tensors, layers (forward + backward), losses, optimisers, datasets,
//                  training phases, the float generator. <- all modules above but
//                  SynthDancer; OpenBLAS
//   Evaluation     image and dance measures, eval reports. <- Trainer, ModelFiles, ImageIO
//   Quantize       calibration, float -> int8 conversion, int8 writer, accuracy report.
//                  <- Trainer, Evaluation, ModelFiles, Int8Runtime, ImageIO
//   dancenet       the command-line tool, one file per command: parsing and wiring, no maths.

/// How the integer runtime's inner loops are vectorised (docs/RUNTIME.md, "Speed"):
/// - portable (the default): the x86-64 baseline (SSE2) cost model picks narrow vectors for the
///   widening multiply-adds; 32 lanes measured a paper frame at 35 ms instead of 51 ms;
/// - `DANCENET_TARGET_CPU=native swift build -c release`: this machine's CPU (AVX2 / AVX-512
///   multiply-adds), the compiler's own widths (12 ms on the same machine).
/// `DANCENET_VECTOR_WIDTH=N` overrides the width, for experiments; `DANCENET_VECTOR_WIDTH=none`
/// drops the flag. These are unsafe flags, which SwiftPM refuses in a package that is a
/// dependency by version: a package depending on dancenet that way builds with
/// `DANCENET_VECTOR_WIDTH=none` (same bytes, slower portable loops). The firmware build
/// (firmware-sim) compiles the same files with its own flags and none of these.
/// With `native` on a CPU with 512-bit vectors (AVX-512: 32 registers; `avx512bw` in
/// /proc/cpuinfo), the sub-pixel sums keep 16 channels per vector (`PhaseSums.wideLanes`, the
/// compilation condition `DANCENET_WIDE_LANES`); elsewhere, 4 channels per 128-bit vector, which
/// is faster on SSE2 and AVX2. `DANCENET_WIDE_LANES=1` or `=0` overrides the detection.
let targetCPU = Context.environment["DANCENET_TARGET_CPU"]
let wideLanes: Bool = {
  if let setting = Context.environment["DANCENET_WIDE_LANES"] { return setting == "1" }
  guard targetCPU == "native", let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
    return false
  }
  return cpu.contains(" avx512bw")
}()
let widthSetting = Context.environment["DANCENET_VECTOR_WIDTH"] ?? (targetCPU == nil ? "32" : nil)
let vectorWidth = widthSetting == "none" ? nil : widthSetting
let runtimeSettings: [SwiftSetting] =
  (targetCPU.map { [.unsafeFlags(["-target-cpu", $0])] } ?? [])
  + (vectorWidth.map { [.unsafeFlags(["-Xllvm", "-force-vector-width=\($0)"])] } ?? [])
  + (wideLanes ? [.define("DANCENET_WIDE_LANES")] : [])

let package = Package(
  name: "dancenet",
  products: [
    .executable(name: "dancenet", targets: ["dancenet"]),
    .library(name: "Int8Runtime", targets: ["Int8Runtime"]),
    .library(name: "FloatRandom", targets: ["FloatRandom"]),
    .library(name: "SynthDancer", targets: ["SynthDancer"]),
    .library(name: "Trainer", targets: ["Trainer"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
      providers: [.apt(["libpng-dev"])]),
    .systemLibrary(
      name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),
    .target(name: "Int8Runtime", exclude: ["README.md"], swiftSettings: runtimeSettings),
    .target(name: "FloatRandom", dependencies: ["Int8Runtime"], exclude: ["README.md"]),
    .target(name: "FileAccess", exclude: ["README.md"]),
    .target(name: "ImageIO", dependencies: ["CPNG", "FileAccess"], exclude: ["README.md"]),
    .target(
      name: "ModelFiles", dependencies: ["Int8Runtime", "FileAccess"], exclude: ["README.md"]),
    .target(
      name: "SynthDancer", dependencies: ["Int8Runtime", "FloatRandom", "ImageIO"],
      exclude: ["README.md"]),
    .target(
      name: "Trainer",
      dependencies: [
        "Int8Runtime", "FloatRandom", "FileAccess", "ModelFiles", "ImageIO", "CBLAS",
        .product(name: "Numerics", package: "swift-numerics"),
      ], exclude: ["README.md"]),
    .target(
      name: "Evaluation",
      dependencies: ["Int8Runtime", "FileAccess", "ModelFiles", "ImageIO", "Trainer"],
      exclude: ["README.md"]),
    .target(
      name: "Quantize",
      dependencies: ["Int8Runtime", "FileAccess", "ModelFiles", "Trainer", "Evaluation", "ImageIO"],
      exclude: ["README.md"]),
    .executableTarget(
      name: "dancenet",
      dependencies: [
        "Int8Runtime", "FileAccess", "ImageIO", "ModelFiles", "SynthDancer", "Trainer",
        "Evaluation", "Quantize",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ], exclude: ["README.md"]),

    // MARK: - Tests (one target per module, Swift Testing; shared helpers in TestSupport)
    .target(
      name: "TestSupport", dependencies: ["Trainer", "FloatRandom", "FileAccess"], path: "Tests/TestSupport"),
    // Test-only: malloc & co. forwarded to glibc with per-thread allocation counts (only
    // Int8RuntimeTests uses it; the interposed allocator behaves as glibc's for everyone else).
    .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
    .testTarget(name: "Int8RuntimeTests", dependencies: ["Int8Runtime", "AllocationCounter"]),
    .testTarget(name: "FileAccessTests", dependencies: ["FileAccess", "TestSupport"]),
    .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "FileAccess"]),
    .testTarget(
      name: "ModelFilesTests",
      dependencies: [
        "ModelFiles", "Int8Runtime", "FloatRandom", "FileAccess", "Trainer", "TestSupport",
      ]),
    .testTarget(
      name: "SynthDancerTests", dependencies: ["SynthDancer", "Int8Runtime", "ImageIO"]),
    .testTarget(
      name: "TrainerTests",
      dependencies: [
        "Trainer", "Int8Runtime", "FloatRandom", "ModelFiles", "FileAccess", "ImageIO",
        "SynthDancer", "TestSupport",
      ]),
    .testTarget(
      name: "EvaluationTests",
      dependencies: [
        "Evaluation", "Trainer", "ModelFiles", "Int8Runtime", "FloatRandom", "FileAccess",
        "ImageIO", "SynthDancer", "TestSupport",
      ]),
    .testTarget(
      name: "QuantizeTests",
      dependencies: [
        "Quantize", "Int8Runtime", "Trainer", "ModelFiles", "FileAccess", "SynthDancer",
        "Evaluation", "ImageIO", "TestSupport",
      ]),
    .testTarget(
      name: "CLITests",
      dependencies: ["dancenet", "Int8Runtime", "ModelFiles", "ImageIO", "FileAccess", "TestSupport"]),
  ]
)
