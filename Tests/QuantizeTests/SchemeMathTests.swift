import Foundation
import Int8Runtime
import Testing

@testable import Quantize

// MARK: - The quantizer's scheme arithmetic, against exact and float64 references

@Suite struct SchemeMathTests {
  @Test func multiplierMatchesTheWorkedExampleOfTheSpec() {
    let q = RequantizationMultiplier(0.0123)
    #expect(q.multiplier == 1_690_499_128)
    #expect(q.shift == 37)
    #expect(Requantization.scaled(1000, multiplier: q.multiplier, shift: q.shift) == 12)
    #expect(Requantization.scaled(-1000, multiplier: q.multiplier, shift: q.shift) == -12)
  }

  @Test func multiplierIsWithinHalfAUnitOfItsLastBitOverManyScales() {
    var rng = DanceRandom(seed: 3)
    for _ in 0..<20_000 {
      // log-uniform over 2^-40 ... 2^20
      let m = Foundation.pow(2, Double(rng.next() >> 8) / 16_777_216 * 60 - 40)
      let q = RequantizationMultiplier(m)
      #expect(q.shift >= 1 && q.shift <= 62)
      // M uses 31 bits unless the shift had to be clamped at its largest, 62.
      #expect(q.multiplier >= 1 << 30 || q.shift == 62)
      #expect(abs(q.real - m) <= Foundation.pow(2, -Double(q.shift)) / 2 * 1.000001)
    }
    #expect(RequantizationMultiplier(0).multiplier == 0)
    // m so large that r clamps at 1: M saturates at 2^31 − 1 only if m ≥ 2^30.
    #expect(RequantizationMultiplier(Foundation.pow(2, 29)).multiplier == 1 << 30)
  }

  @Test func requantisedValueIsTheRoundedRealProduct() {
    // For every int8 x int8 product and a spread of multipliers, requantisation gives the
    // float64 product rounded half up (the spec's one rounding) whenever M/2^r is exact.
    for shift in [31, 35, 40] {
      let m = 0.75 * Foundation.pow(2, Double(31 - shift))
      let q = RequantizationMultiplier(m)
      #expect(q.real == m)
      for a in -128...127 {
        for b in stride(from: -128, through: 127, by: 5) {
          let acc = Int32(a * b * 1000)
          let exact = Double(acc) * m
          let expected = Int64((exact + 0.5).rounded(.down))
          #expect(Requantization.scaled(acc, multiplier: q.multiplier, shift: q.shift) == expected)
        }
      }
    }
  }

  @Test func channelWeightsUseTheFullRangeOfEveryRow() {
    let w = ChannelWeights(rows: 3, columns: 2, values: [0.5, -1.0, 0.02, 0.01, 0, 0])
    #expect(w.values == [64, -127, 127, 64, 0, 0])
    #expect(abs(w.scales[0] - 1.0 / 127) < 1e-15)
    #expect(abs(w.scales[1] - 0.02 / 127) < 1e-15)
    #expect(w.scales[2] == 1)
    for (a, b) in zip(w.dequantized, [0.5, -1.0, 0.02, 0.01, 0, 0]) {
      #expect(abs(a - b) <= 0.5 / 127 + 1e-12)
    }
  }

  @Test func int8ActivationKeepsZeroExact() {
    let relu = Int8Activation(lo: 0, hi: 2.55)
    #expect(relu.zeroPoint == -128)
    #expect(relu.quantize(0) == -128)
    #expect(relu.quantize(1.0) == -28)
    let linear = Int8Activation(lo: -1, hi: 3)
    #expect(linear.dequantize(linear.quantize(0)) == 0)
    #expect(abs(linear.dequantize(linear.quantize(-1)) + 1) <= linear.scale / 2 + 1e-12)
  }

  @Test func fractionBitsFitTheMagnitude() {
    #expect(int16FractionBits(forMagnitude: 5.2) == 12)
    #expect(int16FractionBits(forMagnitude: 0.3) == 15)
    #expect(int16FractionBits(forMagnitude: 40_000) == 0)
    for mag in [0.9, 1.0, 1.1, 7.99, 8.0, 100.0] {
      let f = int16FractionBits(forMagnitude: mag)
      #expect(mag * Foundation.pow(2, Double(f)) <= 32767)
      if f < 15 { #expect(mag * Foundation.pow(2, Double(f + 1)) > 32767) }
    }
  }

  @Test func pixelThresholdsGiveTheRoundedSigmoid() {
    for step in [0.0003, 0.01, 0.37] {
      let t = Int8Conversion.pixelThresholds(step: step)
      #expect(zip(t, t.dropFirst()).allSatisfy { $0 <= $1 })
      // The runtime's rule: the number of thresholds at or below the accumulator.
      let thresholds = { (acc: Int32) in t.reduce(0) { $0 + ($1 <= acc ? 1 : 0) } }
      let span = Int32(min(40_000, 12 / step))
      for acc in stride(from: -span, through: span, by: max(1, Int(span) / 3000)) {
        let p = 255 / (1 + Foundation.exp(-Double(acc) * step))
        #expect(thresholds(acc) == Int((p).rounded(.toNearestOrAwayFromZero)), "acc \(acc) step \(step)")
      }
    }
  }
}

// MARK: - Calibration ranges on distributions with known answers

@Suite struct RangeObserverTests {
  static func gaussians(_ n: Int, seed: UInt64) -> [Double] {
    var rng = DanceRandom(seed: seed)
    return (0..<n).map { _ in Double(rng.gaussianQ12()) / 4096 }
  }

  @Test func minmaxIsExact() {
    var o = RangeObserver(capacity: 10, seed: 1)
    let values = (0..<1000).map { Double($0 % 97) - 40 }
    o.observe(values)
    #expect(o.range(.minmax) == (-40, 56))
    #expect(o.count == 1000 && o.sample.count == 10)
  }

  @Test func percentileOfAUniformSampleIsNearTheTrueQuantile() {
    var o = RangeObserver(capacity: 100_000, seed: 2)
    var rng = DanceRandom(seed: 9)
    o.observe((0..<400_000).map { _ in Double(rng.next()) / 4_294_967_296 })
    let r = o.range(.percentile(99))
    #expect(abs(r.hi - 0.99) < 0.002)
    #expect(abs(r.lo - 0.01) < 0.002)
  }

  @Test func percentileIgnoresRareOutliersThatMinmaxKeeps() {
    var o = RangeObserver(seed: 3)
    var values = Self.gaussians(200_000, seed: 4)
    values[777] = 1000  // one outlier in 200,000
    o.observe(values)
    #expect(o.range(.minmax).hi == 1000)
    // The standard normal's 99.99th percentile is 3.72; Irwin–Hall's tails are a little lighter.
    let hi = o.range(.percentile(99.99)).hi
    #expect(hi > 3.3 && hi < 3.9)
  }

  /// Mean squared quantisation error of `values` under the range `r` on the `bits` grid.
  static func error(_ values: [Double], _ r: (lo: Double, hi: Double), bits: ActivationBits = .int8) -> Double
  {
    let a = Int8Activation(lo: r.lo, hi: r.hi, bits: bits)
    return values.reduce(0) { $0 + pow(a.dequantize(a.quantize($1)) - $1, 2) } / Double(values.count)
  }

  @Test func mseErrorIsNoWorseThanMinmaxOrPercentile() {
    // A Gaussian with rare far outliers, and a Laplacian (heavy tails): the mse range's int8
    // error over the values is at most the other methods'.
    var withOutliers = Self.gaussians(100_000, seed: 8)
    for i in stride(from: 0, to: 100_000, by: 20_000) { withOutliers[i] = 60 }
    var rng = DanceRandom(seed: 11)
    let laplacian = (0..<100_000).map { _ -> Double in
      let u = (Double(rng.next() >> 8) + 0.5) / 16_777_216 - 0.5
      return -(u < 0 ? -1 : 1) * Foundation.log(1 - 2 * abs(u))
    }
    for values in [withOutliers, laplacian] {
      var o = RangeObserver(seed: 7)
      o.observe(values)
      let mse = Self.error(values, o.range(.mse))
      #expect(mse <= Self.error(values, o.range(.minmax)) * 1.000001)
      #expect(mse <= Self.error(values, o.range(.percentile(99.99))) * 1.000001)
    }
  }

  /// On a 12-bit grid rounding costs 256 times less, so the mse range clips less: on a Laplacian
  /// (heavy tails) its range is wider than the 8-bit one, and on the 12-bit grid it has the least
  /// error of the two.
  @Test func mseOnA12BitGridClipsLess() {
    var rng = DanceRandom(seed: 12)
    let laplacian = (0..<100_000).map { _ -> Double in
      let u = (Double(rng.next() >> 8) + 0.5) / 16_777_216 - 0.5
      return -(u < 0 ? -1 : 1) * Foundation.log(1 - 2 * abs(u))
    }
    var o = RangeObserver(seed: 7)
    o.observe(laplacian)
    let (r8, r12) = (o.range(.mse), o.range(.mse, bits: .wide))
    #expect(r12.hi - r12.lo > r8.hi - r8.lo, "8-bit \(r8), 12-bit \(r12)")
    #expect(Self.error(laplacian, r12, bits: .wide) <= Self.error(laplacian, r8, bits: .wide))
    #expect(Self.error(laplacian, r8) <= Self.error(laplacian, r12))
  }

  @Test func mseKeepsTheFullRangeOfAUniformTensor() {
    var o = RangeObserver(seed: 9)
    var rng = DanceRandom(seed: 10)
    o.observe((0..<50_000).map { _ in Double(rng.next()) / 4_294_967_296 * 4 - 1 })
    let r = o.range(.mse)
    #expect(abs(r.lo + 1) < 0.01 && abs(r.hi - 3) < 0.01)
  }

  @Test func sameValuesGiveTheSameRange() {
    var a = RangeObserver(capacity: 1000, seed: 5)
    var b = RangeObserver(capacity: 1000, seed: 5)
    let values = Self.gaussians(50_000, seed: 6)
    a.observe(values)
    b.observe(values)
    #expect(a.range(.percentile(99.9)) == b.range(.percentile(99.9)))
  }
}

// MARK: - ema-minmax and entropy on distributions with known answers

@Suite struct MovingAverageAndEntropyCalibrationTests {
  /// Seeded standard normal values (Box-Muller on DanceRandom's uniform draws).
  static func gaussian(_ n: Int, seed: UInt64) -> [Double] {
    var rng = DanceRandom(seed: seed)
    return (0..<n).map { _ in
      let u1 = (Double(rng.next()) + 1) / 4_294_967_297
      let u2 = Double(rng.next()) / 4_294_967_296
      return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
  }

  @Test func movingAverageOfBatchExtremesFollowsTheFormula() {
    var o = RangeObserver(seed: 1)
    o.observe([-1.0, 4])  // batch 1: (-1, 4)
    o.observe([-3.0, 2])  // batch 2: (-3, 2)
    o.observe([0.0, 10])  // batch 3: (0, 10)
    let r = o.range(.emaMinmax(0.5))
    // lo: -1 → 0.5·(-1) + 0.5·(-3) = -2 → 0.5·(-2) + 0.5·0 = -1;  hi: 4 → 3 → 6.5
    #expect(r.lo == -1 && r.hi == 6.5)
    #expect(o.range(.emaMinmax(0)) == (0, 10))  // momentum 0: the last batch
    #expect(o.range(.minmax) == (-3, 10))
  }

  @Test func entropyKeepsAUniformRangeWhole() {
    var rng = DanceRandom(seed: 3)
    var o = RangeObserver(seed: 1)
    o.observe((0..<200_000).map { _ in Double(rng.next()) / 4_294_967_296 })
    let r = o.range(.entropy)
    #expect(r.lo == 0)
    #expect(r.hi > 0.97 && r.hi <= o.maximum, "threshold \(r.hi)")
  }

  /// A Gaussian at 8 bits: the least-error clipping point is near 4σ (Banner et al. 2019), about
  /// the largest of 200,000 draws (4.4σ here), so the threshold lies between 3σ and the sample's
  /// extremes, symmetric about 0.
  @Test func entropyKeepsAGaussiansBulkAndTail() {
    var o = RangeObserver(seed: 1)
    o.observe(Self.gaussian(200_000, seed: 5))
    let r = o.range(.entropy)
    #expect(r.hi > 3 && r.hi <= o.maximum, "threshold \(r.hi), max \(o.maximum)")
    #expect(r.lo < -3 && r.lo >= o.minimum, "threshold \(r.lo), min \(o.minimum)")
  }

  /// A Laplacian (heavier tail than a Gaussian): the threshold clips more of its range.
  @Test func entropyClipsALaplaciansTail() {
    var rng = DanceRandom(seed: 9)
    var o = RangeObserver(seed: 1)
    o.observe(
      (0..<200_000).map { _ -> Double in
        let u = (Double(rng.next()) + 0.5) / 4_294_967_296 - 0.5
        return -(u < 0 ? -1 : 1) * log(1 - 2 * abs(u))
      })
    let r = o.range(.entropy)
    #expect(r.hi > 3 && r.hi < 0.9 * o.maximum, "threshold \(r.hi), max \(o.maximum)")
  }

  /// Two modes at ±4: the threshold keeps both whole.
  @Test func entropyKeepsBothModesOfABimodalMix() {
    let g = Self.gaussian(200_000, seed: 7)
    var o = RangeObserver(seed: 1)
    o.observe(g.indices.map { i in (i % 2 == 0 ? 4 : -4) + 0.5 * g[i] })
    let r = o.range(.entropy)
    #expect(r.hi > 5 && r.lo < -5, "range \(r)")
  }

  /// Twenty values at 1,000 among 200,000 standard normal ones: minmax spends the scale on them,
  /// entropy ignores them.
  @Test func entropyIgnoresRareOutliers() {
    var o = RangeObserver(seed: 1)
    o.observe(Self.gaussian(200_000, seed: 11) + [Double](repeating: 1000, count: 20))
    #expect(o.range(.minmax).hi == 1000)
    #expect(o.range(.entropy).hi < 10, "threshold \(o.range(.entropy).hi)")
  }

  @Test func methodsParseByTheirCommandLineNames() {
    #expect(CalibrationMethod(parsing: "ema-minmax") == .emaMinmax(0.9))
    #expect(CalibrationMethod(parsing: "entropy") == .entropy)
    #expect(CalibrationMethod.entropy.name == "entropy")
  }
}
