import Evaluation
import FloatRandom
import Foundation
import ImageIO
import Int8Runtime
import Testing
import Trainer

// MARK: - Helpers

/// A structured test picture: a diagonal ramp with a dark square, on the 0...255 scale.
private func testPicture(width: Int, height: Int) -> PixelPlane {
  var v = [Double](repeating: 0, count: width * height)
  for r in 0..<height {
    for c in 0..<width {
      let ramp = 40 + 160 * Double(r + c) / Double(width + height)
      let inSquare = r >= height / 4 && r < height / 2 && c >= width / 3 && c < 2 * width / 3
      v[r * width + c] = inSquare ? 20 : ramp
    }
  }
  return PixelPlane(width: width, height: height, values: v)
}

/// `p` plus Gaussian noise of standard deviation `sigma` (DanceRandom, fixed seed).
private func noisy(_ p: PixelPlane, sigma: Double, seed: UInt64) -> PixelPlane {
  var rng = DanceRandom(seed: seed)
  let v = p.values.map { $0 + sigma * (DanceRandomFloats.gaussian(&rng) as Double) }
  return PixelPlane(width: p.width, height: p.height, values: v)
}

/// SSIM written the direct way (2-D window, no separability), as an independent reference.
private func directSSIM(_ a: PixelPlane, _ b: PixelPlane) -> Double {
  let w1: [Double] = (0..<11).map { k in exp(-Double((k - 5) * (k - 5)) / 4.5) }
  let s1: Double = w1.reduce(0, +)
  let total = s1 * s1
  let c1 = 6.5025, c2 = 58.5225  // (0.01·255)², (0.03·255)²
  var sum = 0.0, count = 0
  for r in 0...(a.height - 11) {
    for c in 0...(a.width - 11) {
      var mx = 0.0, my = 0.0, xx = 0.0, yy = 0.0, xy = 0.0
      for i in 0..<11 {
        for j in 0..<11 {
          let w = w1[i] * w1[j] / total
          let x = a.values[(r + i) * a.width + c + j], y = b.values[(r + i) * a.width + c + j]
          mx += w * x
          my += w * y
          xx += w * x * x
          yy += w * y * y
          xy += w * x * y
        }
      }
      let vx = xx - mx * mx, vy = yy - my * my, cxy = xy - mx * my
      sum += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2))
      count += 1
    }
  }
  return sum / Double(count)
}

@Suite struct EvalImageMetricsTests {
  // MARK: - PSNR

  @Test func psnrOfAKnownMSE() throws {
    // 16 pixels, one differs by 40: MSE = 1600 / 16 = 100 -> 10·log10(65025 / 100) dB.
    let a = PixelPlane(width: 4, height: 4, values: [Double](repeating: 0, count: 16))
    var v = a.values
    v[5] = 40
    let b = PixelPlane(width: 4, height: 4, values: v)
    #expect(try ImageMetrics.meanSquaredError(a, b) == 100)
    #expect(abs(try ImageMetrics.psnr(a, b) - 28.130803608679106) < 1e-12)
  }

  @Test func identicalImagesHaveInfinitePSNRAndTheMeanCapsThem() throws {
    let a = PixelPlane(width: 4, height: 4, values: (0..<16).map { Double($0) * 10 })
    var v = a.values
    v[0] += 40
    let b = PixelPlane(width: 4, height: 4, values: v)
    #expect(try ImageMetrics.psnr(a, a) == .infinity)
    // (100 + 28.1308...) / 2
    #expect(abs(try ImageMetrics.meanPSNR([(a, a), (a, b)]) - 64.06540180433956) < 1e-12)
  }

  @Test func unitFloatFramesMatchTheirEightBitImages() throws {
    let image = GrayImage(width: 3, height: 1, pixels: [0, 51, 255])
    let unit = PixelPlane(unit: [Float(0), 0.2, 1], width: 3, height: 1)
    let eight = PixelPlane(image)
    #expect(eight.values == [0, 51, 255])
    for (x, y) in zip(unit.values, eight.values) { #expect(abs(x - y) < 1e-4) }
  }

  @Test func mismatchedAndEmptyInputsThrowOneLine() {
    let a = PixelPlane(width: 2, height: 1, values: [0, 0])
    let b = PixelPlane(width: 1, height: 2, values: [0, 0])
    #expect(throws: EvaluationError("PSNR: images differ in size (2x1 vs 1x2)")) {
      try ImageMetrics.psnr(a, b)
    }
    #expect(throws: EvaluationError.self) { try ImageMetrics.meanPSNR([]) }
    #expect(throws: EvaluationError("SSIM: images of 2x1 are smaller than the 11x11 window")) {
      try ImageMetrics.ssim(a, a)
    }
  }

  // MARK: - SSIM

  @Test func gaussianWindowIsNormalisedAndSymmetric() {
    let w = ImageMetrics.ssimWeights1D
    #expect(w.count == 11)
    #expect(abs(w.reduce(0, +) - 1) < 1e-15)
    for i in 0..<5 { #expect(w[i] == w[10 - i]) }
    // Centre weight: 1 / Σ exp(-k² / 4.5), k = -5...5.
    var raw: Double = 0
    for k in -5...5 { raw += exp(-Double(k * k) / 4.5) }
    let centre = 1 / raw
    #expect(abs(w[5] - centre) < 1e-15)
  }

  @Test func ssimOfIdenticalImagesIsOne() throws {
    let a = testPicture(width: 24, height: 20)
    #expect(abs(try ImageMetrics.ssim(a, a) - 1) < 1e-12)
  }

  @Test func ssimOfTwoFlatImagesIsTheLuminanceTerm() throws {
    // No variance: SSIM = (2·100·120 + C1) / (100² + 120² + C1), C1 = 6.5025, at every window.
    let a = PixelPlane(width: 12, height: 11, values: [Double](repeating: 100, count: 132))
    let b = PixelPlane(width: 12, height: 11, values: [Double](repeating: 120, count: 132))
    #expect(abs(try ImageMetrics.ssim(a, b) - 0.9836109249983688) < 1e-12)
  }

  @Test func ssimMatchesTheDirectTwoDimensionalDefinition() throws {
    let a = testPicture(width: 17, height: 14)
    let b = noisy(a, sigma: 25, seed: 9)
    #expect(abs(try ImageMetrics.ssim(a, b) - directSSIM(a, b)) < 1e-12)
  }

  @Test func ssimFallsAsNoiseGrows() throws {
    let a = testPicture(width: 32, height: 24)
    let values = try [2.0, 10, 30, 80].map { try ImageMetrics.ssim(a, noisy(a, sigma: $0, seed: 5)) }
    #expect(values[0] < 1)
    for i in 1..<values.count { #expect(values[i] < values[i - 1]) }
    let mean = try ImageMetrics.meanSSIM([(a, a), (a, noisy(a, sigma: 30, seed: 5))])
    #expect(abs(mean - (1 + values[2]) / 2) < 1e-12)
  }
}
