// MARK: - Resizing

/// Resizing a gray image, each axis on its own, in exact integer arithmetic:
/// - an axis that shrinks (n source pixels -> m < n) uses the area average: output pixel i
///   covers source span [i n / m, (i + 1) n / m) and takes every source pixel with the length of
///   its overlap as weight;
/// - an axis that grows (m > n) uses linear interpolation with pixel centres aligned: output i
///   samples source position (i + 0.5) n / m - 0.5, clamped to [0, n - 1];
/// - an axis of equal size is copied.
/// Both passes keep exact integer numerators; the result is rounded once, half up.
///
/// ```swift
/// // 4x4 -> 2x2: each output is the mean of a 2x2 block.
/// let small = GrayImage(width: 4, height: 4, pixels: Array(0..<16).map { UInt8($0) })
///   .resized(width: 2, height: 2)                  // [3, 5, 11, 13]  (2.5 -> 3, 4.5 -> 5, ...)
/// // 2x1 -> 4x1: [a, 0.75a + 0.25b, 0.25a + 0.75b, b]
/// GrayImage(width: 2, height: 1, pixels: [0, 100]).resized(width: 4, height: 1).pixels
///                                                   // [0, 25, 75, 100]
/// ```
extension GrayImage {
  /// This image at `width` x `height` (both at least 1; the source must not be empty).
  public func resized(width newWidth: Int, height newHeight: Int) -> GrayImage {
    precondition(newWidth >= 1 && newHeight >= 1 && width >= 1 && height >= 1)
    if newWidth == width && newHeight == height { return self }
    let wx = AxisWeights(from: width, to: newWidth)
    let wy = AxisWeights(from: height, to: newHeight)

    // Horizontal pass: exact numerators over wx.denominator.
    var rows = [Int](repeating: 0, count: newWidth * height)
    for r in 0..<height {
      let src = r * width
      for c in 0..<newWidth {
        var sum = 0
        for t in wx.taps[c] { sum += t.weight * Int(pixels[src + t.index]) }
        rows[r * newWidth + c] = sum
      }
    }
    // Vertical pass, then one rounding over wx.denominator * wy.denominator.
    let denominator = wx.denominator * wy.denominator
    var out = [UInt8](repeating: 0, count: newWidth * newHeight)
    for r in 0..<newHeight {
      for c in 0..<newWidth {
        var sum = 0
        for t in wy.taps[r] { sum += t.weight * rows[t.index * newWidth + c] }
        out[r * newWidth + c] = UInt8((2 * sum + denominator) / (2 * denominator))
      }
    }
    return GrayImage(width: newWidth, height: newHeight, pixels: out)
  }
}

// MARK: - AxisWeights

/// Integer weights for one axis: output i = sum(taps[i].weight * source[taps[i].index]) /
/// denominator, with the weights of each output summing to the denominator.
struct AxisWeights {
  struct Tap {
    let index: Int
    let weight: Int
  }

  let taps: [[Tap]]
  let denominator: Int

  init(from n: Int, to m: Int) {
    if m == n {
      taps = (0..<n).map { [Tap(index: $0, weight: 1)] }
      denominator = 1
    } else if m < n {
      // In units of 1/m source pixels: source j spans [j m, (j + 1) m), output i spans
      // [i n, (i + 1) n). Overlap lengths are the weights; they sum to n.
      taps = (0..<m).map { i in
        let lo = i * n
        let hi = (i + 1) * n
        return (lo / m...((hi - 1) / m)).map { j in
          Tap(index: j, weight: min(hi, (j + 1) * m) - max(lo, j * m))
        }
      }
      denominator = n
    } else {
      // Source position of output i = ((2i + 1) n - m) / (2m), clamped to [0, n - 1].
      let d = 2 * m
      taps = (0..<m).map { i in
        let p = min(max((2 * i + 1) * n - m, 0), (n - 1) * d)
        let j = p / d
        let frac = p - j * d
        if frac == 0 { return [Tap(index: j, weight: d)] }
        return [Tap(index: j, weight: d - frac), Tap(index: j + 1, weight: frac)]
      }
      denominator = d
    }
  }
}
