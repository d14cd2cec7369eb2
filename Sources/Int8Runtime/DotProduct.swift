// MARK: - DotProduct

/// The inner loops of the streaming runtime: dot products of contiguous integer vectors with a
/// 32-bit accumulator, written plainly so that the optimiser turns them into wide multiply-adds
/// (x86 `vpmaddwd`, Arm `smlad`). Wrapping arithmetic (`&+`, `&*`) only removes the overflow
/// traps: the int8 reader's accumulator bound (docs/INT8.md) keeps every partial sum of a layer's
/// row inside 32 bits, so the results are the exact integers of the reference kernels.
///
/// The streaming decoder keeps relu outputs as u = x − zy (0 ... 255, `UInt8`): the zero point
/// then drops out of the next layer's sum, Σ w·(x − zy) = Σ w·u, and the padding is plain 0.
///
/// ```swift
/// // w = [3, −2], x = [100, 40]:  3·100 − 2·40 = 220
/// DotProduct.int8(w, int16: x, count: 2)                    // 220
/// // an int8 input with zero point zx = 5: 3·(10 − 5) − 2·(20 − 5)
/// DotProduct.int8(w, int8: [10, 20], zeroPoint: 5, count: 2)  // −15
/// ```
public enum DotProduct {
  /// Σ w[i] · x[i], int8 weights, int16 inputs (LSTM, dense layers on h and latents).
  @inlinable @inline(__always)
  public static func int8(_ w: UnsafePointer<Int8>, int16 x: UnsafePointer<Int16>, count n: Int) -> Int32 {
    var acc: Int32 = 0
    for i in 0..<n { acc &+= Int32(w[i]) &* Int32(x[i]) }
    return acc
  }

  /// Σ w[i] · u[i], int8 weights, unsigned inputs without a zero point (after a relu).
  @inlinable @inline(__always)
  public static func int8(_ w: UnsafePointer<Int8>, uint8 u: UnsafePointer<UInt8>, count n: Int) -> Int32 {
    var acc: Int32 = 0
    for i in 0..<n { acc &+= Int32(w[i]) &* Int32(u[i]) }
    return acc
  }

  /// A 3x3 kernel row over an upsampled input: the three column taps' weights lie one after the
  /// other (w, w + n, w + 2n) but read three separate input pixels, summed in one loop.
  @inlinable @inline(__always)
  public static func int8(
    _ w: UnsafePointer<Int8>, uint8 u0: UnsafePointer<UInt8>, _ u1: UnsafePointer<UInt8>,
    _ u2: UnsafePointer<UInt8>, count n: Int
  ) -> Int32 {
    let (w1, w2) = (w + n, w + 2 * n)
    var acc: Int32 = 0
    for i in 0..<n {
      acc &+= Int32(w[i]) &* Int32(u0[i]) &+ Int32(w1[i]) &* Int32(u1[i]) &+ Int32(w2[i]) &* Int32(u2[i])
    }
    return acc
  }

  /// Σ w[i] · u[i], int16 weights (sub-pixel phase taps), unsigned inputs (after a relu).
  @inlinable @inline(__always)
  public static func int16(_ w: UnsafePointer<Int16>, uint8 u: UnsafePointer<UInt8>, count n: Int) -> Int32 {
    var acc: Int32 = 0
    for i in 0..<n { acc &+= Int32(w[i]) &* Int32(u[i]) }
    return acc
  }

  /// Σ w0[i] · u0[i] + w1[i] · u1[i]: two int16-by-unsigned rows in one loop, so the vector
  /// partial sums are reduced once (the pixel conv's two tap rows of a sub-pixel phase).
  @inlinable @inline(__always)
  public static func int16(
    _ w0: UnsafePointer<Int16>, uint8 u0: UnsafePointer<UInt8>, _ w1: UnsafePointer<Int16>,
    uint8 u1: UnsafePointer<UInt8>, count n: Int
  ) -> Int32 {
    var acc: Int32 = 0
    for i in 0..<n { acc &+= Int32(w0[i]) &* Int32(u0[i]) &+ Int32(w1[i]) &* Int32(u1[i]) }
    return acc
  }

  /// Σ w[i] · (x[i] − zx), int8 weights and int8 inputs with a zero point (conv1 reads
  /// decoder.expand, which has no relu). x − zx is formed in 16 bits (|x − zx| ≤ 255), which keeps
  /// the loop one multiply-add reduction.
  @inlinable @inline(__always)
  public static func int8(
    _ w: UnsafePointer<Int8>, int8 x: UnsafePointer<Int8>, zeroPoint zx: Int8, count n: Int
  ) -> Int32 {
    let z = Int16(zx)
    var acc: Int32 = 0
    for i in 0..<n { acc &+= Int32(w[i]) &* Int32(Int16(x[i]) &- z) }
    return acc
  }

  // MARK: 12-bit inputs (`ActivationBits.wide`, held in int16)

  /// Σ w[i] · (x[i] − zx) for a 12-bit input with a zero point (conv1 reading a 12-bit
  /// decoder.expand): |x − zx| ≤ 4095 still fits 16 bits.
  @inlinable @inline(__always)
  public static func int8(
    _ w: UnsafePointer<Int8>, int16 x: UnsafePointer<Int16>, zeroPoint zx: Int16, count n: Int
  ) -> Int32 {
    var acc: Int32 = 0
    for i in 0..<n { acc &+= Int32(w[i]) &* Int32(x[i] &- zx) }
    return acc
  }

  /// The three-column upsampled kernel row of `int8(_:uint8:_:_:count:)` over 12-bit inputs
  /// kept as u = x − zy (0 ... 4095) in int16.
  @inlinable @inline(__always)
  public static func int8(
    _ w: UnsafePointer<Int8>, int16 u0: UnsafePointer<Int16>, _ u1: UnsafePointer<Int16>,
    _ u2: UnsafePointer<Int16>, count n: Int
  ) -> Int32 {
    let (w1, w2) = (w + n, w + 2 * n)
    var acc: Int32 = 0
    for i in 0..<n {
      acc &+= Int32(w[i]) &* Int32(u0[i]) &+ Int32(w1[i]) &* Int32(u1[i]) &+ Int32(w2[i]) &* Int32(u2[i])
    }
    return acc
  }

  /// Σ w[i] · u[i], int16 phase weights by 12-bit unsigned inputs in int16.
  @inlinable @inline(__always)
  public static func int16(_ w: UnsafePointer<Int16>, int16 u: UnsafePointer<Int16>, count n: Int) -> Int32 {
    var acc: Int32 = 0
    for i in 0..<n { acc &+= Int32(w[i]) &* Int32(u[i]) }
    return acc
  }

  /// The two tap rows of `int16(_:uint8:_:uint8:count:)` over 12-bit inputs in int16.
  @inlinable @inline(__always)
  public static func int16(
    _ w0: UnsafePointer<Int16>, int16 u0: UnsafePointer<Int16>, _ w1: UnsafePointer<Int16>,
    int16 u1: UnsafePointer<Int16>, count n: Int
  ) -> Int32 {
    var acc: Int32 = 0
    for i in 0..<n { acc &+= Int32(w0[i]) &* Int32(u0[i]) &+ Int32(w1[i]) &* Int32(u1[i]) }
    return acc
  }
}

// MARK: - Typed views of file tensors

#if _endian(big)
  #error("the streaming kernels read little-endian tensors in place")
#endif

extension Int8Values {
  /// The first element, for the streaming kernels (int8 needs no alignment).
  @inlinable var pointer: UnsafePointer<Int8> {
    UnsafePointer(bytes.baseAddress!.assumingMemoryBound(to: Int8.self))
  }
}

extension Int16Values {
  /// The first element; tensor data are 16-byte aligned in the container.
  @inlinable var pointer: UnsafePointer<Int16> {
    UnsafePointer(bytes.baseAddress!.assumingMemoryBound(to: Int16.self))
  }
}

extension Int32Values {
  /// The first element; tensor data are 16-byte aligned in the container.
  @inlinable var pointer: UnsafePointer<Int32> {
    UnsafePointer(bytes.baseAddress!.assumingMemoryBound(to: Int32.self))
  }
}

// MARK: - RowRequantization

/// A layer's per-channel requantisation read through typed pointers, for the per-output step of
/// the streaming kernels: the same integers as `ChannelRequantization.requantize`.
struct RowRequantization {
  let bias: UnsafePointer<Int32>
  let multiplier: UnsafePointer<Int32>
  let shift: UnsafePointer<Int8>

  init(bias: Int32Values, _ r: ChannelRequantization) {
    self.bias = bias.pointer
    multiplier = r.multiplier.pointer
    shift = r.shift.pointer
  }

  /// clamp(scaled(acc, M[o], r[o]) + zeroPoint, lo, hi)
  @inline(__always)
  func callAsFunction(_ acc: Int32, _ o: Int, zeroPoint: Int32, min lo: Int32, max hi: Int32) -> Int32 {
    Requantization.requantize(
      acc, multiplier: multiplier[o], shift: shift[o], zeroPoint: zeroPoint, min: lo, max: hi)
  }
}
