// MARK: - PhaseSums

/// Every output channel's accumulator for one output pixel of a sub-pixel conv (docs/INT8.md,
/// "Sub-pixel form"): `sums[o] = bias[o] + Σ_t P[t, o] · taps[t]` over the pixel's phase, whose
/// 4·C taps t are its four low-resolution input pixels widened to int16 (a pixel outside the
/// image as zeros). The weights are one phase of `SubPixelPhaseWeights`, [2·C pairs, out, 2].
///
/// Three kernels, the same integers (exact 32-bit sums; the int8 reader's accumulator bound keeps
/// every partial sum inside 32 bits):
/// - `lanes`: 4 output channels per 128-bit vector. Pair k's weights for channels o ..< o + 4
///   are 8 int16 (4 channels × taps 2k, 2k + 1); times the input pair repeated 4 times, each
///   channel's two products are added pairwise (even + odd lanes), which compiles to exactly one
///   x86 `pmaddwd` (SSE2), or one `vpdpwssd` with the add (AVX-512 VNNI). Up to 8
///   vectors (32 channels) stay in registers across all pairs: no horizontal sum per channel.
/// - `wideLanes`: 16 channels per vector of 16 32-bit lanes, each lane one channel's weight pair,
///   sign-extended half by half and multiplied by the broadcast input taps (two multiply-adds per
///   pair); 8 vectors (128 channels) in registers. Faster where there are 32 registers of 512
///   bits (AVX-512: two `vpdpwssd` per 32 products), slower with 16 (AVX2, SSE2).
/// - `scalar`: one channel at a time, any channel count, for targets without vector registers
///   (the Cortex-M firmware): each step multiplies one weight pair by one input pair.
///
/// ```swift
/// // one input channel (4 taps, 2 pairs), 1 output channel, weights [[1, 5], [11, 28]] and
/// // taps [2, 0, 1, 3]: 7 + 1·2 + 5·0 + 11·1 + 28·3 = 104
/// PhaseSums.scalar(w, taps: taps, bias: [7], pairs: 2, outputs: 1, into: sums)   // sums[0] = 104
/// ```
public enum PhaseSums {
  /// The kernel this build uses: `wideLanes` when compiled for 512-bit vectors
  /// (`DANCENET_WIDE_LANES`, Package.swift) and the channel count is a multiple of 16, else
  /// `lanes` where there are vector registers and the channel count is a multiple of 4, else
  /// `scalar`.
  @inline(__always)
  public static func run(
    _ w: UnsafePointer<Int16>, taps: UnsafePointer<Int16>, bias: UnsafePointer<Int32>, pairs: Int,
    outputs: Int, into sums: UnsafeMutablePointer<Int32>
  ) {
    #if arch(x86_64) || arch(arm64)
      #if DANCENET_WIDE_LANES
        if outputs % wideVectorLanes == 0 {
          PhaseSums.wideLanes(w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, into: sums)
          return
        }
      #endif
      if outputs % vectorLanes == 0 {
        PhaseSums.lanes(w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, into: sums)
        return
      }
    #endif
    scalar(w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, into: sums)
  }

  /// Output channels per vector.
  public static let vectorLanes = 4
  /// Output channels per vector of `wideLanes`.
  public static let wideVectorLanes = 16

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

  // MARK: - Channels in vector lanes

  /// `outputs` a multiple of 4: 4 channels per 128-bit vector (`PairwiseLanes`).
  public static func lanes(
    _ w: UnsafePointer<Int16>, taps: UnsafePointer<Int16>, bias: UnsafePointer<Int32>, pairs: Int,
    outputs: Int, into sums: UnsafeMutablePointer<Int32>
  ) {
    inLanes(PairwiseLanes.self, w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, into: sums)
  }

  /// `outputs` a multiple of 16: 16 channels per 512-bit vector (`ShiftedLanes`).
  public static func wideLanes(
    _ w: UnsafePointer<Int16>, taps: UnsafePointer<Int16>, bias: UnsafePointer<Int32>, pairs: Int,
    outputs: Int, into sums: UnsafeMutablePointer<Int32>
  ) {
    inLanes(ShiftedLanes.self, w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, into: sums)
  }

  /// Groups of 8 vectors of channels, then 4, then 1.
  @inline(__always)
  static func inLanes<L: PairLanes>(
    _ form: L.Type, _ w: UnsafePointer<Int16>, taps: UnsafePointer<Int16>, bias: UnsafePointer<Int32>,
    pairs: Int, outputs: Int, into sums: UnsafeMutablePointer<Int32>
  ) {
    precondition(outputs % L.lanes == 0, "a whole number of vectors of channels")
    var first = 0
    while first < outputs {
      let left = outputs - first
      let vectors = left >= 8 * L.lanes ? 8 : (left >= 4 * L.lanes ? 4 : 1)
      switch vectors {
      case 8:
        group(L.self, 8, w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, first: first, into: sums)
      case 4:
        group(L.self, 4, w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, first: first, into: sums)
      default:
        group(L.self, 1, w, taps: taps, bias: bias, pairs: pairs, outputs: outputs, first: first, into: sums)
      }
      first += vectors * L.lanes
    }
  }

  /// Channels first ..< first + lanes·vectors, `vectors` (1 ... 8) a constant after inlining so
  /// that the accumulators live in registers.
  @inline(__always)
  static func group<L: PairLanes>(
    _ form: L.Type, _ vectors: Int, _ w: UnsafePointer<Int16>, taps: UnsafePointer<Int16>,
    bias: UnsafePointer<Int32>, pairs: Int, outputs: Int, first: Int, into sums: UnsafeMutablePointer<Int32>
  ) {
    let vectorBytes = 4 * L.lanes
    let biasBytes = UnsafeRawPointer(bias + first)
    var acc = InlineArray<8, L.Vector>(repeating: .zero)
    for v in 0..<vectors {
      acc[v] = biasBytes.loadUnaligned(fromByteOffset: vectorBytes * v, as: L.Vector.self)
    }
    let x = UnsafeRawPointer(taps)
    var row = UnsafeRawPointer(w + 2 * first)
    let rowBytes = 4 * outputs
    for k in 0..<pairs {
      let input = L.input(x.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self))
      for v in 0..<vectors { L.multiplyAdd(&acc[v], row + vectorBytes * v, input) }
      row += rowBytes
    }
    let out = UnsafeMutableRawPointer(sums + first)
    for v in 0..<vectors { out.storeBytes(of: acc[v], toByteOffset: vectorBytes * v, as: L.Vector.self) }
  }
}

// MARK: - Two ways to multiply pairs in lanes

/// One vector of output channels' accumulators, and how one tap pair's weights for those
/// channels (one int16 pair per channel, side by side in memory) are multiplied by the input
/// pair and added.
protocol PairLanes {
  associatedtype Vector: SIMD where Vector.Scalar == Int32
  /// The input pair in the form `multiplyAdd` takes, computed once per pair.
  associatedtype Input
  /// Channels per vector.
  static var lanes: Int { get }
  /// `pair`: tap 2k in the low half, tap 2k + 1 in the high half.
  static func input(_ pair: Int32) -> Input
  /// acc[c] += w[c, 0] · x0 + w[c, 1] · x1 for the vector's channels, weights at `weights`.
  static func multiplyAdd(_ acc: inout Vector, _ weights: UnsafeRawPointer, _ input: Input)
}

/// 4 channels per 128-bit vector: the 8 products of weights × [x0, x1, x0, x1, ...] added
/// pairwise, even lanes + odd lanes, which compiles to one `pmaddwd` (SSE2; `vpdpwssd` with the
/// add under AVX-512 VNNI). Only 4-lane selections compile to shuffles: wider ones become a loop
/// over the lanes, hundreds of times slower.
enum PairwiseLanes: PairLanes {
  static var lanes: Int { 4 }

  @inline(__always) static func input(_ pair: Int32) -> SIMD8<Int32> {
    SIMD8<Int32>(truncatingIfNeeded: unsafeBitCast(SIMD4<Int32>(repeating: pair), to: SIMD8<Int16>.self))
  }

  @inline(__always) static func multiplyAdd(
    _ acc: inout SIMD4<Int32>, _ weights: UnsafeRawPointer, _ x: SIMD8<Int32>
  ) {
    let products = SIMD8<Int32>(truncatingIfNeeded: weights.loadUnaligned(as: SIMD8<Int16>.self)) &* x
    acc &+= products[SIMD4<Int>(0, 2, 4, 6)] &+ products[SIMD4<Int>(1, 3, 5, 7)]
  }
}

/// 16 channels per 512-bit vector, each 32-bit lane one channel's weight pair, sign-extended half
/// by half with shifts and multiplied by the broadcast taps: two multiply-adds per pair.
enum ShiftedLanes: PairLanes {
  static var lanes: Int { 16 }

  @inline(__always) static func input(_ pair: Int32) -> (SIMD16<Int32>, SIMD16<Int32>) {
    (SIMD16<Int32>(repeating: (pair &<< 16) &>> 16), SIMD16<Int32>(repeating: pair &>> 16))
  }

  @inline(__always) static func multiplyAdd(
    _ acc: inout SIMD16<Int32>, _ weights: UnsafeRawPointer, _ x: (SIMD16<Int32>, SIMD16<Int32>)
  ) {
    let p = weights.loadUnaligned(as: SIMD16<Int32>.self)
    acc &+= ((p &<< 16) &>> 16) &* x.0 &+ (p &>> 16) &* x.1
  }
}
