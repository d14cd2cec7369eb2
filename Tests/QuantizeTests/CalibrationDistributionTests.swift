import Foundation
import Int8Runtime
import Testing

@testable import Quantize

// MARK: - Every method on four distributions with known answers

/// A Gaussian, a Laplacian, a bimodal mix (200,000 values each) and a Gaussian with rare far
/// outliers (at 20 and 25 among 1,000,000), seeded, observed in batches of 4,000 as
/// calibration batches are.
///
/// The outliers are rare enough for clipping them to pay: at 8 bits, clipping a fraction f of
/// values by d costs f · d², while spending the scale on them costs about (range / 255)² / 12
/// for every value, so clipping wins only for f below roughly 10^-6. (Both outliers are high:
/// `mse` scores its candidates on every 15th sorted value from the smallest, so a low outlier
/// there would count 15 times over and keep the min-max range.)
@Suite struct CalibrationDistributionTests {
  static let count = 200_000

  /// Made once for every test here (sorting and observing a million values is slow in debug).
  static let cases = distributions().map { ($0.name, $0.values, observed($0.values)) }

  static func distributions() -> [(name: String, values: [Double])] {
    let g = MovingAverageAndEntropyCalibrationTests.gaussian(count, seed: 21)
    var rng = DanceRandom(seed: 22)
    let laplacian = (0..<count).map { _ -> Double in
      let u = (Double(rng.next()) + 0.5) / 4_294_967_296 - 0.5
      return -(u < 0 ? -1 : 1) * log(1 - 2 * abs(u))
    }
    let bimodal = g.indices.map { i in (i % 2 == 0 ? 4 : -4) + 0.5 * g[i] }
    var outliers = MovingAverageAndEntropyCalibrationTests.gaussian(1_000_000, seed: 23)
    outliers[123_457] = 20
    outliers[876_543] = 25
    return [("gaussian", g), ("laplacian", laplacian), ("bimodal", bimodal), ("outliers", outliers)]
  }

  static func observed(_ values: [Double]) -> RangeObserver {
    var o = RangeObserver(seed: 1)
    for start in stride(from: 0, to: values.count, by: 4000) {
      o.observe(values[start..<min(start + 4000, values.count)])
    }
    return o
  }

  static let methods: [CalibrationMethod] = AutoCalibration.candidates + [.auto]

  @Test func minmaxClipsNothing() {
    for (name, values, o) in Self.cases {
      let r = o.range(.minmax)
      #expect(o.fractionOutside(lo: r.lo, hi: r.hi) == 0, "\(name)")
      #expect(r == (values.min()!, values.max()!), "\(name)")
    }
  }

  /// percentile p clips (100 − p) % at each end: 0.1 % + 0.1 % for p = 99.9.
  @Test func percentileClipsTheStatedFraction() {
    for (name, _, o) in Self.cases {
      let r = o.range(.percentile(99.9))
      let clipped = o.fractionOutside(lo: r.lo, hi: r.hi)
      #expect(abs(clipped - 0.002) < 0.0001, "\(name): clipped \(clipped)")
    }
  }

  /// Every method keeps the bulk of every distribution (its 1 % and 99 % quantiles, so both
  /// modes of the mix) inside its range, and never reaches past the values seen.
  @Test func everyMethodKeepsTheBulkInsideTheValuesSeen() {
    for (name, values, o) in Self.cases {
      let sorted = values.sorted()
      let (q1, q99) = (RangeObserver.quantile(sorted, 0.01), RangeObserver.quantile(sorted, 0.99))
      for method in Self.methods {
        let r = o.range(method)
        #expect(r.lo <= q1 && r.hi >= q99, "\(name), \(method.name): \(r) vs [\(q1), \(q99)]")
        #expect(r.lo >= o.minimum && r.hi <= o.maximum, "\(name), \(method.name): \(r)")
      }
    }
  }

  /// Rare outliers: mse and entropy choose a range well inside the outliers' and quantise the
  /// values with less error than minmax, which spends its scale on them.
  @Test func mseAndEntropyIgnoreRareOutliersAndBeatMinmax() {
    let (_, values, o) = Self.cases[3]
    let minmaxError = AutoCalibration.error(values, Int8Activation(lo: o.minimum, hi: o.maximum))
    for method in [CalibrationMethod.mse, .entropy] {
      let r = o.range(method)
      #expect(r.hi < 10 && r.hi > 3 && r.lo < -3, "\(method.name): \(r)")
      let e = AutoCalibration.error(values, Int8Activation(lo: r.lo, hi: r.hi))
      #expect(e < minmaxError, "\(method.name): error \(e), minmax \(minmaxError)")
    }
  }

  /// ema-minmax with momentum m: after a step in the batches' largest value from a to b, k
  /// batches later the average is b + (a − b) · m^k; on real batches it stays between the
  /// smallest and largest batch maximum.
  @Test func emaTracksWithinItsMomentum() {
    for (name, _, o) in Self.cases {
      let hi = o.range(.emaMinmax(0.9)).hi
      #expect(hi >= o.batchMaxima.min()! && hi <= o.batchMaxima.max()!, "\(name): \(hi)")
    }
    var o = RangeObserver(seed: 1)
    for b in 0..<30 { o.observe([-1, b < 10 ? 1.0 : 3.0]) }
    let expected = 3 - 2 * Foundation.pow(0.9, 20.0)
    #expect(abs(o.range(.emaMinmax(0.9)).hi - expected) < 1e-12)
  }
}
