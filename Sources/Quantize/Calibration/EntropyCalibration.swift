import Foundation

// MARK: - EntropyCalibration

/// Entropy calibration: the clipping threshold t that loses the least information when the
/// values are squeezed into `levels` quantisation levels, measured as the Kullback-Leibler
/// divergence between the calibration histogram and its quantised form (the method TensorRT and
/// ONNX Runtime call entropy calibration).
///
/// For non-negative values x (magnitudes, or a relu output; exact zeros left out, since every
/// range keeps them exact) and a histogram of B = 2048 bins over [0, max x], each candidate i = levels ... B (threshold at the end of bin i) gives:
/// ```text
/// P = bins 0 ..< i, with everything beyond bin i added to bin i − 1 (the clipped values)
/// Q = bins 0 ..< i merged into `levels` groups, each group's count spread evenly over its
///     non-empty bins (what int8 can still tell apart)
/// KL(P ‖ Q) = Σ P log(P / Q), both over P's total (so the clipped mass Q cannot hold counts
///     against the candidate), Q's empty bins at ε = 10^-4 / i
/// ```
/// and t = i · (bin width) for the i with the least divergence.
///
/// ```swift
/// EntropyCalibration.threshold(uniform0to1, levels: 255)   // ≈ 1: nothing worth clipping
/// EntropyCalibration.threshold(gaussian.map(abs), levels: 128)   // between 2.5σ and 5σ
/// ```
public enum EntropyCalibration {
  public static let bins = 2048
  static let epsilon = 1e-4

  /// The threshold for non-negative `values` (0 when there are none or all are 0).
  ///
  /// The histogram's resolution puts a floor under the answer: the smallest candidate is
  /// levels/2048 of the histogram's top. When the search lands on that floor (rare outliers
  /// stretched the histogram), it is repeated on [0, floor], the values beyond counting as
  /// clipped, until it settles inside the range (at most 8 times).
  public static func threshold(_ values: [Double], levels: Int) -> Double {
    precondition(levels >= 2 && levels <= bins, "levels in 2...\(bins)")
    var top = values.max() ?? 0
    for _ in 0..<8 {
      guard top > 0 else { return 0 }
      let (i, t) = search(values, top: top, levels: levels)
      if i > levels { return t }
      top = t
    }
    return top
  }

  /// The best candidate bin i and its threshold for a histogram over [0, top] (values above top
  /// are clipped at every candidate).
  static func search(_ values: [Double], top: Double, levels: Int) -> (bin: Int, threshold: Double) {
    let width = top / Double(bins)
    var histogram = [Double](repeating: 0, count: bins)
    var above = 0.0
    for v in values {
      precondition(v >= 0, "entropy calibration reads non-negative values")
      // Exact zeros (a relu's floor) are exact in every candidate range: they carry no
      // information about the threshold, and their spike would drown the rest of bin 0.
      if v == 0 { continue }
      if v > top { above += 1 } else { histogram[min(Int(v / width), bins - 1)] += 1 }
    }
    var best = bins
    var bestDivergence = Double.infinity
    var beyond = above + histogram[levels...].reduce(0, +)  // clipped at candidate `levels`
    for i in levels...bins {
      if i > levels { beyond -= histogram[i - 1] }
      if let d = divergence(histogram, clippedAt: i, outside: beyond, levels: levels), d < bestDivergence {
        bestDivergence = d
        best = i
      }
    }
    return (best, Double(best) * width)
  }

  /// KL(P ‖ Q) for the threshold at the end of bin i (nil when P or Q is empty).
  static func divergence(_ histogram: [Double], clippedAt i: Int, outside: Double, levels: Int) -> Double? {
    var p = Array(histogram[0..<i])
    p[i - 1] += outside
    var q = [Double](repeating: 0, count: i)
    for g in 0..<levels {
      let start = g * i / levels
      let end = (g + 1) * i / levels
      var total = 0.0
      var nonEmpty = 0
      for j in start..<end {
        total += histogram[j]
        if histogram[j] != 0 { nonEmpty += 1 }
      }
      guard nonEmpty > 0 else { continue }
      for j in start..<end where histogram[j] != 0 { q[j] = total / Double(nonEmpty) }
    }
    // Both over P's total: the clipped mass that Q cannot hold counts against the candidate.
    let pTotal = p.reduce(0, +)
    guard pTotal > 0 else { return nil }
    var d = 0.0
    for j in 0..<i where p[j] > 0 {
      let pj = p[j] / pTotal
      let qj = q[j] > 0 ? q[j] / pTotal : epsilon / Double(i)
      d += pj * log(pj / qj)
    }
    return d
  }

}
