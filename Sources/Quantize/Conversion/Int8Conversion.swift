import Evaluation
import FileAccess
import Foundation
import Int8Runtime
import ModelFiles
import Trainer

// MARK: - Int8Conversion

/// Float model + calibration statistics -> the int8 model's tensors (docs/INT8.md), layer by
/// layer, with a record of every choice for `inspect` and the report.
///
/// Per layer with int8 weights: the float weights as [out, in] rows, `ChannelWeights` per row,
/// the bias at (input scale × row scale) rounded to int32, and one `RequantizationMultiplier`
/// per row for input scale × row scale / output scale. Where a row's accumulator bound
/// (|bias| + Σ|q| · X < 2^31, X = 255 for int8 inputs, 32768 for int16 inputs) would fail, that
/// row's weight scale is widened until it holds (a coarser row, never an overflow).
///
/// ```swift
/// let conv = Int8Conversion(reference: ref, statistics: stats, method: .percentile(99.99),
///                           startLatents: starts, primers: primers)
/// var writer = conv.writer()        // a ContainerWriter of kind 3 with every tensor
/// conv.layers                       // what was chosen, layer by layer
/// ```
public struct Int8Conversion {
  /// One quantised layer, as `inspect` and the report describe it.
  public struct LayerRecord: Sendable {
    public var name: String
    /// input scale, or 2^−f / 2^−15 for fixed formats
    public var inputScale: Double
    public var inputZeroPoint: Int32
    /// output scale and zero point (0 for symmetric and fixed formats)
    public var outputScale: Double
    public var outputZeroPoint: Int32
    public var outputFormat: String
    /// smallest and largest per-row weight scale
    public var weightScales: (min: Double, max: Double)
    /// rows whose scale was widened to keep the accumulator bound
    public var widenedRows: Int
    public var bytes: Int
    /// the fraction of calibration values outside the output range (saturated)
    public var clippedFraction: Double
  }

  /// One layer's weights as quantised and its float bias, for steps after the conversion
  /// (`correctBiases`).
  public struct QuantizedRows: Sendable {
    /// the float weights [rows, columns] and bias (empty when the layer has none)
    public var float: [Double]
    public var floatBias: [Double]
    public var weights: ChannelWeights
    public var inputScale: Double
    public var inputMagnitude: Int
    public var biasName: String?
    public var bias: [Int32]
  }

  public let preset: ModelPreset
  public let method: CalibrationMethod
  /// Per activation tensor (by layer name), a method that replaces `method` (`--method auto`).
  public let layerMethods: [String: CalibrationMethod]
  /// One weight scale per tensor instead of per row (`ChannelWeights(perTensor:)`).
  public let perTensorWeights: Bool
  /// The widths of decoder.expand's and the convs' outputs (8 unless widened to 12).
  public let decoderBits: DecoderActivationBits
  /// Every layer's quantised rows, by its weights tensor's name.
  public internal(set) var quantizedRows: [String: QuantizedRows] = [:]
  public internal(set) var layers: [LayerRecord] = []
  public internal(set) var writer = ContainerWriter(kind: .int8Model)
  /// The latent's fraction bits f (latent value = q · 2^−f).
  public let latentFractionBits: Int
  /// The decoder activations' formats, in layer order (dense, expand, conv1 ... conv_n).
  public internal(set) var decoderActivations: [Int8Activation] = []
  public internal(set) var cellFractionBits: [Int] = []
  public internal(set) var sequenceDenseScale: Double = 1

  static let int8Input = 255
  static let int16Input = 32768

  public init(
    reference: FloatReference, statistics stats: ActivationStatistics, method: CalibrationMethod,
    startLatents: [[Double]], primers: [[[Double]]]?, layerMethods: [String: CalibrationMethod] = [:],
    perTensorWeights: Bool = false, decoderBits: DecoderActivationBits? = nil
  ) throws {
    preset = reference.preset
    self.decoderBits = decoderBits ?? .int8(reference.preset)
    precondition(self.decoderBits.convs.count == preset.decoderChannels.count, "one width per conv")
    self.method = method
    self.layerMethods = layerMethods
    self.perTensorWeights = perTensorWeights
    let starts = startLatents.flatMap { $0 } + (primers ?? []).flatMap { $0.flatMap { $0 } }
    let latentMagnitude = max(
      stats.latent.magnitude(.minmax), starts.reduce(0) { max($0, abs($1)) })
    latentFractionBits = int16FractionBits(forMagnitude: latentMagnitude)
    writer.metadata = preset.metadataEntries
    writer.metadata["quant.scheme"] = "1"
    writer.metadata["quant.method"] = method.name
    writer.addInt32("latent.fraction_bits", shape: [], values: [Int32(latentFractionBits)])
    try addStarts(startLatents, primers)
    try convertSequence(reference, stats)
    try convertDecoder(reference, stats)
  }

  var latentScale: Double { Foundation.pow(2, -Double(latentFractionBits)) }

  /// The calibration method of the activation tensor `layer` outputs.
  func method(for layer: String) -> CalibrationMethod { layerMethods[layer] ?? method }

  // MARK: - Starts

  private mutating func addStarts(_ starts: [[Double]], _ primers: [[[Double]]]?) throws {
    let D = preset.latentSize
    guard !starts.isEmpty else { throw FileIOError("the float model stores no start latents") }
    writer.addInt16(
      "start.latents", shape: [starts.count, D], values: starts.flatMap { $0 }.map(latentQ))
    if let primers, let P = primers.first?.count, P > 0 {
      writer.addInt16(
        "start.primers", shape: [starts.count, P, D],
        values: primers.flatMap { $0.flatMap { $0 } }.map(latentQ))
    }
  }

  func latentQ(_ v: Double) -> Int16 { LatentFormat.quantize(v, fractionBits: latentFractionBits) }

  // MARK: - One dense-like layer

  /// Quantises weights [out, in] (bias [out] optional) for an input of `inputScale`, bounded
  /// by `inputMagnitude` in the accumulator bound, and adds `weightsName`, `biasName`, and
  /// when `multiplierName` is given one multiplier and shift per row for
  /// inputScale · rowScale / outputScale(row). Returns the weights and the widened rows.
  @discardableResult
  mutating func addRows(
    weights w: [Double], bias b: [Double]?, rows: Int, columns: Int, weightShape: [Int],
    inputScale: Double, inputMagnitude: Int, weightsName: String, biasName: String? = nil,
    multiplierName: String? = nil, shiftName: String? = nil,
    outputScale: (Int) -> Double = { _ in 1 }
  ) -> (weights: ChannelWeights, widened: Int) {
    let initial = ChannelWeights(rows: rows, columns: columns, values: w, perTensor: perTensorWeights)
    var values = initial.values
    var scales = initial.scales
    var biasQ = [Int32](repeating: 0, count: rows)
    var widened = 0
    for o in 0..<rows {
      var factor = 1.0
      while true {
        let s = initial.scales[o] * factor
        let bq = b.map { ($0[o] / (inputScale * s)).rounded() } ?? 0
        var row = [Int8](repeating: 0, count: columns)
        var absSum = 0
        for i in 0..<columns {
          let v =
            factor == 1
            ? values[o * columns + i] : Int8(max(-127, min(127, (w[o * columns + i] / s).rounded())))
          row[i] = v
          absSum += abs(Int(v))
        }
        if abs(bq) + Double(absSum) * Double(inputMagnitude) < 2_147_483_648 {
          values.replaceSubrange((o * columns)..<((o + 1) * columns), with: row)
          scales[o] = s
          biasQ[o] = Int32(bq)
          if factor != 1 { widened += 1 }
          break
        }
        factor *= 1.25
      }
    }
    let q = ChannelWeights(rows: rows, columns: columns, quantized: values, scales: scales)
    quantizedRows[weightsName] = QuantizedRows(
      float: w, floatBias: b ?? [], weights: q, inputScale: inputScale, inputMagnitude: inputMagnitude,
      biasName: biasName, bias: biasQ)
    writer.addInt8(weightsName, shape: weightShape, values: values)
    if let biasName { writer.addInt32(biasName, shape: [rows], values: biasQ) }
    if let multiplierName, let shiftName {
      var multipliers: [Int32] = []
      var shifts: [Int8] = []
      for o in 0..<rows {
        let m = RequantizationMultiplier(inputScale * scales[o] / outputScale(o))
        multipliers.append(m.multiplier)
        shifts.append(m.shift)
      }
      writer.addInt32(multiplierName, shape: [rows], values: multipliers)
      writer.addInt8(shiftName, shape: [rows], values: shifts)
    }
    return (q, widened)
  }

  /// The float parameter `name` of `p`.
  static func values<S>(_ p: Parameters<S>, _ slot: Parameters<S>.Slot) -> [S] {
    Array(p.values[slot.range])
  }

  mutating func record(
    _ name: String, inputScale: Double, inputZeroPoint: Int32, outputScale: Double,
    outputZeroPoint: Int32, format: String, weights: ChannelWeights, widened: Int,
    clipped: Double
  ) {
    // `--method auto` names the method it chose for this layer's output.
    let format = layerMethods[name].map { format + "; auto: " + $0.name } ?? format
    writer.metadata["quant.layer." + name] =
      "input scale \(inputScale) zero point \(inputZeroPoint); output \(format), scale "
      + "\(outputScale) zero point \(outputZeroPoint)"
    layers.append(
      LayerRecord(
        name: name, inputScale: inputScale, inputZeroPoint: inputZeroPoint,
        outputScale: outputScale, outputZeroPoint: outputZeroPoint, outputFormat: format,
        weightScales: (weights.scales.min() ?? 0, weights.scales.max() ?? 0),
        widenedRows: widened, bytes: weights.values.count + 9 * weights.rows,
        clippedFraction: clipped))
  }
}
