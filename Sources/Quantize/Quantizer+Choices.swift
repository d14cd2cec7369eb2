import FileAccess
import Int8Runtime

// MARK: - The choices beyond the calibration method

extension Quantizer.Options {
  /// The choices other than the method that are on, as words appended to the report's
  /// calibration line ("" when none is).
  ///
  /// ```swift
  /// var o = Quantizer.Options(method: .mse)
  /// o.equalize = true
  /// o.perTensorWeights = true
  /// o.choicesNote   // "; cross-layer equalised; per-tensor weights"
  /// ```
  public var choicesNote: String {
    var words: [String] = []
    if equalize { words.append("cross-layer equalised") }
    if biasCorrection { words.append("bias-corrected") }
    if perTensorWeights { words.append("per-tensor weights") }
    if !wideActivations.isEmpty {
      words.append("12-bit activations: " + Self.wideLayerOrder(wideActivations).joined(separator: ", "))
    }
    return words.map { "; " + $0 }.joined()
  }

  /// Decoder layers whose output may be 12-bit, by their short names (`--wide-activations`).
  public static func wideLayerNames(_ p: ModelPreset) -> [String] {
    ["expand"] + p.decoderChannels.indices.map { "conv\($0 + 1)" }
  }

  static func wideLayerOrder(_ names: Set<String>) -> [String] {
    names.sorted { ($0 == "expand" ? "" : $0) < ($1 == "expand" ? "" : $1) }
  }

  /// The widths `wideActivations` asks for, or the error naming a layer that cannot be widened.
  ///
  /// ```swift
  /// var o = Quantizer.Options(method: .minmax)
  /// o.wideActivations = ["expand", "conv2"]
  /// try o.decoderBits(for: .paper).wideLayerNames   // ["decoder.expand", "decoder.conv2"]
  /// ```
  public func decoderBits(for p: ModelPreset) throws -> DecoderActivationBits {
    let allowed = Self.wideLayerNames(p)
    for name in Self.wideLayerOrder(wideActivations) where !allowed.contains(name) {
      throw FileIOError(
        "--wide-activations: no layer \(name) (the \(p.name) decoder's are \(allowed.joined(separator: ", ")))"
      )
    }
    return DecoderActivationBits(
      expand: wideActivations.contains("expand") ? .wide : .int8,
      convs: p.decoderChannels.indices.map { wideActivations.contains("conv\($0 + 1)") ? .wide : .int8 })
  }
}

extension Quantizer {
  /// Under `.auto`, each decoder layer's method: `AutoCalibration` fits every candidate on 4/5
  /// of the decoder latents and scores it on the other 1/5. The split only chooses: the chosen
  /// method's range is then read from the statistics of all the latents, as any other
  /// method's is.
  static func autoChoices(
    _ reference: FloatReference, _ data: CalibrationData, bits: DecoderActivationBits? = nil
  ) -> [String: CalibrationMethod] {
    let (fitLatents, heldLatents) = AutoCalibration.split(data.decoderLatents)
    var fitData = data
    fitData.decoderLatents = fitLatents
    fitData.sequenceClips = []
    var heldData = fitData
    heldData.decoderLatents = heldLatents
    return AutoCalibration.choose(
      fit: ActivationStatistics.collect(reference, fitData),
      heldBack: ActivationStatistics.collect(reference, heldData), bits: bits)
  }

  /// Writes the choices that are on to the int8 file's metadata: `quant.equalize`,
  /// `quant.weights`, `quant.auto` (each layer's method); `correctBiases` writes
  /// `quant.bias_correction`. Nothing is added for a choice that is off, so a default run's
  /// file is unchanged.
  static func recordChoices(_ options: Options, in conversion: inout Int8Conversion) {
    if options.equalize {
      conversion.writer.metadata["quant.equalize"] =
        "cross-layer equalisation of the decoder's layer pairs (Nagel et al. 2019), before calibration"
    }
    if options.perTensorWeights {
      conversion.writer.metadata["quant.weights"] = "per tensor (equal per-row scales)"
    }
    if !options.wideActivations.isEmpty {
      conversion.writer.metadata["quant.wide_activations"] =
        conversion.decoderBits.wideLayerNames.joined(separator: ", ") + ": 12-bit outputs (int16)"
    }
    if !conversion.layerMethods.isEmpty {
      conversion.writer.metadata["quant.auto"] = conversion.layerMethods.sorted { $0.key < $1.key }
        .map { "\($0.key) \($0.value.name)" }.joined(separator: ", ")
    }
  }
}
