import Int8Runtime

// MARK: - A plain container writer (docs/FORMAT.md's layout), test-only

/// Tensors and metadata by name; `bytes()` writes the canonical container: tensor table and
/// metadata sorted bytewise, data at 16-byte aligned offsets, CRC-32 trailer.
struct ContainerBuilder {
  var kind: UInt16 = 3
  var tensors: [String: (dtype: TensorDType, dims: [Int], data: [UInt8])] = [:]
  var metadata: [String: String] = [:]

  mutating func int8(_ name: String, _ dims: [Int], _ v: [Int8]) {
    precondition(dims.reduce(1, *) == v.count, name)
    tensors[name] = (.int8, dims, v.map { UInt8(bitPattern: $0) })
  }
  mutating func int16(_ name: String, _ dims: [Int], _ v: [Int16]) {
    precondition(dims.reduce(1, *) == v.count, name)
    tensors[name] = (.int16, dims, leBytes(v))
  }
  mutating func int32(_ name: String, _ dims: [Int], _ v: [Int32]) {
    precondition(dims.reduce(1, *) == v.count, name)
    tensors[name] = (.int32, dims, leBytes(v))
  }

  func bytes() -> [UInt8] {
    func sorted<V>(_ d: [String: V]) -> [(String, V)] {
      d.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }.map { ($0.key, $0.value) }
    }
    var meta: [UInt8] = []
    for (k, v) in sorted(metadata) {
      meta +=
        leBytes([UInt32(k.utf8.count)]) + Array(k.utf8) + leBytes([UInt32(v.utf8.count)]) + Array(v.utf8)
    }
    let entries = sorted(tensors)
    let tableLength = entries.reduce(0) { $0 + 2 + $1.0.utf8.count + 2 + 4 * $1.1.dims.count + 16 }
    var end = 64 + tableLength + meta.count
    var table: [UInt8] = []
    var data: [UInt8] = []
    for (name, t) in entries {
      let offset = (end + 15) / 16 * 16
      data += [UInt8](repeating: 0, count: offset - end) + t.data
      table +=
        leBytes([UInt16(name.utf8.count)]) + Array(name.utf8) + [t.dtype.rawValue, UInt8(t.dims.count)]
      table += leBytes(t.dims.map { UInt32($0) }) + leBytes([UInt64(offset), UInt64(t.data.count)])
      end = offset + t.data.count
    }
    var file: [UInt8] = Array("DNCE".utf8) + leBytes([UInt16(1), kind])
    file += leBytes([UInt32(entries.count), UInt32(metadata.count)])
    file += leBytes([UInt64(end + 4), 64, UInt64(tableLength), UInt64(64 + tableLength), UInt64(meta.count)])
    file += leBytes([UInt32(16), 0])
    file += table + meta + data
    let crc = file.withUnsafeBytes { CRC32.checksum($0) }
    return file + leBytes([crc])
  }
}

// MARK: - A synthetic int8 model with known real scales

/// One quantised layer with the real scales it stands for, so a float64 twin can be computed.
struct ScaledLayer {
  var rows: Int  // output channels
  var columns: Int  // inputs per output (9 · in for a conv)
  var weights: [Int8]
  var weightScales: [Double]
  var bias: [Int32]
  var inputScale: Double
  var outputScale: Double

  func realWeight(_ row: Int, _ j: Int) -> Double { Double(weights[row * columns + j]) * weightScales[row] }
  func realBias(_ row: Int) -> Double { Double(bias[row]) * inputScale * weightScales[row] }
  var requantization: [(Int32, Int8)] {
    weightScales.map { SpecQuantizer.multiplier(inputScale * $0 / outputScale) }
  }

  /// Uniform int8 weights scaled so that an input of real spread `inputSpread` gives outputs of
  /// spread about `gain`; bias real values drawn from `biasReal`.
  init(
    rows: Int, columns: Int, inputScale: Double, outputScale: Double, inputSpread: Double, gain: Double,
    biasReal: (Int) -> Double, rng: inout DanceRandom
  ) {
    self.rows = rows
    self.columns = columns
    self.inputScale = inputScale
    self.outputScale = outputScale
    weights = randomWeights(rows * columns, &rng)
    let base = gain / (73 * Double(columns).squareRoot() * inputSpread)
    weightScales = (0..<rows).map { base * (0.75 + 0.5 * Double($0 % 5) / 4) }
    var b: [Int32] = []
    for r in 0..<rows {
      b.append(Int32((biasReal(r) / (inputScale * base * (0.75 + 0.5 * Double(r % 5) / 4))).rounded()))
    }
    bias = b
  }
}

/// A complete int8 model for a preset: random weights at sensible scales, the spec's tables,
/// start latents and primers. `builder` holds the file's contents; the layers keep their scales.
struct SyntheticInt8Model {
  let preset: ModelPreset
  let latentFractionBits = 10
  var builder = ContainerBuilder()
  var lstmInput: [ScaledLayer] = []
  var lstmRecurrent: [ScaledLayer] = []
  let cellFractionBits = 11
  var sequenceDense: ScaledLayer
  var mdn: ScaledLayer
  var decoderDense: ScaledLayer
  var expand: ScaledLayer
  var convs: [ScaledLayer] = []
  var pixelConv: ScaledLayer
  let zeroPoints: (dense: Int32, expand: Int32, conv: Int32)
  /// decoder.expand and every conv 12-bit (`ActivationBits.wide`): 16 times finer output
  /// scales over the same ranges, zero points 0 and −2048.
  let wide: Bool

  init(preset p: ModelPreset = .tiny, seed: UInt64 = 1, starts: Int = 3, primers: Int = 4, wide: Bool = false)
  {
    preset = p
    self.wide = wide
    zeroPoints = (-128, 0, wide ? -2048 : -128)
    let step = wide ? 1.0 / 16 : 1.0
    var rng = DanceRandom(seed: seed)
    let (D, U, H, K) = (p.latentSize, p.lstmUnits, p.denseUnits, p.mixtures)
    let sz = 1.0 / Double(1 << latentFractionBits)
    let sh = 1.0 / 32768
    var b = ContainerBuilder()
    for (k, v) in p.metadataForTests { b.metadata[k] = v }
    b.metadata["quant.scheme"] = "1"
    b.int32("latent.fraction_bits", [], [Int32(latentFractionBits)])
    b.int16("start.latents", [starts, D], randomInt16(starts * D, &rng, magnitude: 1500))
    if primers > 0 {
      b.int16(
        "start.primers", [starts, primers, D], randomInt16(starts * primers * D, &rng, magnitude: 1500))
    }

    // MARK: Sequence model
    var inputs = D
    for l in 1...p.lstmLayers {
      let name = "sequence.lstm\(l)"
      let inScale = l == 1 ? sz : sh
      let x = ScaledLayer(
        rows: 4 * U, columns: inputs, inputScale: inScale, outputScale: 1.0 / 4096,
        inputSpread: l == 1 ? 0.9 : 0.3,
        gain: 1.2, biasReal: { Double($0 % 7) * 0.15 - 0.4 }, rng: &rng)
      let r = ScaledLayer(
        rows: 4 * U, columns: U, inputScale: sh, outputScale: 1.0 / 4096, inputSpread: 0.3, gain: 0.8,
        biasReal: { _ in 0 }, rng: &rng)
      b.int8(name + ".weights", [4 * U, inputs], x.weights)
      b.int8(name + ".recurrent_weights", [4 * U, U], r.weights)
      b.int32(name + ".bias", [4 * U], x.bias)
      b.int32(name + ".input_multiplier", [4 * U], x.requantization.map(\.0))
      b.int8(name + ".input_shift", [4 * U], x.requantization.map(\.1))
      b.int32(name + ".recurrent_multiplier", [4 * U], r.requantization.map(\.0))
      b.int8(name + ".recurrent_shift", [4 * U], r.requantization.map(\.1))
      b.int32(name + ".cell_fraction_bits", [], [Int32(cellFractionBits)])
      lstmInput.append(x)
      lstmRecurrent.append(r)
      inputs = U
    }
    b.int16("sequence.sigmoid_table", [513], SpecTables.sigmoid())
    b.int16("sequence.tanh_table", [513], SpecTables.tanh())
    sequenceDense = ScaledLayer(
      rows: H, columns: U, inputScale: sh, outputScale: 8.0 / 32767, inputSpread: 0.3, gain: 1.0,
      biasReal: { Double($0 % 3) * 0.2 }, rng: &rng)
    Self.write(&b, "sequence.dense", [H, U], sequenceDense)
    let O = 2 * K * D + K
    let outScale = { (row: Int) -> Double in row < K * D ? sz : (row < 2 * K * D ? 1.0 / 2048 : 1.0 / 65536) }
    mdn = ScaledLayer(
      rows: O, columns: H, inputScale: 8.0 / 32767, outputScale: 1, inputSpread: 0.5, gain: 1.0,
      biasReal: { row in row < K * D ? 0 : (row < 2 * K * D ? -1.5 : Double(row % 3) - 1) }, rng: &rng)
    b.int8("sequence.mdn.weights", [O, H], mdn.weights)
    b.int32("sequence.mdn.bias", [O], mdn.bias)
    let head = mdn
    let mdnRequant = (0..<O).map {
      SpecQuantizer.multiplier(head.inputScale * head.weightScales[$0] / outScale($0))
    }
    b.int32("sequence.mdn.multiplier", [O], mdnRequant.map(\.0))
    b.int8("sequence.mdn.shift", [O], mdnRequant.map(\.1))
    b.int32("sequence.mdn.sigma_exp_high", [225], SpecTables.sigmaHigh())
    b.int32("sequence.mdn.sigma_exp_low", [128], SpecTables.sigmaLow())
    b.int32("sequence.mdn.softmax_exp_high", [256], SpecTables.softmaxHigh())
    b.int32("sequence.mdn.softmax_exp_low", [256], SpecTables.softmaxLow())

    // MARK: Decoder
    let shape = p.bottleneckShape
    decoderDense = ScaledLayer(
      rows: p.bottleneckSize, columns: D, inputScale: sz, outputScale: 4.0 / 255, inputSpread: 0.9, gain: 1.0,
      biasReal: { Double($0 % 4) * 0.2 - 0.1 }, rng: &rng)
    Self.write(&b, "decoder.dense", [p.bottleneckSize, D], decoderDense)
    b.int32("decoder.dense.output_zero_point", [], [zeroPoints.dense])
    expand = ScaledLayer(
      rows: p.decoderExpand, columns: shape[2], inputScale: 4.0 / 255, outputScale: 16.0 / 255 * step,
      inputSpread: 0.7, gain: 1.0, biasReal: { _ in 0 }, rng: &rng)
    Self.write(&b, "decoder.expand", [p.decoderExpand, shape[2]], expand)
    b.int32("decoder.expand.output_zero_point", [], [zeroPoints.expand])
    if wide { b.int32("decoder.expand.output_bits", [], [12]) }
    var channels = p.decoderExpand
    var inScale = 16.0 / 255 * step
    for (i, width) in p.decoderChannels.enumerated() {
      let name = "decoder.conv\(i + 1)"
      let conv = ScaledLayer(
        rows: width, columns: 9 * channels, inputScale: inScale,
        outputScale: [6.0, 4.0, 2.0][min(i, 2)] / 255 * step,
        inputSpread: i == 0 ? 1.1 : 1.0, gain: 0.8,
        biasReal: { Double($0 % 3) * 0.1 }, rng: &rng)
      Self.write(&b, name, [width, 3, 3, channels], conv)
      b.int32(name + ".output_zero_point", [], [zeroPoints.conv])
      if wide { b.int32(name + ".output_bits", [], [12]) }
      convs.append(conv)
      channels = width
      inScale = conv.outputScale
    }
    pixelConv = ScaledLayer(
      rows: 1, columns: 9 * channels, inputScale: inScale, outputScale: 1, inputSpread: 1.0, gain: 3.0,
      biasReal: { _ in 0.2 }, rng: &rng)
    let last = "decoder.conv\(p.decoderChannels.count + 1)"
    b.int8(last + ".weights", [1, 3, 3, channels], pixelConv.weights)
    b.int32(last + ".bias", [1], pixelConv.bias)
    b.int32(
      last + ".pixel_thresholds", [255],
      SpecQuantizer.pixelThresholds(scale: pixelConv.inputScale * pixelConv.weightScales[0]))
    builder = b
  }

  static func write(_ b: inout ContainerBuilder, _ name: String, _ dims: [Int], _ layer: ScaledLayer) {
    b.int8(name + ".weights", dims, layer.weights)
    b.int32(name + ".bias", [layer.rows], layer.bias)
    b.int32(name + ".multiplier", [layer.rows], layer.requantization.map(\.0))
    b.int8(name + ".shift", [layer.rows], layer.requantization.map(\.1))
  }
}

extension ModelPreset {
  /// The `preset.*` metadata as docs/FORMAT.md defines it (written here independently of Trainer).
  var metadataForTests: [String: String] {
    func list(_ a: [Int]) -> String { a.map(String.init).joined(separator: ",") }
    return [
      "preset.name": name, "preset.frame_height": "\(frameHeight)", "preset.frame_width": "\(frameWidth)",
      "preset.latent_size": "\(latentSize)", "preset.encoder_channels": list(encoderChannels),
      "preset.encoder_hidden": "\(encoderHidden)", "preset.decoder_expand": "\(decoderExpand)",
      "preset.decoder_channels": list(decoderChannels), "preset.lstm_layers": "\(lstmLayers)",
      "preset.lstm_units": "\(lstmUnits)", "preset.dropout_percent": "\(dropoutPercent)",
      "preset.dense_units": "\(denseUnits)", "preset.mixtures": "\(mixtures)",
    ]
  }
}
