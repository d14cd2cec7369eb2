// MARK: - Int8Model

/// An int8 model file (container kind 3, docs/INT8.md) checked against its preset and opened as
/// typed, zero-copy views of its tensors: the weights stay where the bytes lie (a memory-mapped
/// file, or flash). Load allocates only the small arrays of per-layer views; optional sub-pixel
/// weights are checked against their 3x3 taps in place.
///
/// ```swift
/// let model = try Int8Model(bytes)            // bytes: UnsafeRawBufferPointer, 16-byte aligned
/// model.preset.name                           // "tiny"
/// model.lstms.count                           // 2
/// model.mdn.logit(0, input: denseOutput)      // one MDN row, computed alone
/// ```
///
/// Every check of docs/INT8.md "What the reader checks" runs once here, so the kernels never see
/// an out-of-range shift, a table that could index out of bounds or an accumulator that could
/// overflow 32 bits.
public struct Int8Model {
  /// The integer scheme of docs/INT8.md this build implements (`quant.scheme`).
  public static let scheme = "1"

  public let container: TensorContainer
  public let preset: ModelPreset
  /// `sequence.mode` = `stateless`: the LSTM state is zeroed before every generated step.
  public let isStateless: Bool

  // MARK: Latent and starts
  /// f: a latent value v is stored as the int16 v · 2^f.
  public let latentFractionBits: Int
  /// [N, D]
  public let startLatents: Int16Values
  public let startCount: Int
  /// [N, P, D], or nil
  public let primers: Int16Values?
  /// P (0 without primers)
  public let primerCount: Int

  // MARK: Sequence model
  public let lstms: [LSTMWeights]
  public let sigmoid: GateTable
  public let tanh: GateTable
  public let sequenceDense: DenseWeights
  public let mdn: MDNHead
  public let sigma: SigmaExp
  public let softmax: SoftmaxExp

  // MARK: Decoder
  public let decoderDense: DenseWeights
  public let decoderDenseZeroPoint: Int32
  public let expand: DenseWeights
  public let expandZeroPoint: Int32
  /// The widths of decoder.expand's and each conv's output (`ActivationBits`).
  public let decoderBits: DecoderActivationBits
  /// decoder.conv1 ... conv n (relu, each followed by an upsample)
  public let convs: [Conv3x3Weights]
  public let convRequantizations: [ChannelRequantization]
  public let convZeroPoints: [Int32]
  /// decoder.conv n+1, straight to pixels
  public let pixelConv: Conv3x3Weights
  public let pixelThresholds: PixelThresholds
  /// The optional sub-pixel form of the conv after upsample i (entry i − 1, i = 1 ... n: that is
  /// decoder.conv2 ... conv n+1, the last being the pixel conv), checked equal to its 3x3 taps' sums.
  public let subPixelPhases: [SubPixelPhaseWeights?]

  /// Parses the container and checks everything; `verifyChecksum` as in `TensorContainer`.
  public init(_ bytes: UnsafeRawBufferPointer, verifyChecksum: Bool = true) throws(Int8ModelError) {
    let container: TensorContainer
    do {
      container = try TensorContainer(bytes, verifyChecksum: verifyChecksum)
    } catch {
      throw .container(error)
    }
    try self.init(container)
  }

  /// Checks an already parsed container.
  public init(_ container: TensorContainer) throws(Int8ModelError) {
    self.container = container
    if container.kind != .int8Model { throw .wrongKind(container.kind) }
    let c = Int8ModelChecker(container: container)

    // MARK: Metadata
    // Metadata text is compared as UTF-8 bytes: String comparison would link Unicode tables
    // (37.5 KB of firmware flash) for three keys.
    let scheme = container.metadataValue(forKey: "quant.scheme")
    if !(scheme?.equalsUTF8(of: Int8Model.scheme) ?? false) {
      throw .unsupportedScheme(scheme.map(MetadataValues.text))
    }
    let p = try c.preset()
    if p.mixtures > 255 {
      throw .badMetadata(
        key: "preset.mixtures", value: "\(p.mixtures)", expected: "at most 255 for an int8 model")
    }
    preset = p
    // The MDN head predicts the next latent. A retired `sequence.target` key may only say so.
    if let target = container.metadataValue(forKey: "sequence.target"), !target.equalsUTF8(of: "latent") {
      throw .badMetadata(key: "sequence.target", value: MetadataValues.text(target), expected: "latent")
    }
    if let mode = container.metadataValue(forKey: "sequence.mode"), !mode.equalsUTF8(of: "stateful") {
      guard mode.equalsUTF8(of: "stateless") else {
        throw .badMetadata(
          key: "sequence.mode", value: MetadataValues.text(mode), expected: "stateful or stateless")
      }
      isStateless = true
    } else {
      isStateless = false
    }

    let D = p.latentSize
    let K = p.mixtures
    let U = p.lstmUnits
    let H = p.denseUnits

    // MARK: Latent and starts
    latentFractionBits = try c.scalar("latent.fraction_bits", 0...15)
    let starts = try c.tensor(named: "start.latents", .int16)
    if starts.shape.rank != 2 || starts.shape[0] < 1 || starts.shape[1] != D {
      let n = starts.shape.rank == 2 ? max(starts.shape[0], 1) : 1
      throw .wrongShape(name: "start.latents", expected: TensorShape(n, D), found: starts.shape)
    }
    startCount = starts.shape[0]
    startLatents = Int16Values(starts.data)
    if let pr = container.tensor(named: "start.primers") {
      if pr.dtype != .int16 { throw .wrongDType(name: "start.primers", expected: .int16, found: pr.dtype) }
      if pr.shape.rank != 3 || pr.shape[0] != startCount || pr.shape[2] != D {
        let count = pr.shape.rank == 3 ? pr.shape[1] : 0
        throw .wrongShape(name: "start.primers", expected: TensorShape(startCount, count, D), found: pr.shape)
      }
      primers = Int16Values(pr.data)
      primerCount = pr.shape[1]
    } else {
      primers = nil
      primerCount = 0
    }

    // MARK: Sequence model
    var lstms: [LSTMWeights] = []
    var inputs = D
    for l in 1...p.lstmLayers {
      let name = "sequence.lstm\(l)"
      let w = try c.weights(name + ".weights", rows: 4 * U, columns: inputs)
      let r = try c.weights(name + ".recurrent_weights", rows: 4 * U, columns: U)
      let b = try c.vector(name + ".bias", 4 * U)
      try c.accumulatorBound(
        name + ".weights", w, rows: 4 * U, columns: inputs, bias: b, inputMagnitude: 32768)
      try c.accumulatorBound(
        name + ".recurrent_weights", r, rows: 4 * U, columns: U, bias: nil, inputMagnitude: 32768)
      lstms.append(
        LSTMWeights(
          inputs: inputs, units: U, weights: w, recurrentWeights: r, bias: b,
          inputRequantization: try c.requantization(name + ".input_multiplier", name + ".input_shift", 4 * U),
          recurrentRequantization: try c.requantization(
            name + ".recurrent_multiplier", name + ".recurrent_shift", 4 * U),
          cellFractionBits: try c.scalar(name + ".cell_fraction_bits", 0...15)))
      inputs = U
    }
    self.lstms = lstms
    sigmoid = GateTable(try c.table16("sequence.sigmoid_table", GateTable.entryCount, 0...32767))
    tanh = GateTable(try c.table16("sequence.tanh_table", GateTable.entryCount, -32767...32767))
    sequenceDense = try c.dense("sequence.dense", inputs: U, outputs: H, inputMagnitude: 32768)
    mdn = MDNHead(
      layer: try c.dense("sequence.mdn", inputs: H, outputs: 2 * K * D + K, inputMagnitude: 32768),
      mixtures: K, dims: D)
    sigma = SigmaExp(
      high: try c.table32("sequence.mdn.sigma_exp_high", SigmaExp.highCount, 0...0x7FFF_FFFF, order: true),
      low: try c.table32("sequence.mdn.sigma_exp_low", SigmaExp.lowCount, 0...0x7FFF_FFFF, order: true))
    let softHigh = try c.table32(
      "sequence.mdn.softmax_exp_high", SoftmaxExp.highCount, 0...(1 << 30), order: false)
    let softLow = try c.table32(
      "sequence.mdn.softmax_exp_low", SoftmaxExp.lowCount, 0...(1 << 30), order: false)
    if softHigh[0] != 1 << 30 {
      throw .outOfRange(
        name: "sequence.mdn.softmax_exp_high", index: 0, value: Int64(softHigh[0]), range: "2^30")
    }
    if softLow[0] != 1 << 30 {
      throw .outOfRange(
        name: "sequence.mdn.softmax_exp_low", index: 0, value: Int64(softLow[0]), range: "2^30")
    }
    softmax = SoftmaxExp(high: softHigh, low: softLow)

    // MARK: Decoder
    let bottleneck = p.bottleneckShape
    decoderDense = try c.dense("decoder.dense", inputs: D, outputs: p.bottleneckSize, inputMagnitude: 32768)
    decoderDenseZeroPoint = Int32(try c.scalar("decoder.dense.output_zero_point", -128...127))
    expand = try c.dense(
      "decoder.expand", inputs: bottleneck[2], outputs: p.decoderExpand, inputMagnitude: 255)
    let expandFormat = try c.outputFormat("decoder.expand")
    expandZeroPoint = expandFormat.zeroPoint
    var convs: [Conv3x3Weights] = []
    var requantizations: [ChannelRequantization] = []
    var zeroPoints: [Int32] = []
    var bits: [ActivationBits] = []
    var channels = p.decoderExpand
    var input = expandFormat.bits
    for (i, width) in p.decoderChannels.enumerated() {
      let name = "decoder.conv\(i + 1)"
      convs.append(try c.conv(name, inChannels: channels, outChannels: width, input: input))
      requantizations.append(try c.requantization(name + ".multiplier", name + ".shift", width))
      let format = try c.outputFormat(name)
      zeroPoints.append(format.zeroPoint)
      bits.append(format.bits)
      input = format.bits
      channels = width
    }
    self.convs = convs
    convRequantizations = requantizations
    convZeroPoints = zeroPoints
    decoderBits = DecoderActivationBits(expand: expandFormat.bits, convs: bits)
    let last = "decoder.conv\(p.decoderChannels.count + 1)"
    pixelConv = try c.conv(last, inChannels: channels, outChannels: 1, input: input)
    var phases: [SubPixelPhaseWeights?] = []
    for i in 1...p.decoderChannels.count {
      let conv = i < p.decoderChannels.count ? convs[i] : pixelConv
      phases.append(try c.subPixelPhases("decoder.conv\(i + 1).phase_weights", of: conv))
    }
    subPixelPhases = phases
    pixelThresholds = PixelThresholds(
      try c.table32(
        last + ".pixel_thresholds", PixelThresholds.count, Int64(Int32.min)...Int64(Int32.max), order: true))
  }

  // MARK: - Starts

  /// Start latent k [D].
  public func startLatent(_ k: Int) -> Int16Values {
    let bytes = 2 * preset.latentSize
    return Int16Values(UnsafeRawBufferPointer(rebasing: startLatents.bytes[(k * bytes)..<((k + 1) * bytes)]))
  }

  /// Primer i (0 ..< primerCount, oldest first) of start k [D].
  public func primer(start k: Int, _ i: Int) -> Int16Values {
    guard let primers else { preconditionFailure("the model has no primers") }
    let bytes = 2 * preset.latentSize
    let at = (k * primerCount + i) * bytes
    return Int16Values(UnsafeRawBufferPointer(rebasing: primers.bytes[at..<(at + bytes)]))
  }
}
