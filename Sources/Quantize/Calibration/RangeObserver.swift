import Foundation
import Int8Runtime

// MARK: - RangeObserver

/// Watches the values one tensor takes during calibration and answers its clipping range.
///
/// It keeps the exact minimum and maximum, and a uniform sample of at most `capacity` values
/// (reservoir sampling, Vitter's algorithm R, drawing from a seeded `DanceRandom`, so the same
/// calibration data give the same range on every run) from which percentiles are read. A
/// paper decoder activation sees tens of millions of values; a sample of a million gives its
/// 99.99th percentile from the hundred largest sampled values.
///
/// ```swift
/// var o = RangeObserver(capacity: 1000, seed: 1)
/// o.observe([-2, 0.5, 3, 1])
/// o.range(.minmax)                  // (-2.0, 3.0)
/// o.range(.percentile(50))          // the middle of the sample, both ends
/// ```
public struct RangeObserver: Sendable {
  public private(set) var minimum = Double.infinity
  public private(set) var maximum = -Double.infinity
  /// Values observed so far.
  public private(set) var count = 0
  /// The sample (all values while fewer than `capacity` were seen).
  public private(set) var sample: [Double] = []
  /// The minimum and maximum of each `observe` call (a calibration batch), in order.
  public private(set) var batchMinima: [Double] = []
  public private(set) var batchMaxima: [Double] = []
  public let capacity: Int
  private var rng: DanceRandom

  public init(capacity: Int = 1 << 20, seed: UInt64 = 1) {
    precondition(capacity > 0)
    self.capacity = capacity
    rng = DanceRandom(seed: seed)
  }

  /// Adds values (non-finite values are a bug upstream and stop the run).
  public mutating func observe<C: Collection>(_ values: C) where C.Element: BinaryFloatingPoint {
    var batchMin = Double.infinity
    var batchMax = -Double.infinity
    defer {
      if batchMin <= batchMax {
        batchMinima.append(batchMin)
        batchMaxima.append(batchMax)
      }
    }
    for v in values {
      let x = Double(v)
      precondition(x.isFinite, "calibration saw a non-finite value")
      if x < minimum { minimum = x }
      if x > maximum { maximum = x }
      batchMin = Swift.min(batchMin, x)
      batchMax = Swift.max(batchMax, x)
      count += 1
      if sample.count < capacity {
        sample.append(x)
      } else {
        // Keep x with chance capacity / count, in place of a uniformly chosen kept value.
        let j = Int(uniformBelow(count))
        if j < capacity { sample[j] = x }
      }
    }
  }

  /// A uniform integer in 0..<n (n may exceed 2^32: two draws then).
  private mutating func uniformBelow(_ n: Int) -> UInt64 {
    if n <= Int(UInt32.max) { return UInt64(rng.next(below: UInt32(n))) }
    let wide = (UInt64(rng.next()) << 32) | UInt64(rng.next())
    return wide % UInt64(n)
  }

  /// The clipping range [lo, hi] under `method`; (0, 0) when nothing was observed. `bits` is the
  /// grid the range is for: `mse` (and `auto`, which scores with it) weighs that grid's rounding
  /// (a 12-bit grid rounds 16 times finer, so clipping pays less); `entropy` keeps its 8-bit
  /// levels (its 2,048-bin histogram cannot resolve 4,095), and the others do not depend on it.
  public func range(_ method: CalibrationMethod, bits: ActivationBits = .int8) -> (lo: Double, hi: Double) {
    if count == 0 { return (0, 0) }
    switch method {
    case .minmax:
      return (minimum, maximum)
    case .percentile(let p):
      let sorted = sample.sorted()
      return (Self.quantile(sorted, (100 - p) / 100), Self.quantile(sorted, p / 100))
    case .mse, .auto:
      return mseRange(bits: bits)
    case .emaMinmax(let m):
      return (Self.movingAverage(batchMinima, momentum: m), Self.movingAverage(batchMaxima, momentum: m))
    case .entropy:
      return entropyRange()
    }
  }

  /// ema ← m · ema + (1 − m) · x over the values in order, starting from the first.
  ///
  /// ```swift
  /// RangeObserver.movingAverage([10, 0, 0], momentum: 0.5)   // 10 → 5 → 2.5
  /// ```
  public static func movingAverage(_ values: [Double], momentum m: Double) -> Double {
    guard var ema = values.first else { return 0 }
    for x in values.dropFirst() { ema = m * ema + (1 - m) * x }
    return ema
  }

  /// `entropy`: a tensor that never goes below 0 (a relu output) gets [0, t] with t chosen over
  /// 255 levels; any other gets [−t, t] over 128 levels of |x|, each end kept inside the values
  /// seen (EntropyCalibration).
  func entropyRange() -> (lo: Double, hi: Double) {
    if minimum >= 0 {
      return (0, Swift.min(maximum, EntropyCalibration.threshold(sample, levels: 255)))
    }
    let t = EntropyCalibration.threshold(sample.map(abs), levels: 128)
    return (Swift.max(minimum, -t), Swift.min(maximum, t))
  }

  /// The range with the least quantisation MSE on the `bits` grid over (up to 65,536 values of)
  /// the sample.
  /// Candidates: the min-max range and, for q in 48 log-spaced steps from 10^-1 down to 10^-6
  /// of the values, the q and 1 − q quantiles (a tensor that never goes below 0, such as a
  /// relu output, keeps lo = 0), each scored by quantising and dequantising every value.
  func mseRange(bits: ActivationBits = .int8) -> (lo: Double, hi: Double) {
    let sorted = sample.sorted()
    let stride = max(1, sorted.count / 65_536)
    let values = Swift.stride(from: 0, to: sorted.count, by: stride).map { sorted[$0] }
    var candidates = [(minimum, maximum)]
    for step in 0...48 {
      let q = Foundation.pow(10, -1 - 5 * Double(step) / 48)
      let lo = minimum >= 0 ? 0 : Self.quantile(sorted, q)
      candidates.append((lo, Self.quantile(sorted, 1 - q)))
    }
    var best = candidates[0]
    var bestError = Double.infinity
    for (lo, hi) in candidates where hi > lo {
      let a = Int8Activation(lo: lo, hi: hi, bits: bits)
      var error = 0.0
      for v in values {
        let d = a.dequantize(a.quantize(v)) - v
        error += d * d
      }
      if error < bestError {
        bestError = error
        best = (lo, hi)
      }
    }
    return best
  }

  /// The largest magnitude under `method`: max(|lo|, |hi|), for int16 tensors, whose rounding
  /// is negligible: `mse` and `entropy` (which weigh int8 rounding) and `emaMinmax` (whose
  /// averaged extremes would clip the int16 tensor's largest values; measured on tiny: relative
  /// RMSE of the MDN means 8.33 % instead of 0.94 %) give the min-max magnitude, and so does
  /// `auto`, which chooses among them.
  public func magnitude(_ method: CalibrationMethod) -> Double {
    let r: (lo: Double, hi: Double)
    switch method {
    case .mse, .entropy, .emaMinmax, .auto: r = range(.minmax)
    case .minmax, .percentile: r = range(method)
    }
    return max(abs(r.lo), abs(r.hi))
  }

  /// The fraction of the sampled values outside [lo, hi] (saturated by that range).
  public func fractionOutside(lo: Double, hi: Double) -> Double {
    guard !sample.isEmpty else { return 0 }
    return Double(sample.count { $0 < lo || $0 > hi }) / Double(sample.count)
  }

  /// The q-quantile (0...1) of sorted values, linear between neighbours (numpy's default).
  ///
  /// ```swift
  /// RangeObserver.quantile([0, 10, 20, 30, 40], 0.25)   // 10
  /// RangeObserver.quantile([0, 10], 0.5)                // 5
  /// ```
  public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    precondition(!sorted.isEmpty)
    let position = min(max(q, 0), 1) * Double(sorted.count - 1)
    let below = Int(position.rounded(.down))
    let above = min(below + 1, sorted.count - 1)
    let t = position - Double(below)
    return sorted[below] + t * (sorted[above] - sorted[below])
  }
}
