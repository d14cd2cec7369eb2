import Int8Runtime
import ModelFiles
import TestSupport
import Trainer

@testable import Quantize

// MARK: - A micro model, its float reference and its conversion

/// A model with a decoder far smaller than tiny's (`TestPresets.microDecoder`), with seeded
/// weights in [−1, 1) scaled per output channel by 1/4, 1 or 4 in turn, so that channel ranges
/// differ as trained ones do, and its int8 conversion after a few calibration latents.
///
/// ```swift
/// let ref = try MicroConversion.reference()
/// let conversion = try MicroConversion.convert(ref, perTensorWeights: true)
/// try MicroConversion.load(conversion)    // the int8 file's preset, read back by the runtime
/// ```
enum MicroConversion {
  static let preset = TestPresets.microDecoder

  static func uniform(_ rng: inout DanceRandom) -> Double { 2 * Double(rng.next()) / 4_294_967_296 - 1 }

  static func reference(seed: UInt64 = 3) throws -> FloatReference {
    var rng = DanceRandom(seed: seed)
    var file = FloatModelFile(preset: preset)
    for (name, shape) in FloatModelFile.requiredTensors(of: preset) {
      let last = shape.last!
      file.tensors[name] = FloatTensor(
        shape: shape,
        values: (0..<shape.reduce(1, *)).map { i in
          Float(uniform(&rng) * [0.25, 1, 4][i % last % 3])
        })
    }
    let d = preset.latentSize
    file.tensors[FloatModelFile.normalizationStd] = FloatTensor(
      shape: [d], values: (0..<d).map { _ in Float(abs(uniform(&rng)) + 0.5) })
    return try FloatReference(file)
  }

  /// `count` seeded normalised latents.
  static func latents(_ count: Int, seed: UInt64 = 5) -> [[Double]] {
    var rng = DanceRandom(seed: seed)
    return (0..<count).map { _ in (0..<preset.latentSize).map { _ in 2 * uniform(&rng) } }
  }

  static func data(seed: UInt64 = 5) -> CalibrationData {
    CalibrationData(
      decoderLatents: latents(10, seed: seed), sequenceClips: [latents(6, seed: seed + 1)],
      primerSteps: 2)
  }

  static func convert(
    _ ref: FloatReference, method: CalibrationMethod = .minmax,
    layerMethods: [String: CalibrationMethod] = [:], perTensorWeights: Bool = false
  ) throws -> Int8Conversion {
    try Int8Conversion(
      reference: ref, statistics: ActivationStatistics.collect(ref, data()), method: method,
      startLatents: latents(1, seed: 9), primers: nil, layerMethods: layerMethods,
      perTensorWeights: perTensorWeights)
  }

  /// The conversion's file, read by the int8 runtime: its preset.
  static func load(_ conversion: Int8Conversion) throws -> ModelPreset {
    let bytes = try conversion.writer.encoded()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
    defer { buffer.deallocate() }
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    return try Int8Model(UnsafeRawBufferPointer(buffer)).preset
  }
}
