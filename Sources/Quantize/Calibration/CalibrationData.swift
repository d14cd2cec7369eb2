import Trainer

// MARK: - CalibrationData

/// The inputs calibration runs the float model on, all in the sequence model's normalised
/// latent space (after the normaliser and any principal-axes rotation):
/// - `decoderLatents`: latents of real frames (the encoder's means) and latents the float
///   sequence model sampled (generation visits places the encoder never does);
/// - `sequenceClips`: windows of consecutive real latents, each run statefully from a zero
///   state, the first `primerSteps` of each only warming the state up as generation's primers
///   do.
///
/// ```swift
/// let data = CalibrationData(decoderLatents: reals + sampled, sequenceClips: windows,
///                            primerSteps: 8)
/// ```
public struct CalibrationData {
  public var decoderLatents: [[Double]]
  public var sequenceClips: [[[Double]]]
  public var primerSteps: Int
  /// A model trained the original's way resets its state before every step, in calibration
  /// as in generation.
  public var stateless: Bool

  public init(
    decoderLatents: [[Double]], sequenceClips: [[[Double]]], primerSteps: Int,
    stateless: Bool = false
  ) {
    self.decoderLatents = decoderLatents
    self.sequenceClips = sequenceClips
    self.primerSteps = primerSteps
    self.stateless = stateless
  }
}

// MARK: - ActivationStatistics

/// What calibration saw: one `RangeObserver` per tensor whose scale the quantizer chooses.
///
/// ```swift
/// let stats = ActivationStatistics.collect(reference, data)
/// stats.latent.magnitude(.minmax)        // largest |n| of any latent
/// stats.decoderConvs[0].range(.percentile(99.99))
/// ```
public struct ActivationStatistics {
  /// every latent value seen: decoder inputs, sequence inputs, MDN means
  public var latent = RangeObserver(seed: 11)
  public var decoderDense = RangeObserver(seed: 12)
  public var decoderExpand = RangeObserver(seed: 13)
  /// decoder.conv1 ... conv_n (relu); the final conv has no activation format
  public var decoderConvs: [RangeObserver]
  /// per LSTM layer, the cell state
  public var cells: [RangeObserver]
  public var sequenceDense = RangeObserver(seed: 14)

  public init(convs: Int, lstmLayers: Int) {
    decoderConvs = (0..<convs).map { RangeObserver(seed: 20 + UInt64($0)) }
    cells = (0..<lstmLayers).map { RangeObserver(seed: 40 + UInt64($0)) }
  }

  /// Runs the float reference over `data` (decoder in batches of `batch` latents) and records
  /// every activation; `progress(done, total)` is called after each decoder batch and clip.
  public static func collect(
    _ reference: FloatReference, _ data: CalibrationData, batch: Int = 8,
    progress: (Int, Int) -> Void = { _, _ in }
  ) -> ActivationStatistics {
    let preset = reference.preset
    var stats = ActivationStatistics(
      convs: preset.decoderChannels.count, lstmLayers: preset.lstmLayers)
    let batches = (data.decoderLatents.count + batch - 1) / batch
    let total = batches + data.sequenceClips.count
    var done = 0
    var i = 0
    while i < data.decoderLatents.count {
      let chunk = Array(data.decoderLatents[i..<min(i + batch, data.decoderLatents.count)])
      let flat = chunk.flatMap { $0 }
      stats.latent.observe(flat)
      let trace = reference.decode(flat, batch: chunk.count)
      stats.decoderDense.observe(trace.dense)
      stats.decoderExpand.observe(trace.expand)
      for (k, conv) in trace.convs.enumerated() { stats.decoderConvs[k].observe(conv) }
      i += batch
      done += 1
      progress(done, total)
    }
    let layout = reference.sequence.layout
    for clip in data.sequenceClips {
      var state = reference.sequence.zeroState(batch: 1)
      for (t, n) in clip.enumerated() {
        stats.latent.observe(n)
        if data.stateless { state = reference.sequence.zeroState(batch: 1) }
        let trace = reference.step(n, state: &state)
        if t < data.primerSteps { continue }
        for (l, c) in trace.cells.enumerated() { stats.cells[l].observe(c) }
        stats.sequenceDense.observe(trace.dense)
        stats.latent.observe(
          (0..<(layout.mixtures * layout.dims)).map { trace.mdn[$0] })
      }
      done += 1
      progress(done, total)
    }
    return stats
  }
}
