// MARK: - Int8ModelLayout

/// Every tensor of an int8 model for a preset, by name, element type and shape (docs/INT8.md,
/// "Tensors"): the list the quantizer writes and the reader checks.
///
/// ```swift
/// let specs = Int8ModelLayout.tensors(for: .tiny, starts: 3, primers: 4, subPixel: false)
/// specs.first { $0.name == "sequence.mdn.weights" }?.shape   // [325, 64]
/// specs.count                                                 // 61
/// ```
public enum Int8ModelLayout {
  public struct TensorSpec: Equatable, Sendable {
    public let name: String
    public let dtype: TensorDType
    public let shape: [Int]

    public init(name: String, dtype: TensorDType, shape: [Int]) {
      self.name = name
      self.dtype = dtype
      self.shape = shape
    }
  }

  /// The required tensors, plus `start.primers` when `primers` > 0 and every optional
  /// `phase_weights` when `subPixel`.
  public static func tensors(
    for p: ModelPreset, starts: Int, primers: Int, subPixel: Bool, decoderBits: DecoderActivationBits? = nil
  ) -> [TensorSpec] {
    let bits = decoderBits ?? .int8(p)
    let (D, K, U, H) = (p.latentSize, p.mixtures, p.lstmUnits, p.denseUnits)
    var out: [TensorSpec] = []
    func add(_ name: String, _ dtype: TensorDType, _ shape: [Int]) {
      out.append(TensorSpec(name: name, dtype: dtype, shape: shape))
    }
    func requantized(_ name: String, _ rows: Int) {
      add(name + ".bias", .int32, [rows])
      add(name + ".multiplier", .int32, [rows])
      add(name + ".shift", .int8, [rows])
    }
    add("latent.fraction_bits", .int32, [])
    add("start.latents", .int16, [starts, D])
    if primers > 0 { add("start.primers", .int16, [starts, primers, D]) }
    var inputs = D
    for l in 1...p.lstmLayers {
      let name = "sequence.lstm\(l)"
      add(name + ".weights", .int8, [4 * U, inputs])
      add(name + ".recurrent_weights", .int8, [4 * U, U])
      add(name + ".bias", .int32, [4 * U])
      add(name + ".input_multiplier", .int32, [4 * U])
      add(name + ".input_shift", .int8, [4 * U])
      add(name + ".recurrent_multiplier", .int32, [4 * U])
      add(name + ".recurrent_shift", .int8, [4 * U])
      add(name + ".cell_fraction_bits", .int32, [])
      inputs = U
    }
    add("sequence.sigmoid_table", .int16, [GateTable.entryCount])
    add("sequence.tanh_table", .int16, [GateTable.entryCount])
    add("sequence.dense.weights", .int8, [H, U])
    requantized("sequence.dense", H)
    add("sequence.mdn.weights", .int8, [2 * K * D + K, H])
    requantized("sequence.mdn", 2 * K * D + K)
    add("sequence.mdn.sigma_exp_high", .int32, [SigmaExp.highCount])
    add("sequence.mdn.sigma_exp_low", .int32, [SigmaExp.lowCount])
    add("sequence.mdn.softmax_exp_high", .int32, [SoftmaxExp.highCount])
    add("sequence.mdn.softmax_exp_low", .int32, [SoftmaxExp.lowCount])
    let shape = p.bottleneckShape
    add("decoder.dense.weights", .int8, [p.bottleneckSize, D])
    requantized("decoder.dense", p.bottleneckSize)
    add("decoder.dense.output_zero_point", .int32, [])
    add("decoder.expand.weights", .int8, [p.decoderExpand, shape[2]])
    requantized("decoder.expand", p.decoderExpand)
    add("decoder.expand.output_zero_point", .int32, [])
    if bits.expand.isWide { add("decoder.expand.output_bits", .int32, []) }
    var channels = p.decoderExpand
    for (i, width) in p.decoderChannels.enumerated() {
      let name = "decoder.conv\(i + 1)"
      add(name + ".weights", .int8, [width, 3, 3, channels])
      requantized(name, width)
      add(name + ".output_zero_point", .int32, [])
      if bits.convs[i].isWide { add(name + ".output_bits", .int32, []) }
      if subPixel && i > 0 {
        add(name + ".phase_weights", .int16, SubPixelPhaseWeights.shape(out: width, in: channels))
      }
      channels = width
    }
    let last = "decoder.conv\(p.decoderChannels.count + 1)"
    add(last + ".weights", .int8, [1, 3, 3, channels])
    add(last + ".bias", .int32, [1])
    add(last + ".pixel_thresholds", .int32, [PixelThresholds.count])
    if subPixel { add(last + ".phase_weights", .int16, SubPixelPhaseWeights.shape(out: 1, in: channels)) }
    return out
  }
}
