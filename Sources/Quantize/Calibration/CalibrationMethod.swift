// MARK: - CalibrationMethod

/// How an activation's clipping range is chosen from the values seen during calibration.
///
/// - `minmax`: the smallest and largest value seen (TensorFlow Lite's converter does this).
/// - `percentile(p)`: the p-th and (100 − p)-th percentiles of the values, so that the rarest
///   outliers saturate instead of stretching the scale for everything else (default p = 99.99).
/// - `mse`: the range whose int8 quantisation (rounding inside, saturation outside) has the
///   smallest mean squared error over the calibration sample; int16 tensors, whose rounding
///   error is negligible, keep the min-max range under it.
/// - `emaMinmax(m)`: exponential moving averages of each calibration batch's minimum and
///   maximum, ema ← m · ema + (1 − m) · batch (TensorFlow's moving-average quantisation ranges;
///   default m = 0.9): one extreme batch moves the range only part of the way.
/// - `entropy`: the clipping threshold whose 8-bit histogram keeps the most information, the
///   least Kullback-Leibler divergence from the calibration histogram (TensorRT's and ONNX
///   Runtime's entropy calibration; `EntropyCalibration`); int16 tensors keep min-max under it.
/// - `auto`: per int8 activation tensor, whichever of the methods above gives the least
///   quantisation error of that layer's output on held-back calibration data (`AutoCalibration`
///   chooses; `Int8Conversion.layerMethods` holds the choices). A lone `RangeObserver`, with no
///   held-back data, answers `auto` as `mse`; int16 tensors keep min-max under it.
///
/// ```swift
/// CalibrationMethod(parsing: "minmax")          // .minmax
/// CalibrationMethod(parsing: "percentile")      // .percentile(99.99)
/// CalibrationMethod.percentile(99.9).name       // "percentile 99.9"
/// CalibrationMethod(parsing: "ema-minmax")      // .emaMinmax(0.9)
/// ```
public enum CalibrationMethod: Sendable, Equatable {
  case minmax
  case percentile(Double)
  case mse
  case emaMinmax(Double)
  case entropy
  case auto

  /// The default percentile.
  public static let defaultPercentile = 99.99
  /// The default momentum of `emaMinmax`.
  public static let defaultMomentum = 0.9

  /// A method by its command-line name (percentile and momentum at their defaults); nil for
  /// anything else.
  public init?(parsing text: String) {
    switch text {
    case "minmax": self = .minmax
    case "percentile": self = .percentile(Self.defaultPercentile)
    case "mse": self = .mse
    case "ema-minmax": self = .emaMinmax(Self.defaultMomentum)
    case "entropy": self = .entropy
    case "auto": self = .auto
    default: return nil
    }
  }

  /// Words for reports: "minmax", "percentile 99.99".
  public var name: String {
    switch self {
    case .minmax: return "minmax"
    case .percentile(let p): return "percentile \(p)"
    case .mse: return "mse"
    case .emaMinmax(let m): return "ema-minmax \(m)"
    case .entropy: return "entropy"
    case .auto: return "auto"
    }
  }
}
