import Int8Runtime
import ModelFiles
import Trainer

@testable import Quantize

// MARK: - Quantised test layers in a real container

/// The tensors of small quantised layers, written with the quantizer's own `ContainerWriter`,
/// encoded, copied to 16-byte aligned memory (as a memory map gives) and opened with
/// `TensorContainer`, so the kernels read them through the same views as from a model file.
/// Views stay valid while the object lives.
///
/// ```swift
/// let t = QuantizedLayerTensors()
/// let q = t.addRows("fc", weights: ChannelWeights(rows: 2, columns: 3, values: w),
///                   bias: b, inputScale: 1.0 / 1024, outputScale: { _ in 0.05 })
/// try t.open()
/// let layer = t.dense("fc", inputs: 3, outputs: 2)   // DenseWeights for DenseKernel
/// ```
final class QuantizedLayerTensors {
  var writer = ContainerWriter(kind: .int8Model)
  private var memory: UnsafeMutableRawBufferPointer?
  private var container: TensorContainer?

  deinit { memory?.deallocate() }

  // MARK: - Adding (Quantize's scheme)

  /// Rows `weights` (per-channel int8), the bias quantised at inputScale · s_o (round to
  /// nearest), and per row the requantisation of m_o = inputScale · s_o / outputScale(o).
  /// Returns the bias as the int8 path sees it (real values).
  @discardableResult
  func addRows(
    _ name: String, weights q: ChannelWeights, bias: [Double]?, inputScale: Double,
    outputScale: ((Int) -> Double)?
  ) -> [Double] {
    writer.addInt8(name + ".weights", shape: [q.rows, q.columns], values: q.values)
    let biasQ = (0..<q.rows).map { o in Int32(((bias?[o] ?? 0) / (inputScale * q.scales[o])).rounded()) }
    writer.addInt32(name + ".bias", shape: [q.rows], values: biasQ)
    if let outputScale {
      let m = (0..<q.rows).map { RequantizationMultiplier(inputScale * q.scales[$0] / outputScale($0)) }
      writer.addInt32(name + ".multiplier", shape: [q.rows], values: m.map(\.multiplier))
      writer.addInt8(name + ".shift", shape: [q.rows], values: m.map(\.shift))
    }
    return (0..<q.rows).map { Double(biasQ[$0]) * inputScale * q.scales[$0] }
  }

  /// Encodes what was added; the views below work from then on.
  func open() throws {
    let bytes = try writer.encoded()
    let m = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
    bytes.withUnsafeBytes { m.copyMemory(from: $0) }
    memory = m
    container = try TensorContainer(UnsafeRawBufferPointer(m))
  }

  // MARK: - Views

  func data(_ name: String) -> UnsafeRawBufferPointer {
    guard let t = container?.tensor(named: name) else { preconditionFailure("no tensor \(name)") }
    return t.data
  }
  func int8(_ name: String) -> Int8Values { Int8Values(data(name)) }
  func int16(_ name: String) -> Int16Values { Int16Values(data(name)) }
  func int32(_ name: String) -> Int32Values { Int32Values(data(name)) }
  func requantization(_ name: String) -> ChannelRequantization {
    ChannelRequantization(multiplier: int32(name + ".multiplier"), shift: int8(name + ".shift"))
  }

  func dense(_ name: String, inputs: Int, outputs: Int) -> DenseWeights {
    DenseWeights(
      inputs: inputs, outputs: outputs, weights: int8(name + ".weights"), bias: int32(name + ".bias"),
      requantization: requantization(name))
  }

  func conv(_ name: String, inChannels: Int, outChannels: Int) -> Conv3x3Weights {
    Conv3x3Weights(
      inChannels: inChannels, outChannels: outChannels, weights: int8(name + ".weights"),
      bias: int32(name + ".bias"))
  }
}

// MARK: - The error bound of one quantised linear row

extension ChannelWeights {
  /// Worst case of |Σ ŵ_i x̂_i + b̂ − (Σ w_i x_i + b)| for row o of a layer quantised by the
  /// scheme, before the output is rounded: with ŵ_i = w_i + ε_i (|ε_i| ≤ s_w/2, the row's weight
  /// step), x̂_i = x_i + δ_i (|δ_i| ≤ s_x/2 when x is inside the input format's range) and the
  /// bias rounded to the accumulator's step s_x·s_w,
  ///
  ///     |Σ ŵ x̂ − Σ w x| = |Σ ŵ_i δ_i + Σ ε_i x_i| ≤ (s_x/2)·Σ|ŵ_i| + (s_w/2)·Σ|x_i|
  ///     |b̂ − b| ≤ s_x·s_w/2
  ///
  /// `inputs` are the float inputs the row multiplies (in its column order).
  func linearErrorBound(row o: Int, inputs x: [Double], inputStep sx: Double) -> Double {
    precondition(x.count == columns)
    let sw = scales[o]
    var weightSum = 0.0
    for i in 0..<columns { weightSum += abs(Double(values[o * columns + i])) * sw }
    let inputSum = x.reduce(0) { $0 + abs($1) }
    return sx / 2 * weightSum + sw / 2 * inputSum + sx * sw / 2
  }

  /// The bound on |dequantised kernel output − float output y| of row o: half the output step
  /// (its rounding), the linear bound, and the multiplier's relative 2^−31
  /// (`RequantizationMultiplier`) of |y|.
  func outputErrorBound(
    row o: Int, inputs x: [Double], inputStep sx: Double, outputStep sy: Double, real y: Double
  ) -> Double {
    sy / 2 + multiplierRelativeError * abs(y) + linearErrorBound(row: o, inputs: x, inputStep: sx)
  }
}

/// The requantisation multiplier M·2^−r stands for m within a relative 2^−31
/// (`RequantizationMultiplier`).
let multiplierRelativeError = 0x1p-31
