import Foundation
import Trainer

// MARK: - ImageMetrics

/// Reconstruction quality of gray images: PSNR and SSIM, on the 8-bit scale (peak L = 255).
///
/// Inputs are `PixelPlane`s, so 8-bit images and unit-float frames ([0, 1], scaled by 255) give
/// the same figures for the same picture.
///
/// ```swift
/// let a = PixelPlane(width: 2, height: 1, values: [0, 0])
/// let b = PixelPlane(width: 2, height: 1, values: [10, 0])
/// try ImageMetrics.psnr(a, b)   // MSE 50 -> 10·log10(255² / 50) = 31.1411 dB
/// try ImageMetrics.ssim(a, a)   // 1 for any image of at least 11x11
/// ```
public enum ImageMetrics {
  /// The peak value L of the 8-bit scale.
  public static let peak: Double = 255

  // MARK: - PSNR

  /// The value reported for a pair of identical images in means over pairs (`meanPSNR`), in dB.
  ///
  /// A single identical pair has PSNR = +inf (`psnr` returns `.infinity`). A mean over pairs caps
  /// each pair at 100 dB so that one perfect frame does not make the mean infinite. 100 dB lies
  /// above every finite PSNR of 8-bit images up to 153,787 pixels (the smallest non-zero MSE is
  /// 1/pixels, and 10·log10(255² · 24,960) = 92.1 dB for a 208x120 frame), so the cap changes
  /// only exact matches.
  public static let psnrCapDB: Double = 100

  /// Mean squared error of two same-size planes (0...255 scale).
  public static func meanSquaredError(_ a: PixelPlane, _ b: PixelPlane) throws -> Double {
    try meanSquaredError(a, b, metric: "MSE")
  }

  static func meanSquaredError(_ a: PixelPlane, _ b: PixelPlane, metric: String) throws -> Double {
    try checkSameSize(a, b, metric: metric)
    guard !a.values.isEmpty else { throw EvaluationError("\(metric): images are empty") }
    var sum: Double = 0
    for i in a.values.indices {
      let d = a.values[i] - b.values[i]
      sum += d * d
    }
    return sum / Double(a.values.count)
  }

  /// Peak signal-to-noise ratio in dB: 10·log10(255² / MSE); `+infinity` when the images are
  /// identical (MSE = 0).
  ///
  /// ```swift
  /// // MSE 1 -> 10·log10(65025) = 48.1308 dB
  /// ```
  public static func psnr(_ a: PixelPlane, _ b: PixelPlane) throws -> Double {
    let mse = try meanSquaredError(a, b, metric: "PSNR")
    if mse == 0 { return .infinity }
    return 10 * log10(peak * peak / mse)
  }

  /// The mean PSNR over pairs, each pair capped at `psnrCapDB` (see there).
  public static func meanPSNR(_ pairs: [(PixelPlane, PixelPlane)]) throws -> Double {
    guard !pairs.isEmpty else { throw EvaluationError("PSNR: no image pairs to average") }
    var sum: Double = 0
    for (a, b) in pairs { sum += min(try psnr(a, b), psnrCapDB) }
    return sum / Double(pairs.count)
  }

  // MARK: - SSIM

  /// Side of the square SSIM window (Wang et al. 2004).
  public static let ssimWindow = 11
  /// Standard deviation of the Gaussian SSIM window, in pixels.
  public static let ssimSigma: Double = 1.5
  public static let ssimK1: Double = 0.01
  public static let ssimK2: Double = 0.03

  /// The 11 one-dimensional Gaussian weights w(i) = exp(-(i-5)² / (2·1.5²)), normalised to sum 1.
  /// The 11x11 window is their outer product (it sums to 1).
  public static let ssimWeights1D: [Double] = {
    let half = Double(ssimWindow / 2)
    let raw = (0..<ssimWindow).map { i -> Double in
      let x = Double(i) - half
      return exp(-x * x / (2 * ssimSigma * ssimSigma))
    }
    let total = raw.reduce(0, +)
    return raw.map { $0 / total }
  }()

  /// Mean structural similarity of two gray images (Wang, Bovik, Sheikh, Simoncelli 2004).
  ///
  /// Exact definition: for every position where the 11x11 window lies fully inside the image
  /// ((H-10)·(W-10) positions, no padding, no downsampling), with Gaussian window weights w
  /// (σ = 1.5, sum 1):
  /// - μx = Σ w·x, μy = Σ w·y
  /// - σx² = Σ w·x² − μx², σy² = Σ w·y² − μy², σxy = Σ w·x·y − μx·μy
  /// - SSIM = (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)),
  ///   C1 = (0.01·255)², C2 = (0.03·255)²
  ///
  /// The result is the plain mean over those positions. Images must be at least 11x11.
  ///
  /// ```swift
  /// try ImageMetrics.ssim(a, a)   // 1
  /// ```
  public static func ssim(_ a: PixelPlane, _ b: PixelPlane) throws -> Double {
    try checkSameSize(a, b, metric: "SSIM")
    guard a.width >= ssimWindow && a.height >= ssimWindow else {
      throw EvaluationError(
        "SSIM: images of \(a.sizeText) are smaller than the \(ssimWindow)x\(ssimWindow) window")
    }
    let x = a.values, y = b.values
    let n = x.count
    var xx = [Double](repeating: 0, count: n)
    var yy = [Double](repeating: 0, count: n)
    var xy = [Double](repeating: 0, count: n)
    for i in 0..<n {
      xx[i] = x[i] * x[i]
      yy[i] = y[i] * y[i]
      xy[i] = x[i] * y[i]
    }
    let w = a.width, h = a.height
    let muX = gaussianValid(x, width: w, height: h)
    let muY = gaussianValid(y, width: w, height: h)
    let eXX = gaussianValid(xx, width: w, height: h)
    let eYY = gaussianValid(yy, width: w, height: h)
    let eXY = gaussianValid(xy, width: w, height: h)
    let c1 = (ssimK1 * peak) * (ssimK1 * peak)
    let c2 = (ssimK2 * peak) * (ssimK2 * peak)
    var sum: Double = 0
    for i in muX.indices {
      let mx = muX[i], my = muY[i]
      let vx = eXX[i] - mx * mx
      let vy = eYY[i] - my * my
      let cxy = eXY[i] - mx * my
      sum += ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    }
    return sum / Double(muX.count)
  }

  /// The mean SSIM over pairs.
  public static func meanSSIM(_ pairs: [(PixelPlane, PixelPlane)]) throws -> Double {
    guard !pairs.isEmpty else { throw EvaluationError("SSIM: no image pairs to average") }
    var sum: Double = 0
    for (a, b) in pairs { sum += try ssim(a, b) }
    return sum / Double(pairs.count)
  }

  // MARK: - Helpers

  /// Gaussian-weighted sums over every valid 11x11 window, separably (rows, then columns):
  /// [height, width] -> [height-10, width-10].
  static func gaussianValid(_ v: [Double], width: Int, height: Int) -> [Double] {
    let k = ssimWeights1D
    let outW = width - ssimWindow + 1, outH = height - ssimWindow + 1
    var rows = [Double](repeating: 0, count: height * outW)
    for r in 0..<height {
      for c in 0..<outW {
        var s: Double = 0
        for t in 0..<ssimWindow { s += k[t] * v[r * width + c + t] }
        rows[r * outW + c] = s
      }
    }
    var out = [Double](repeating: 0, count: outH * outW)
    for r in 0..<outH {
      for c in 0..<outW {
        var s: Double = 0
        for t in 0..<ssimWindow { s += k[t] * rows[(r + t) * outW + c] }
        out[r * outW + c] = s
      }
    }
    return out
  }

  static func checkSameSize(_ a: PixelPlane, _ b: PixelPlane, metric: String) throws {
    guard a.width == b.width && a.height == b.height else {
      throw EvaluationError("\(metric): images differ in size (\(a.sizeText) vs \(b.sizeText))")
    }
  }
}
