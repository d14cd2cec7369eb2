// swift-tools-version: 6.1
import PackageDescription

// MARK: - Targets
//
// Int8Runtime  standard library only; integer-only; Embedded-Swift clean (firmware-sim builds it).
// ImageIO      PNG through libpng's simplified png_image API (no longjmp crosses Swift frames).
// Trainer      float32 training; depends on Int8Runtime (RNG, presets, format definitions).
// Quantize     float -> int8 conversion and int8 storage accounting.
// dancenet     the command-line tool: argument parsing and wiring only.

let package = Package(
  name: "dancenet",
  products: [
    .executable(name: "dancenet", targets: ["dancenet"]),
    .library(name: "Int8Runtime", targets: ["Int8Runtime"]),
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
    .target(name: "Int8Runtime"),
    .target(name: "ImageIO", dependencies: ["CPNG"]),
    .target(
      name: "Trainer",
      dependencies: [
        "Int8Runtime", "ImageIO", "CBLAS", .product(name: "Numerics", package: "swift-numerics"),
      ]),
    .target(name: "Quantize", dependencies: ["Int8Runtime", "Trainer"]),
    .executableTarget(
      name: "dancenet",
      dependencies: [
        "Int8Runtime", "ImageIO", "Trainer", "Quantize",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Tests (one target per module, Swift Testing)
    .testTarget(name: "Int8RuntimeTests", dependencies: ["Int8Runtime"]),
    .testTarget(name: "ImageIOTests", dependencies: ["ImageIO"]),
    .testTarget(name: "TrainerTests", dependencies: ["Trainer", "Int8Runtime", "ImageIO"]),
    .testTarget(name: "QuantizeTests", dependencies: ["Quantize", "Int8Runtime"]),
    .testTarget(name: "CLITests", dependencies: ["dancenet", "ImageIO"]),
  ]
)
