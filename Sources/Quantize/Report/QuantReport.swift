import Foundation

// MARK: - QuantReport

/// What `dancenet quantize` writes to MODELDIR/quant/: the choices made per layer and what they
/// cost, as Markdown for a person and JSON for programs (synthesised Codable, keys sorted, so
/// a field added here appears in the file without further code).
///
/// ```swift
/// let report = QuantReport(model: "models/tiny/model.dnm", conversion: c, fileBytes: 262_000,
///                          decoder: d, sequence: s)
/// try report.json()       // report.json's bytes
/// report.markdown()       // report.md's text
/// ```
public struct QuantReport: Codable, Sendable {
  public struct Layer: Codable, Sendable {
    public var name: String
    public var inputScale: Double
    public var inputZeroPoint: Int32
    public var outputScale: Double
    public var outputZeroPoint: Int32
    public var outputFormat: String
    public var weightScaleMin: Double
    public var weightScaleMax: Double
    public var widenedRows: Int
    public var clippedPercent: Double
  }

  /// A PNG beside the report.
  public struct Picture: Codable, Sendable, Equatable {
    public var title: String
    public var file: String
  }

  public var model: String
  public var preset: String
  public var method: String
  public var calibration: String
  public var fileBytes: Int
  public var latentFractionBits: Int
  public var layers: [Layer]
  public var decoder: DecoderAccuracy
  /// SQNR of each decoder layer's int8 output against float, accumulated down the decoder (the
  /// sequence model's rows: `sequence.layerRows`).
  public var decoderLayers: [DecoderLayerErrors.Row]
  public var sequence: SequenceAccuracy
  /// The free-running int8 dance against the float dance of the same noise (nil: not measured).
  public var departure: SequenceDeparture?
  /// The gain of the difference panels (`DecoderPictures.gain`).
  public var differenceGain = DecoderPictures.gain
  public var pictures: [Picture] = []

  public init(
    model: String, conversion c: Int8Conversion, calibration: String, fileBytes: Int,
    decoder: DecoderAccuracy, decoderLayers: [DecoderLayerErrors.Row], sequence: SequenceAccuracy,
    departure: SequenceDeparture? = nil
  ) {
    self.model = model
    preset = c.preset.name
    method = c.method.name
    self.calibration = calibration
    self.fileBytes = fileBytes
    latentFractionBits = c.latentFractionBits
    layers = c.layers.map {
      Layer(
        name: $0.name, inputScale: $0.inputScale, inputZeroPoint: $0.inputZeroPoint,
        outputScale: $0.outputScale, outputZeroPoint: $0.outputZeroPoint,
        outputFormat: $0.outputFormat, weightScaleMin: $0.weightScales.min,
        weightScaleMax: $0.weightScales.max, widenedRows: $0.widenedRows,
        clippedPercent: 100 * $0.clippedFraction)
    }
    self.decoder = decoder
    self.decoderLayers = decoderLayers
    self.sequence = sequence
    self.departure = departure
  }

  public func json() throws -> [UInt8] { try ReportFormat.json(self) }

  public func markdown() -> String {
    func f(_ x: Double, _ digits: Int = 2) -> String { ReportFormat.fixed(x, digits) }
    func e(_ x: Double) -> String { String(format: "%.3e", x) }
    var s = """
      # Int8 quantization report: \(preset)

      Model `\(model)`, calibration \(method) on \(calibration). Int8 file: \(fileBytes) bytes. \
      Latent: int16 with \(latentFractionBits) fraction bits.

      ## Decoder (\(decoder.frames) held-out latents)

      PSNR compares the int8 frame's 8-bit pixels with the float decoder's output before \
      rounding (pixels in [0, 1]), per frame, then averaged; a perfect int8 path still pays the \
      8-bit rounding (about 59 dB).

      | measure | int8 |
      |---|---|
      | mean PSNR | \(f(decoder.meanPSNR)) dB |
      | worst 1% PSNR | \(f(decoder.worstPercentPSNR)) dB |
      | mean SSIM (int8 vs the float frame rounded to 8 bits) | \(String(format: "%.5f", decoder.meanSSIM)) |
      | mean absolute error | \(String(format: "%.5f", decoder.meanAbsoluteError)) |
      | pixels differing from the rounded float frame | \(f(decoder.differingPercent)) % |
      | largest difference | \(decoder.largestDifference) levels |

      Where it is lost: each layer's int8 output (dequantised) against float, fed by the int8 \
      layers before it, as signal-to-quantisation-noise ratio:

      \(Self.sqnrTable(decoderLayers))

      ## Sequence model (\(sequence.steps) held-out steps, true latent fed, state from zero)

      | measure | value |
      |---|---|
      | top-mixture agreement | \(f(sequence.topMixtureAgreementPercent)) % |
      | relative RMSE of the means | \(f(sequence.meansRelativeRMSEPercent)) % |
      | NLL per step, float | \(f(sequence.floatNLL)) nats |
      | NLL per step, int8 | \(f(sequence.int8NLL)) nats (\(f(sequence.int8NLL - sequence.floatNLL)) worse) |

      Where it is lost: each layer's int8 output read as reals (h Q15, cell Q(cf), \
      sequence.dense at its scale, the MDN outputs) against the float model's at the same step, \
      fed by the int8 layers and state before it, as SQNR:

      \(Self.sqnrTable(sequence.layerRows))
      \(departureMarkdown())

      ## Layers

      | layer | input scale | input zp | output scale | output zp | output format | weight scales | widened rows | clipped |
      |---|---|---|---|---|---|---|---|---|

      """
    for l in layers {
      s += "| \(l.name) | \(e(l.inputScale)) | \(l.inputZeroPoint) | \(e(l.outputScale)) | "
      s += "\(l.outputZeroPoint) | \(l.outputFormat) | \(e(l.weightScaleMin))...\(e(l.weightScaleMax)) | "
      s += "\(l.widenedRows) | \(String(format: "%.4f", l.clippedPercent)) % |\n"
    }
    return s
  }

  /// SQNR rows as a Markdown table, one decimal.
  ///
  /// ```swift
  /// QuantReport.sqnrTable([.init(layer: "decoder.dense", sqnr: 42.94)])
  /// // "| layer | SQNR |\n|---|---|\n| decoder.dense | 42.9 dB |"
  /// ```
  static func sqnrTable(_ rows: [DecoderLayerErrors.Row]) -> String {
    (["| layer | SQNR |", "|---|---|"]
      + rows.map { "| \($0.layer) | \(ReportFormat.fixed($0.sqnr, 1)) dB |" }).joined(separator: "\n")
  }
}
