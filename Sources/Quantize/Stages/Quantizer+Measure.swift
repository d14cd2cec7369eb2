import Int8Runtime
import Trainer

// MARK: - Stage 4: measure

extension Quantizer {
  /// What stage 4 measures, and on how much.
  ///
  /// ```swift
  /// var m = Quantizer.MeasureOptions()
  /// m.latents = 100          // compare: the first 100 held-out latents, not all 400
  /// m.layerLatents = 0       // no per-layer SQNR (the reference int8 decoder is slow)
  /// m.departureSeeds = []    // no free-running departure
  /// ```
  public struct MeasureOptions: Sendable {
    /// Held-out latents the decoder is measured on (nil: all `Prepared.evaluationLatents`).
    public var latents: Int? = nil
    /// The first held-out latents that also feed the per-layer SQNR.
    public var layerLatents = 100
    /// Seeds of the departure measure (empty: not measured), each `departureSteps` long.
    public var departureSeeds: [UInt64] = [1, 2, 3, 4]
    public var departureSteps = 300
    public init() {}
  }

  /// The report's figures for one int8 conversion.
  public struct Measures {
    public var decoder: DecoderAccuracy
    public var decoderLayers: [DecoderLayerErrors.Row]
    public var sequence: SequenceAccuracy
    public var departure: SequenceDeparture?
    /// Per departure seed, the int8–float latent distance at every step.
    public var departureDistances: [[Double]]
  }

  /// The float side of stage 4, the same for every configuration: the float decoder's frames
  /// of the measured held-out latents and the float sequence model's outputs on the held-out
  /// clip.
  public struct FloatSide {
    public var frames: [[Double]]
    public var sequence: [[Double]]
  }
}

extension Quantizer.Prepared {
  /// The held-out latents `options` measures the decoder on.
  public func measuredLatents(_ options: Quantizer.MeasureOptions) -> [[Double]] {
    Array(evaluationLatents.prefix(options.latents ?? evaluationLatents.count))
  }

  /// The float side of stage 4 (float64 decoder and sequence model), computed once.
  public func floatSide(_ options: Quantizer.MeasureOptions, times: StageTimes = StageTimes())
    -> Quantizer.FloatSide
  {
    let frames = times.time("float decode (float64 reference)") {
      DecoderAccuracy.floatFrames(reference, latents: measuredLatents(options))
    }
    let sequence = times.time("float sequence steps") {
      SequenceAccuracy.floatOutputs(reference, clip: evaluationClip, stateless: data.stateless)
    }
    return .init(frames: frames, sequence: sequence)
  }

  /// Stage 4: `model` (the conversion's int8 model, named `path` in errors) against the float
  /// model on held-out data. `float` (from `floatSide`) skips the float decode of the latents
  /// beyond `layerLatents` and the float sequence steps. `quantised` is the float model the
  /// conversion was made from when it is not the loaded one (`floatModel(for:)`, equalised): the
  /// per-layer SQNR compares each int8 layer with that model's layer, since equalisation rescales
  /// the channels between layers and keeps only the decoder's output the same.
  ///
  /// ```swift
  /// let int8 = try InMemoryInt8Model(try conversion.writer.encoded())
  /// let m = try prepared.measure(conversion, model: int8.model, path: "model-int8.dnm")
  /// m.decoder.meanPSNR   // e.g. 56.5
  /// ```
  public func measure(
    _ conversion: Int8Conversion, model: Int8Model, path: String,
    options: Quantizer.MeasureOptions = .init(), float: Quantizer.FloatSide? = nil,
    quantised: FloatReference? = nil, times: StageTimes = StageTimes()
  ) throws -> Quantizer.Measures {
    let (decoder, layers) = try DecoderAccuracy.measure(
      quantised ?? reference, model, activations: conversion.decoderActivations,
      latents: measuredLatents(options), layerLatents: options.layerLatents,
      floatFrames: float?.frames, times: times)
    let sequence = try times.time("int8 sequence steps") {
      try SequenceAccuracy.measure(
        reference, model, clip: evaluationClip, floatOutputs: float?.sequence,
        denseScale: conversion.sequenceDenseScale)
    }
    var departure: SequenceDeparture? = nil
    var distances: [[Double]] = []
    if !options.departureSeeds.isEmpty {
      (departure, distances) = try times.time("departure (float and int8 dances)") {
        try SequenceDeparture.measure(
          dance: dance, model: model, path: path, seeds: options.departureSeeds,
          steps: options.departureSteps)
      }
    }
    return .init(
      decoder: decoder, decoderLayers: layers, sequence: sequence, departure: departure,
      departureDistances: distances)
  }
}
