import Trainer

// MARK: - Stages 2 and 3: statistics, convert

extension Quantizer.Prepared {
  /// Stage 2: runs `reference` (default: the float model as loaded) over the calibration data
  /// and records every activation (`ActivationStatistics.collect`). The statistics do not
  /// depend on the calibration method; a configuration that changes the float activations
  /// before quantising (cross-layer equalisation rescales channels) passes its own transformed
  /// reference and gets its own statistics, a second pass over the same data.
  ///
  /// ```swift
  /// let plain = prepared.statistics()
  /// // let equalized = prepared.statistics(of: equalizedReference)   // when equalising
  /// ```
  public func statistics(
    of reference: FloatReference? = nil, progress: (Int, Int) -> Void = { _, _ in }
  ) -> ActivationStatistics {
    ActivationStatistics.collect(reference ?? self.reference, data, progress: progress)
  }

  /// Stage 3: the int8 model's tensors for one configuration (`options.method`, per-tensor
  /// weights, bias correction, `options.subPixel`), with the float model's provenance and
  /// generation metadata, `quant.calibration` and the choices' keys (`recordChoices`). Cheap
  /// next to stages 1 and 2, except under `.auto`, whose choice takes two decoder passes.
  ///
  /// ```swift
  /// var o = Quantizer.Options(method: .mse)
  /// let conversion = try prepared.convert(o, statistics: stats)
  /// try conversion.writer.encoded()   // the int8 file's bytes
  /// ```
  public func convert(
    _ options: Quantizer.Options, statistics: ActivationStatistics, reference: FloatReference? = nil
  ) throws -> Int8Conversion {
    let reference = reference ?? self.reference
    let bits = try options.decoderBits(for: reference.preset)
    let layerMethods = options.method == .auto ? Quantizer.autoChoices(reference, data, bits: bits) : [:]
    var conversion = try Int8Conversion(
      reference: reference, statistics: statistics, method: options.method,
      startLatents: starts, primers: primers.first?.isEmpty == false ? primers : nil,
      layerMethods: layerMethods, perTensorWeights: options.perTensorWeights,
      decoderBits: bits)
    for (key, value) in file.metadata
    where key.hasPrefix("provenance.") || key.hasPrefix("generation.") || key == "sequence.mode" {
      conversion.writer.metadata[key] = value
    }
    if options.biasCorrection { conversion.correctBiases(reference: reference, latents: data.decoderLatents) }
    Quantizer.recordChoices(options, in: &conversion)
    if options.subPixel { try conversion.addSubPixelForm() }
    conversion.writer.metadata["quant.calibration"] = calibrationText + options.choicesNote
    return conversion
  }

  /// The float model `options` calibrates and converts: the decoder equalised across layer
  /// pairs under `equalize` (a second statistics pass), else nil, the model as loaded.
  public func floatModel(for options: Quantizer.Options) throws -> FloatReference? {
    options.equalize ? try reference.equalized() : nil
  }
}
