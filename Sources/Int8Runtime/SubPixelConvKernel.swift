// MARK: - SubPixelPhaseWeights

/// The exact sub-pixel form of "nearest 2x upsample, then 3x3 conv" (docs/INT8.md, "Sub-pixel
/// form"): each of the four output phases (py, px) = (row parity, column parity) is a 2x2 conv on
/// the low-resolution input whose taps are integer sums of the 3x3 int8 taps:
/// ```text
/// P[2·py + px, o, ty, tx, i] = Σ_{ky ∈ K(py, ty)} Σ_{kx ∈ K(px, tx)} w[o, ky, kx, i]
/// K(0, 0) = {0}, K(0, 1) = {1, 2}, K(1, 0) = {0, 1}, K(1, 1) = {2}
/// out[2r + py, 2c + px, o] = bias[o] + Σ_{ty, tx, i} P[...] · (x[r + py + ty − 1, c + px + tx − 1, i] − zx)
/// ```
/// (positions outside the low-resolution image contribute nothing, exactly as the upsampled
/// image's padding does). The accumulators are the same integers as upsample-then-conv with 4/9
/// of the multiply-accumulates; |P| ≤ 4 · 127, so int16.
///
/// Worked example (one channel): 3x3 taps [[1, 2, 3], [4, 5, 6], [7, 8, 9]] give phase (0, 0) the
/// 2x2 taps [[1, 2 + 3], [4 + 7, 5 + 6 + 8 + 9]] = [[1, 5], [11, 28]].
///
/// Layout [4, 2·in, out, 2] ("pairs, outputs in lanes"): a phase's 4·in taps, numbered
/// t = (2·ty + tx)·in + i (the order of its four input pixels in memory), are taken two at a
/// time, and pair t / 2 holds every output channel's two taps side by side. A vector load then
/// takes as many output channels' pairs as it has 32-bit lanes, and multiplying them by the input
/// pair adds both products to that many accumulators: no horizontal sum per output (`PhaseSums`).
/// With 2 output channels and in = 1 (4 taps, 2 pairs), phase 0's 16 entries run
/// [o0 t0, o0 t1, o1 t0, o1 t1, o0 t2, o0 t3, o1 t2, o1 t3], then phase 1's.
public struct SubPixelPhaseWeights {
  public let inChannels: Int
  public let outChannels: Int
  /// [4, 2·in, out, 2]: phase 2·py + px, tap pair, output channel, tap within the pair
  public let weights: Int16Values

  /// The tensor shape of a conv's phase weights.
  @inlinable
  public static func shape(out: Int, in cin: Int) -> [Int] { [4, 2 * cin, out, 2] }

  public init(inChannels: Int, outChannels: Int, weights: Int16Values) {
    precondition(weights.count == 4 * outChannels * 4 * inChannels, "phase weight size")
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.weights = weights
  }

  /// The 3x3 kernel rows (or columns) that phase p's tap t sums.
  @inlinable
  public static func taps(phase p: Int, tap t: Int) -> ClosedRange<Int> {
    switch (p, t) {
    case (0, 0): return 0...0
    case (0, _): return 1...2
    case (_, 0): return 0...1
    default: return 2...2
    }
  }

  /// One phase tap: the sum of the 3x3 taps that phase `phase`'s tap (ty, tx) covers, for output
  /// channel o and input channel i.
  @inlinable
  public static func tapSum(of conv: Conv3x3Weights, phase: Int, _ o: Int, ty: Int, tx: Int, _ i: Int)
    -> Int16
  {
    var sum: Int16 = 0
    for ky in taps(phase: phase >> 1, tap: ty) {
      for kx in taps(phase: phase & 1, tap: tx) {
        sum += Int16(conv.weights[((o * 3 + ky) * 3 + kx) * conv.inChannels + i])
      }
    }
    return sum
  }

  /// Index of tap (phase, o, ty, tx, i) in file order [4, 2·in, out, 2]: tap t = (2·ty + tx)·in + i
  /// is entry t mod 2 of pair t / 2.
  @inlinable
  public static func index(phase: Int, _ o: Int, ty: Int, tx: Int, _ i: Int, out: Int, in cin: Int) -> Int {
    let t = (2 * ty + tx) * cin + i
    return ((phase * 2 * cin + (t >> 1)) * out + o) * 2 + (t & 1)
  }

  /// The phase weights of a 3x3 conv, in file order [4, 2·in, out, 2] (what the quantizer writes).
  public static func make(from conv: Conv3x3Weights) -> [Int16] {
    let (cout, cin) = (conv.outChannels, conv.inChannels)
    var out = [Int16](repeating: 0, count: 4 * cout * 4 * cin)
    for phase in 0..<4 {
      for o in 0..<cout {
        for ty in 0..<2 {
          for tx in 0..<2 {
            for i in 0..<cin {
              out[index(phase: phase, o, ty: ty, tx: tx, i, out: cout, in: cin)] = tapSum(
                of: conv, phase: phase, o, ty: ty, tx: tx, i)
            }
          }
        }
      }
    }
    return out
  }

  /// The accumulator of output channel o at full-resolution (row, col), from the low-resolution
  /// input [rows, cols, inChannels] with zero point zx and the conv's bias.
  @inlinable
  public func accumulator(
    _ o: Int, row: Int, col: Int, input x: UnsafeBufferPointer<Int16>, rows: Int, cols: Int,
    zeroPoint zx: Int32, bias: Int32
  ) -> Int32 {
    let (r, py, c, px) = (row >> 1, row & 1, col >> 1, col & 1)
    let phase = 2 * py + px
    var acc = bias
    for ty in 0..<2 {
      let y = r + py + ty - 1
      if y < 0 || y >= rows { continue }
      for tx in 0..<2 {
        let xc = c + px + tx - 1
        if xc < 0 || xc >= cols { continue }
        let at = (y * cols + xc) * inChannels
        for i in 0..<inChannels {
          let w = Self.index(phase: phase, o, ty: ty, tx: tx, i, out: outChannels, in: inChannels)
          acc += Int32(weights[w]) * (Int32(x[at + i]) - zx)
        }
      }
    }
    return acc
  }
}

// MARK: - SubPixelConvKernel

/// Reference fused "upsample 2x, then 3x3 conv" on the low-resolution input: the same int8
/// outputs (or pixels) as `Upsample2Kernel` followed by `Conv3x3Kernel` (or `PixelConvKernel`).
public enum SubPixelConvKernel {
  /// Input [rows, cols, in] → output [2·rows, 2·cols, out], 8- or 12-bit values in int16, relu at zy.
  public static func run(
    _ phases: SubPixelPhaseWeights, bias: Int32Values, requantization: ChannelRequantization,
    input: UnsafeBufferPointer<Int16>, rows: Int, cols: Int, inputZeroPoint zx: Int32,
    output: UnsafeMutableBufferPointer<Int16>, outputZeroPoint zy: Int32, outputBits: ActivationBits = .int8
  ) {
    precondition(input.count == rows * cols * phases.inChannels, "sub-pixel input size")
    precondition(output.count == 4 * rows * cols * phases.outChannels, "sub-pixel output size")
    let (lo, hi) = (max(zy, outputBits.lo), outputBits.hi)
    for row in 0..<(2 * rows) {
      for col in 0..<(2 * cols) {
        for o in 0..<phases.outChannels {
          let acc = phases.accumulator(
            o, row: row, col: col, input: input, rows: rows, cols: cols, zeroPoint: zx, bias: bias[o])
          output[(row * 2 * cols + col) * phases.outChannels + o] = Int16(
            truncatingIfNeeded: requantization.requantize(acc, channel: o, zeroPoint: zy, min: lo, max: hi))
        }
      }
    }
  }

  /// The final conv: input [rows, cols, in] → [2·rows, 2·cols] pixels.
  public static func runPixels(
    _ phases: SubPixelPhaseWeights, bias: Int32, thresholds: PixelThresholds,
    input: UnsafeBufferPointer<Int16>,
    rows: Int, cols: Int, inputZeroPoint zx: Int32, output: UnsafeMutableBufferPointer<UInt8>
  ) {
    precondition(phases.outChannels == 1 && output.count == 4 * rows * cols, "sub-pixel pixel output size")
    for row in 0..<(2 * rows) {
      for col in 0..<(2 * cols) {
        let acc = phases.accumulator(
          0, row: row, col: col, input: input, rows: rows, cols: cols, zeroPoint: zx, bias: bias)
        output[row * 2 * cols + col] = thresholds.pixel(acc)
      }
    }
  }
}
