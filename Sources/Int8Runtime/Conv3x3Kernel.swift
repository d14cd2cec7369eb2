// MARK: - Conv3x3Weights

/// One quantised 3x3 convolution as it lies in the file: int8 weights [out, 3, 3, in]
/// (output channel, kernel row, kernel column, input channel) and int32 bias [out].
public struct Conv3x3Weights {
  public let inChannels: Int
  public let outChannels: Int
  public let weights: Int8Values
  public let bias: Int32Values

  public init(inChannels: Int, outChannels: Int, weights: Int8Values, bias: Int32Values) {
    precondition(weights.count == outChannels * 9 * inChannels && bias.count == outChannels)
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.weights = weights
    self.bias = bias
  }

  /// The accumulator of output channel o at (row, col) for an input [rows, cols, inChannels]
  /// with zero point zx, "same" padding with real zeros (outside the image x − zx = 0):
  /// ```text
  /// acc = bias[o] + Σ_{ky, kx in 0...2} Σ_i w[o, ky, kx, i] · (x[row + ky − 1, col + kx − 1, i] − zx)
  /// ```
  @inlinable
  public func accumulator(
    _ o: Int, row: Int, col: Int, input x: UnsafeBufferPointer<Int16>, rows: Int, cols: Int,
    zeroPoint zx: Int32
  ) -> Int32 {
    var acc = bias[o]
    for ky in 0..<3 {
      let y = row + ky - 1
      if y < 0 || y >= rows { continue }
      for kx in 0..<3 {
        let xc = col + kx - 1
        if xc < 0 || xc >= cols { continue }
        let w = ((o * 3 + ky) * 3 + kx) * inChannels
        let at = (y * cols + xc) * inChannels
        for i in 0..<inChannels { acc += Int32(weights[w + i]) * (Int32(x[at + i]) - zx) }
      }
    }
    return acc
  }
}

// MARK: - Conv3x3Kernel

/// Reference 3x3 convolution, stride 1, same padding, 8- or 12-bit values in int16 in and out (`ActivationBits`), per-channel
/// requantisation; relu is the lower clamp at the output zero point.
///
/// Worked example: a 1x1 image, 1 → 1 channel, so only the centre tap sees the image (the other
/// eight read padding, where x − zx = 0). Centre weight 2, x = [20], zx = 10, bias 4, M = 2^30,
/// r = 31 (m = ½), zy = −128, relu:
/// ```text
/// acc = 4 + 2 · (20 − 10) = 24;  scaled = (24 · 2^30 + 2^30) >> 31 = 12;  y = clamp(12 − 128, −128, 127) = −116
/// ```
public enum Conv3x3Kernel {
  public static func run(
    _ layer: Conv3x3Weights, requantization: ChannelRequantization, input: UnsafeBufferPointer<Int16>,
    rows: Int, cols: Int, inputZeroPoint zx: Int32, output: UnsafeMutableBufferPointer<Int16>,
    outputZeroPoint zy: Int32, outputBits: ActivationBits = .int8, relu: Bool
  ) {
    precondition(input.count == rows * cols * layer.inChannels, "conv input size")
    precondition(output.count == rows * cols * layer.outChannels, "conv output size")
    let (lo, hi) = (relu ? max(zy, outputBits.lo) : outputBits.lo, outputBits.hi)
    for row in 0..<rows {
      for col in 0..<cols {
        for o in 0..<layer.outChannels {
          let acc = layer.accumulator(
            o, row: row, col: col, input: input, rows: rows, cols: cols, zeroPoint: zx)
          output[(row * cols + col) * layer.outChannels + o] = Int16(
            truncatingIfNeeded: requantization.requantize(acc, channel: o, zeroPoint: zy, min: lo, max: hi))
        }
      }
    }
  }
}
