import Foundation

// MARK: - CalibrationComparison

/// `dancenet quantize --compare`: every configuration of `CompareGrid` measured on the same
/// held-out data with the report's figures, side by side, without writing a model. Written as
/// quant/compare.md and quant/compare.json.
///
/// The quantizer's stages run as the grid needs them: prepare once (load, encode), the float
/// side of the measures once, statistics once per float model (`CompareGrid.floatModel`), then
/// per configuration convert and measure. The best configuration is the one with the highest
/// mean PSNR among those whose worst-1% PSNR is within `worstPercentTolerance` (0.5 dB) of the
/// table's best worst-1% PSNR: a configuration that saturates a few frames (a low worst 1%)
/// cannot win on the mean alone. Mean PSNRs equal to 0.01 dB (as printed) are told apart by the
/// worst-1% PSNR, then by grid order. On paper's table: minmax + equalize + bias correction
/// (56.74 / 55.15 dB) beats ema-minmax + equalize + bias correction (56.78 / 51.44 dB).
///
/// ```swift
/// let c = try CalibrationComparison.run(prepared, grid: CompareGrid.configurations(base: o),
///                                       shippedMetadata: ["quant.method": "minmax"])
/// c.best          // e.g. "mse"
/// c.markdown()    // the table, the shipped row marked
/// ```
public struct CalibrationComparison: Codable, Sendable {
  public struct Row: Codable, Sendable, Equatable {
    public var configuration: String
    public var shipped: Bool
    public var best: Bool
    public var meanPSNR: Double
    public var worstPercentPSNR: Double
    public var meanSSIM: Double
    public var meanAbsoluteError: Double
    public var meansRelativeRMSEPercent: Double
    public var topMixtureAgreementPercent: Double
    /// int8 NLL − float NLL per step, nats (lower is better).
    public var nllDelta: Double
    public var fileBytes: Int
    /// Convert + measure wall time of this row.
    public var seconds: Double
  }

  public var model: String
  public var calibration: String
  public var decoderLatents: Int
  public var heldOutLatents: Int
  public var sequenceSteps: Int
  public var rows: [Row]
  /// The shipped configuration's name (nil: no int8 file, or none of the grid matches it).
  public var shipped: String?
  public var best: String
  /// How far below the table's best worst-1% PSNR a row may be and still be chosen, dB.
  public static let worstPercentTolerance = 0.5
  public static let rule =
    "among the rows whose worst-1% PSNR is within \(worstPercentTolerance) dB of the best worst-1% PSNR, "
    + "the highest mean PSNR; "
    + "equal to 0.01 dB: highest worst-1% PSNR; then the first in the table"
  public var seconds: Double
  /// Wall time per stage over the whole comparison.
  public var stages: [String]

  // MARK: - Running

  /// Measures every configuration of `grid`; `shippedMetadata` is the existing int8 file's
  /// quant.* metadata (empty when there is none); `progress` gets one line per step.
  public static func run(
    _ prepared: Quantizer.Prepared, grid: [CompareGrid.Configuration],
    measure: Quantizer.MeasureOptions, shippedMetadata: [String: String],
    times: StageTimes = StageTimes(), progress: (String) -> Void = { _ in }
  ) throws -> CalibrationComparison {
    precondition(!grid.isEmpty, "an empty grid")
    let clock = ContinuousClock.now
    // One float side for every row: a transformed float model (equalisation) computes the
    // same function, exact in float, so its float frames and outputs are these.
    let float = prepared.floatSide(measure, times: times)
    var statistics: [String: ActivationStatistics] = [:]
    var rows: [Row] = []
    for (k, c) in grid.enumerated() {
      let (key, reference) = try CompareGrid.floatModel(for: c.options, prepared)
      if statistics[key] == nil {
        progress("statistics (\(key) model)")
        statistics[key] = times.time("statistics") { prepared.statistics(of: reference) }
      }
      progress("\(k + 1)/\(grid.count): \(c.name)")
      let start = ContinuousClock.now
      let conversion = try times.time("convert") {
        try prepared.convert(c.options, statistics: statistics[key]!, reference: reference)
      }
      let bytes = try times.time("encode and load") { try conversion.writer.encoded() }
      let int8 = try InMemoryInt8Model(bytes)
      let m = try prepared.measure(
        conversion, model: int8.model, path: "the \(c.name) conversion", options: measure, float: float,
        quantised: reference, times: times)
      rows.append(
        Row(
          configuration: c.name, shipped: CompareGrid.isShipped(c, metadata: shippedMetadata),
          best: false, meanPSNR: m.decoder.meanPSNR, worstPercentPSNR: m.decoder.worstPercentPSNR,
          meanSSIM: m.decoder.meanSSIM, meanAbsoluteError: m.decoder.meanAbsoluteError,
          meansRelativeRMSEPercent: m.sequence.meansRelativeRMSEPercent,
          topMixtureAgreementPercent: m.sequence.topMixtureAgreementPercent,
          nllDelta: m.sequence.int8NLL - m.sequence.floatNLL, fileBytes: bytes.count,
          seconds: seconds(since: start)))
    }
    let best = bestIndex(rows)
    rows[best].best = true
    return CalibrationComparison(
      model: prepared.path, calibration: prepared.calibrationText + (grid.first?.options.choicesNote ?? ""),
      decoderLatents: float.frames.count, heldOutLatents: prepared.evaluationLatents.count,
      sequenceSteps: float.sequence.count, rows: rows, shipped: rows.first { $0.shipped }?.configuration,
      best: rows[best].configuration, seconds: seconds(since: clock), stages: times.lines)
  }

  /// The row the rule picks.
  static func bestIndex(_ rows: [Row]) -> Int {
    func psnr(_ r: Row) -> Double { (r.meanPSNR * 100).rounded() }
    let floor = (rows.map(\.worstPercentPSNR).max() ?? 0) - worstPercentTolerance
    var best: Int? = nil
    for (i, r) in rows.enumerated() where r.worstPercentPSNR >= floor {
      guard let j = best else {
        best = i
        continue
      }
      let b = rows[j]
      if psnr(r) > psnr(b) || (psnr(r) == psnr(b) && r.worstPercentPSNR > b.worstPercentPSNR) { best = i }
    }
    return best ?? 0
  }

  public static func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }

  // MARK: - Files

  public static let markdownFile = "compare.md"
  public static let jsonFile = "compare.json"

  public func json() throws -> [UInt8] { try ReportFormat.json(self) }

  /// The table (the shipped row marked "shipped", the best "best"), the rule, what was
  /// measured and where the time went.
  public func markdown() -> String {
    func f(_ x: Double, _ digits: Int = 2) -> String { ReportFormat.fixed(x, digits) }
    var s = """
      # Calibration comparison

      Model `\(model)`, calibrated on \(calibration). Decoder measured on the first \
      \(decoderLatents) of the \(heldOutLatents) held-out latents the report uses (PSNR and \
      SSIM as in report.md), the sequence model on \(sequenceSteps) held-out steps (true latent \
      fed). No model file written.

      | configuration | mean PSNR | worst 1% PSNR | SSIM | MAE | means rel. RMSE | top-mixture agreement | NLL delta | int8 bytes | |
      |---|---|---|---|---|---|---|---|---|---|

      """
    for r in rows {
      let mark = [r.shipped ? "shipped" : nil, r.best ? "**best**" : nil].compactMap { $0 }
      s += "| \(r.configuration) | \(f(r.meanPSNR)) dB | \(f(r.worstPercentPSNR)) dB | "
      s += "\(f(r.meanSSIM, 5)) | \(f(r.meanAbsoluteError, 5)) | \(f(r.meansRelativeRMSEPercent)) % | "
      s += "\(f(r.topMixtureAgreementPercent)) % | \(f(r.nllDelta, 3)) | \(r.fileBytes) | "
      s += mark.joined(separator: ", ") + " |\n"
    }
    s += """

      Best: **\(best)** (rule: \(Self.rule)). Shipped: \
      \(shipped.map { "\($0)" } ?? "no int8 file, or it matches no row").

      Wall time \(f(seconds, 1)) s; by stage: \(stages.joined(separator: ", ")).

      """
    return s
  }
}
