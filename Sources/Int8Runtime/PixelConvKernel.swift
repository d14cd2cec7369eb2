// MARK: - PixelThresholds

/// The final conv's sigmoid and 8-bit rounding in one step (docs/INT8.md, "Pixels"): 255
/// non-decreasing int32 thresholds t_1 ... t_255, and
/// ```text
/// pixel(acc) = the number of j in 1...255 with acc ≥ t_j
/// ```
/// The quantizer sets t_j to the smallest integer a with 255 · σ(a · s) ≥ j − ½ (s = input scale ×
/// weight scale), so pixel(acc) = round(255 · σ(acc · s)), ties up: exactly the float path's
/// 8-bit rounding of the real accumulator, with no intermediate int8 logit.
///
/// ```swift
/// // thresholds [−10, 0, 0, 7, ...]: pixel(−11) = 0, pixel(−10) = 1, pixel(0) = 3, pixel(6) = 3
/// ```
public struct PixelThresholds {
  public static let count = 255
  public let thresholds: Int32Values

  public init(_ thresholds: Int32Values) {
    precondition(thresholds.count == PixelThresholds.count, "255 pixel thresholds")
    self.thresholds = thresholds
  }

  /// Binary search for the first threshold above `acc` (8 comparisons).
  @inlinable
  public func pixel(_ acc: Int32) -> UInt8 {
    var lo = 0  // thresholds[0..<lo] are all ≤ acc
    var hi = PixelThresholds.count  // thresholds[hi...] are all > acc
    while lo < hi {
      let mid = (lo + hi) / 2
      if thresholds[mid] <= acc { lo = mid + 1 } else { hi = mid }
    }
    return UInt8(truncatingIfNeeded: lo)
  }
}

// MARK: - PixelConvKernel

/// Reference final convolution (in → 1 channel, sigmoid) straight to 8-bit pixels: the 3x3
/// accumulator of `Conv3x3Weights` (same padding with the input zero point) mapped by the
/// thresholds. Input [rows, cols, in] int16 (8- or 12-bit values), output [rows, cols] UInt8, rows top to bottom.
public enum PixelConvKernel {
  public static func run(
    _ layer: Conv3x3Weights, thresholds: PixelThresholds, input: UnsafeBufferPointer<Int16>, rows: Int,
    cols: Int, inputZeroPoint zx: Int32, output: UnsafeMutableBufferPointer<UInt8>
  ) {
    precondition(layer.outChannels == 1, "the pixel conv has one output channel")
    precondition(output.count == rows * cols, "pixel output size")
    for row in 0..<rows {
      for col in 0..<cols {
        let acc = layer.accumulator(
          0, row: row, col: col, input: input, rows: rows, cols: cols, zeroPoint: zx)
        output[row * cols + col] = thresholds.pixel(acc)
      }
    }
  }
}
