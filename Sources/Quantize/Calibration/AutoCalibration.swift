import Int8Runtime

// MARK: - AutoCalibration

/// `--method auto`: for each int8 activation tensor of the decoder, the calibration method whose
/// range quantises that layer's output with the least error on calibration data the range was
/// not fitted on.
///
/// The decoder's calibration latents are split (`split`): every `heldBackEvery`-th is held back.
/// Every candidate method fits its range on the rest; the held-back values v of the layer's
/// output score it:
/// ```text
/// error(method) = mean over held-back v of (dequantize(quantize(v)) − v)²
/// ```
/// in the layer's int8 format for that range (a relu output keeps lo = 0, as the conversion
/// does). The least error wins; ties go to the earlier candidate. The split only chooses: the
/// conversion reads the chosen method's range from all the latents (`Quantizer.calibrate`).
///
/// ```swift
/// let (fit, held) = AutoCalibration.split(latents)          // 4/5 and 1/5 of them
/// let choices = AutoCalibration.choose(fit: fitStats, heldBack: heldStats)
/// choices["decoder.expand"]                                 // e.g. .percentile(99.99)
/// ```
public enum AutoCalibration {
  /// The methods `auto` chooses among, each at its default setting.
  public static let candidates: [CalibrationMethod] = [
    .minmax, .percentile(CalibrationMethod.defaultPercentile), .mse,
    .emaMinmax(CalibrationMethod.defaultMomentum), .entropy,
  ]
  public static let heldBackEvery = 5
  /// At most this many held-back values score a candidate (evenly spread over the sample).
  static let scoredValues = 65_536

  // MARK: - Splitting the calibration data

  /// Items 0, 1, 2, 3, 5, 6, ... to fit on; items 4, 9, 14, ... held back.
  ///
  /// ```swift
  /// AutoCalibration.split(Array(0..<10))   // ([0, 1, 2, 3, 5, 6, 7, 8], [4, 9])
  /// ```
  public static func split<T>(_ items: [T]) -> (fit: [T], heldBack: [T]) {
    var fit: [T] = []
    var held: [T] = []
    for (i, item) in items.enumerated() {
      if i % heldBackEvery == heldBackEvery - 1 { held.append(item) } else { fit.append(item) }
    }
    return (fit, held)
  }

  // MARK: - Choosing

  /// The mean squared int8 error of `values` in the format `a`.
  public static func error(_ values: [Double], _ a: Int8Activation) -> Double {
    guard !values.isEmpty else { return 0 }
    var total = 0.0
    for v in values {
      let d = a.dequantize(a.quantize(v)) - v
      total += d * d
    }
    return total / Double(values.count)
  }

  /// The candidate whose range, fitted on `fit`, has the least error on `heldBack`'s values.
  public static func best(
    fit: RangeObserver, heldBack: RangeObserver, relu: Bool, bits: ActivationBits = .int8
  ) -> (method: CalibrationMethod, error: Double) {
    let sample = heldBack.sample
    let stride = max(1, sample.count / scoredValues)
    let values = Swift.stride(from: 0, to: sample.count, by: stride).map { sample[$0] }
    var best = (method: candidates[0], error: Double.infinity)
    for method in candidates {
      let r = fit.range(method, bits: bits)
      let e = error(values, Int8Activation(lo: relu ? 0 : r.lo, hi: r.hi, bits: bits))
      if e < best.error { best = (method, e) }
    }
    return best
  }

  /// The chosen method of every decoder activation, by layer name: decoder.dense (relu),
  /// decoder.expand (linear), decoder.conv1 ... (relu), each scored on its own grid (`bits`; nil:
  /// every activation 8-bit).
  public static func choose(
    fit: ActivationStatistics, heldBack: ActivationStatistics, bits: DecoderActivationBits? = nil
  ) -> [String: CalibrationMethod] {
    var tensors = [
      ("decoder.dense", fit.decoderDense, heldBack.decoderDense, true, ActivationBits.int8),
      ("decoder.expand", fit.decoderExpand, heldBack.decoderExpand, false, bits?.expand ?? .int8),
    ]
    for k in fit.decoderConvs.indices {
      tensors.append(
        ("decoder.conv\(k + 1)", fit.decoderConvs[k], heldBack.decoderConvs[k], true, bits?.convs[k] ?? .int8)
      )
    }
    var choices: [String: CalibrationMethod] = [:]
    for (name, f, h, relu, b) in tensors {
      choices[name] = best(fit: f, heldBack: h, relu: relu, bits: b).method
    }
    return choices
  }
}
