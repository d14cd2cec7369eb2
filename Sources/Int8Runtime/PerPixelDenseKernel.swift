// MARK: - PerPixelDenseKernel

/// Reference per-pixel dense layer (decoder.expand, a 1x1 convolution): the same dense layer on
/// every pixel's channel vector. Input [pixels, inChannels] int8 with zero point zx, output
/// [pixels, outChannels] in int16, 8- or 12-bit (`outputBits`), with zero point zy (linear, or relu as the clamp at zy).
///
/// Worked example (one pixel, 2 → 1 channels): w = [[1, −1]], bias 0, x = [−120, −128] with
/// zx = −128, M = 2^30, r = 30 (m = 1), zy = 0:
/// ```text
/// acc = 1·(−120 + 128) − 1·(−128 + 128) = 8;   y = clamp(8 + 0, −128, 127) = 8
/// ```
public enum PerPixelDenseKernel {
  public static func run(
    _ layer: DenseWeights, input: UnsafeBufferPointer<Int8>, inputZeroPoint zx: Int32,
    output: UnsafeMutableBufferPointer<Int16>, outputZeroPoint zy: Int32, outputBits: ActivationBits = .int8,
    relu: Bool
  ) {
    let pixels = input.count / layer.inputs
    precondition(input.count == pixels * layer.inputs, "per-pixel input size")
    precondition(output.count == pixels * layer.outputs, "per-pixel output size")
    let (lo, hi) = (relu ? max(zy, outputBits.lo) : outputBits.lo, outputBits.hi)
    for p in 0..<pixels {
      let x = UnsafeBufferPointer(rebasing: input[(p * layer.inputs)..<((p + 1) * layer.inputs)])
      for o in 0..<layer.outputs {
        let acc = layer.accumulator(o, int8Input: x, zeroPoint: zx)
        output[p * layer.outputs + o] = Int16(
          truncatingIfNeeded: layer.requantization.requantize(
            acc, channel: o, zeroPoint: zy, min: lo, max: hi))
      }
    }
  }
}
