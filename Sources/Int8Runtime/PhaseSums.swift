// MARK: - PhaseSums

/// Every output channel's accumulator for one output pixel of a sub-pixel conv (docs/INT8.md,
/// "Sub-pixel form"): `sums[o] = bias[o] + Σ_t P[t, o] · taps[t]` over the pixel's phase, whose
/// 4·C taps t are its four low-resolution input pixels widened to int16 (a pixel outside the
/// image as zeros). The weights are one phase of `SubPixelPhaseWeights`, [2·C pairs, out, 2].
///
/// Two kernels, the same integers (exact 32-bit sums; the int8 reader's accumulator bound keeps
/// every partial sum inside 32 bits):
/// - `lanes`: 16 output channels per vector. Pair k's weights for channels o ..< o + 16 are one
///   64-byte load of 16 (tap 2k, tap 2k + 1) pairs; with the input pair broadcast, both products
///   go into 16 accumulators at once (x86 `vpmaddwd` / `vpdpwssd` on 32-bit lanes). Up to 8
///   vectors (128 channels) stay in registers across all pairs: no horizontal sum per channel.
/// - `scalar`: one channel at a time, any channel count, for targets without vector registers
///   (the Cortex-M firmware): each step multiplies one weight pair by one input pair.
///
/// ```swift
/// // one input channel (4 taps, 2 pairs), 1 output channel, weights [[1, 5], [11, 28]] and
/// // taps [2, 0, 1, 3]: 7 + 1·2 + 5·0 + 11·1 + 28·3 = 104
/// PhaseSums.scalar(w, taps: taps, bias: [7], pairs: 2, outputs: 1, into: sums)   // sums[0] = 104
/// ```
public enum PhaseSums {
  /// The kernel this target uses: `lanes` where there are vector registers and the channel count
  /// is a multiple of 16, else `scalar`.
  @inline(__always)
  public static func run(
    _ w: UnsafePointer<Int16>, taps: UnsafePointer<Int16>, bias: UnsafePointer<Int32>, pairs: Int,
    outputs: Int, into sums: UnsafeMutablePointer<Int32>
  ) {
    #if arch(x86_64) || arch(arm64)
      if outputs % vectorLanes == 0 {
        PhaseSums.lanes(w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, into: sums)
        return
      }
    #endif
    scalar(w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, into: sums)
  }

  /// Output channels per vector.
  public static let vectorLanes = 16

  // MARK: - One channel at a time

  /// Channel o's weight pairs lie `outputs` pairs apart; the taps are read in pairs in order.
  @inline(__always)
  public static func scalar(
    _ w: UnsafePointer<Int16>, taps: UnsafePointer<Int16>, bias: UnsafePointer<Int32>, pairs: Int,
    outputs: Int, into sums: UnsafeMutablePointer<Int32>
  ) {
    for o in 0..<outputs {
      var acc = bias[o]
      var pair = w + 2 * o
      var x = taps
      for _ in 0..<pairs {
        acc &+= Int32(pair[0]) &* Int32(x[0]) &+ Int32(pair[1]) &* Int32(x[1])
        pair += 2 * outputs
        x += 2
      }
      sums[o] = acc
    }
  }

  // MARK: - Sixteen channels per vector

  /// `outputs` a multiple of 16: groups of 128 channels, then 64, then 16.
  public static func lanes(
    _ w: UnsafePointer<Int16>, taps: UnsafePointer<Int16>, bias: UnsafePointer<Int32>, pairs: Int,
    outputs: Int, into sums: UnsafeMutablePointer<Int32>
  ) {
    precondition(outputs % vectorLanes == 0, "lanes needs a multiple of 16 channels")
    var first = 0
    while first < outputs {
      let left = outputs - first
      let vectors = left >= 128 ? 8 : (left >= 64 ? 4 : 1)
      switch vectors {
      case 8: group(8, w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, first: first, into: sums)
      case 4: group(4, w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, first: first, into: sums)
      default: group(1, w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, first: first, into: sums)
      }
      first += vectors * vectorLanes
    }
  }

  /// Channels first ..< first + 16·vectors, `vectors` (1 ... 8) a constant after inlining so that
  /// the accumulators live in registers.
  @inline(__always)
  static func group(
    _ vectors: Int, _ w: UnsafePointer<Int16>, taps: UnsafePointer<Int16>, bias: UnsafePointer<Int32>,
    pairs: Int, outputs: Int, first: Int, into sums: UnsafeMutablePointer<Int32>
  ) {
    let biasBytes = UnsafeRawPointer(bias + first)
    var acc = InlineArray<8, SIMD16<Int32>>(repeating: .zero)
    for v in 0..<vectors { acc[v] = biasBytes.loadUnaligned(fromByteOffset: 64 * v, as: SIMD16<Int32>.self) }
    let x = UnsafeRawPointer(taps)
    var row = UnsafeRawPointer(w + 2 * first)
    let rowBytes = 4 * outputs
    for k in 0..<pairs {
      // The input pair (tap 2k low, tap 2k + 1 high), sign-extended from each half.
      let pair = x.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)
      let x0 = SIMD16<Int32>(repeating: (pair &<< 16) &>> 16)
      let x1 = SIMD16<Int32>(repeating: pair &>> 16)
      for v in 0..<vectors {
        let p = row.loadUnaligned(fromByteOffset: 64 * v, as: SIMD16<Int32>.self)
        acc[v] &+= ((p &<< 16) &>> 16) &* x0 &+ (p &>> 16) &* x1
      }
      row += rowBytes
    }
    let out = UnsafeMutableRawPointer(sums + first)
    for v in 0..<vectors { out.storeBytes(of: acc[v], toByteOffset: 64 * v, as: SIMD16<Int32>.self) }
  }
}
