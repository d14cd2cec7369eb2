// MARK: - DotProduct

/// The inner loops of the streaming runtime: dot products of contiguous little-endian integer
/// vectors with a 32-bit accumulator, written plainly so that the optimiser turns them into wide
/// multiply-adds (x86 `vpmaddwd`, Arm `smlad`). Wrapping arithmetic (`&+`, `&*`) only removes the
/// overflow traps: the int8 reader's accumulator bound (docs/INT8.md) keeps every partial sum of a
/// layer's row inside 32 bits, so the results are the exact integers of the reference kernels.
///
/// ```swift
/// // w = [3, −2], x = [100, 40]:  3·100 − 2·40 = 220
/// DotProduct.int8(w, int16: x, count: 2)                    // 220
/// // weight sums serve the zero point: Σ w·(x − zx) = Σ w·x − zx·Σ w
/// DotProduct.int8(w, int8: [10, 20], count: 2)              // (30 − 40) = −10, and Σ w = 1
/// ```
public enum DotProduct {
  /// Σ w[i] · x[i], int8 weights, int16 inputs (LSTM, dense layers on h and latents).
  @inlinable @inline(__always)
  public static func int8(_ w: UnsafePointer<Int8>, int16 x: UnsafePointer<Int16>, count n: Int) -> Int32 {
    var acc: Int32 = 0
    for i in 0..<n { acc &+= Int32(w[i]) &* Int32(x[i]) }
    return acc
  }

  /// Σ w[i] · x[i] and Σ w[i], int8 weights and int8 inputs (convolutions, per-pixel dense).
  @inlinable @inline(__always)
  public static func int8(
    _ w: UnsafePointer<Int8>, int8 x: UnsafePointer<Int8>, count n: Int
  ) -> (product: Int32, weightSum: Int32) {
    var acc: Int32 = 0
    var sum: Int32 = 0
    for i in 0..<n {
      acc &+= Int32(w[i]) &* Int32(x[i])
      sum &+= Int32(w[i])
    }
    return (acc, sum)
  }

  /// Σ w[i] · x[i] and Σ w[i], int16 weights (sub-pixel phase taps) and int8 inputs.
  @inlinable @inline(__always)
  public static func int16(
    _ w: UnsafePointer<Int16>, int8 x: UnsafePointer<Int8>, count n: Int
  ) -> (product: Int32, weightSum: Int32) {
    var acc: Int32 = 0
    var sum: Int32 = 0
    for i in 0..<n {
      acc &+= Int32(w[i]) &* Int32(x[i])
      sum &+= Int32(w[i])
    }
    return (acc, sum)
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
