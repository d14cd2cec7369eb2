// MARK: - DenseWeights

/// One quantised dense layer as it lies in the file (docs/INT8.md): int8 weights [outputs, inputs]
/// (one row per output channel), int32 bias and per-channel requantisation.
public struct DenseWeights {
  public let inputs: Int
  public let outputs: Int
  /// [outputs, inputs], row o = output channel o.
  public let weights: Int8Values
  public let bias: Int32Values
  public let requantization: ChannelRequantization

  public init(
    inputs: Int, outputs: Int, weights: Int8Values, bias: Int32Values,
    requantization: ChannelRequantization
  ) {
    precondition(weights.count == inputs * outputs && bias.count == outputs, "dense tensor sizes")
    precondition(requantization.multiplier.count == outputs && requantization.shift.count == outputs)
    self.inputs = inputs
    self.outputs = outputs
    self.weights = weights
    self.bias = bias
    self.requantization = requantization
  }

  /// acc_o = bias[o] + Σ_i w[o, i] · x[i] for an int16 input with zero point 0 (the latent, h, the
  /// sequence dense output).
  @inlinable
  public func accumulator(_ o: Int, int16Input x: UnsafeBufferPointer<Int16>) -> Int32 {
    precondition(x.count == inputs, "dense input size")
    var acc = bias[o]
    let row = o * inputs
    for i in 0..<inputs { acc += Int32(weights[row + i]) * Int32(x[i]) }
    return acc
  }

  /// acc_o = bias[o] + Σ_i w[o, i] · (x[i] − zx) for an int8 input with zero point zx.
  @inlinable
  public func accumulator(_ o: Int, int8Input x: UnsafeBufferPointer<Int8>, zeroPoint zx: Int32) -> Int32 {
    precondition(x.count == inputs, "dense input size")
    var acc = bias[o]
    let row = o * inputs
    for i in 0..<inputs { acc += Int32(weights[row + i]) * (Int32(x[i]) - zx) }
    return acc
  }
}

// MARK: - DenseKernel

/// Reference dense layers: y[o] = clamp(scaled(acc_o, M[o], r[o]) + zy, lo, hi), with relu as
/// the lower clamp at the output zero point.
///
/// Worked example (1 output, 2 int16 inputs): w = [3, −2], bias 10, x = [100, 40],
/// M = 2^30, r = 33 (m = 1/8), output int8 with zy = −5, linear:
/// ```text
/// acc = 10 + 3·100 − 2·40 = 230;  scaled = (230 · 2^30 + 2^32) >> 33 = ⌊29.25⌋ = 29  (230/8 = 28.75)
/// y = clamp(29 − 5, −128, 127) = 24
/// ```
public enum DenseKernel {
  /// int16 input (zero point 0) → int8 output with zero point `zy` (decoder.dense).
  public static func run(
    _ layer: DenseWeights, input: UnsafeBufferPointer<Int16>, output: UnsafeMutableBufferPointer<Int8>,
    outputZeroPoint zy: Int32, relu: Bool
  ) {
    precondition(output.count == layer.outputs, "dense output size")
    let lo = relu ? max(zy, -128) : -128
    for o in 0..<layer.outputs {
      let acc = layer.accumulator(o, int16Input: input)
      output[o] = Int8(
        truncatingIfNeeded: layer.requantization.requantize(acc, channel: o, zeroPoint: zy, min: lo, max: 127)
      )
    }
  }

  /// int16 input → int16 output, zero point 0 (sequence.dense).
  public static func run(
    _ layer: DenseWeights, input: UnsafeBufferPointer<Int16>, output: UnsafeMutableBufferPointer<Int16>,
    relu: Bool
  ) {
    precondition(output.count == layer.outputs, "dense output size")
    let lo: Int32 = relu ? 0 : -32768
    for o in 0..<layer.outputs {
      let acc = layer.accumulator(o, int16Input: input)
      output[o] = Int16(
        truncatingIfNeeded: layer.requantization.requantize(
          acc, channel: o, zeroPoint: 0, min: lo, max: 32767))
    }
  }
}
