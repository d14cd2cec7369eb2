import Evaluation
import Foundation
import Int8Runtime
import Trainer

// MARK: - Sequence accuracy

/// The int8 sequence model against the float one, teacher-forced: the true latent of a real
/// clip goes in at every step and the state is carried from zero in both.
///
/// - top-mixture agreement: steps where both pick the same largest logit;
/// - relative RMSE of the means: RMS(int8 means − float means) / RMS(float means), over every
///   component and dimension of every step;
/// - held-out NLL per step of the true next latent, float and int8 (the int8 outputs read as
///   reals), through the one mixture likelihood `MDNLoss` defines;
/// - SQNR of each kind of MDN output (means, log-sigmas, logits) over every step, int8 read as
///   reals against float, as `DecoderLayerErrors` defines it: where the sequence model's
///   accumulated error shows;
/// - SQNR of each layer before the head (`layers`, `SequenceLayerErrors`): every LSTM layer's h
///   and cell state and sequence.dense's output, over the same steps, so that `layerRows`
///   reads down the model like the decoder's rows.
///
/// ```swift
/// let s = try SequenceAccuracy.measure(reference, int8, clip: heldOutClip)
/// s.layerRows.map(\.layer)   // lstm1 h, lstm1 cell, lstm2 h, lstm2 cell, dense, mdn × 3
/// s.layerRows[0].sqnr         // e.g. 44.2 (dB)
/// ```
public struct SequenceAccuracy: Codable, Sendable, Equatable {
  public var steps: Int
  public var topMixtureAgreementPercent: Double
  public var meansRelativeRMSEPercent: Double
  public var floatNLL: Double
  public var int8NLL: Double
  /// SQNR rows: sequence.mdn means, log-sigmas, logits.
  public var outputSQNR: [DecoderLayerErrors.Row]
  /// SQNR rows of the layers before the head, `SequenceLayerErrors.names` order (nil: not
  /// measured, as when `measure` is given only the float MDN outputs).
  public var layers: [DecoderLayerErrors.Row]? = nil

  /// Every measured layer from the first LSTM to the MDN outputs: `layers`, then `outputSQNR`.
  public var layerRows: [DecoderLayerErrors.Row] { (layers ?? []) + outputSQNR }

  /// The float model's MDN outputs at every step of `clip` but the last (the float side of
  /// `measure`, the same for every configuration: `quantize --compare` computes it once).
  public static func floatOutputs(
    _ reference: FloatReference, clip: [[Double]], stateless: Bool
  ) -> [[Double]] {
    floatSteps(reference, clip: clip, stateless: stateless).map(\.mdn)
  }

  /// Every activation of the float step at every step of `clip` but the last.
  static func floatSteps(
    _ reference: FloatReference, clip: [[Double]], stateless: Bool
  ) -> [FloatReference.StepTrace] {
    var state = reference.sequence.zeroState(batch: 1)
    return clip.dropLast().map { x in
      if stateless { state = reference.sequence.zeroState(batch: 1) }
      return reference.step(x, state: &state)
    }
  }

  /// `floatOutputs`: `floatOutputs(reference, clip:, stateless:)` when already computed; the
  /// per-layer rows need the whole float step, so with it `layers` is nil (`quantize --compare`,
  /// which reports no layers). `denseScale` is sequence.dense's output scale, which the int8
  /// tensors alone do not determine (`Int8Conversion.sequenceDenseScale`); without it `layers`
  /// is nil too.
  public static func measure(
    _ reference: FloatReference, _ model: Int8Model, clip: [[Double]],
    floatOutputs: [[Double]]? = nil, denseScale: Double? = nil
  ) throws -> SequenceAccuracy {
    let layout = reference.sequence.layout
    let (K, D) = (layout.mixtures, layout.dims)
    var probe = try Int8SequenceProbe(model)
    let traces =
      floatOutputs == nil ? floatSteps(reference, clip: clip, stateless: model.isStateless) : []
    let float = floatOutputs ?? traces.map(\.mdn)
    let denseScale = floatOutputs == nil ? denseScale : nil
    let names = SequenceLayerErrors.names(lstmLayers: model.lstms.count)
    var layers = DecoderLayerErrors(layers: names.count)
    var agree = 0
    var diff2 = 0.0
    var ref2 = 0.0
    var floatRows: [Double] = []
    var int8Rows: [Double] = []
    var targets: [Double] = []
    var outputs = DecoderLayerErrors(layers: 3)
    let parts = [0..<(K * D), (K * D)..<(2 * K * D), (2 * K * D)..<(2 * K * D + K)]
    let steps = max(clip.count - 1, 0)
    for t in 0..<steps {
      if model.isStateless { probe.reset() }
      let f = float[t]
      let q = probe.step(LatentFormat.quantize(clip[t], fractionBits: model.latentFractionBits))
      let r = probe.realOutputs(q)
      var bestF = 0
      var bestQ = 0
      for k in 1..<K {
        if f[layout.logit(k)] > f[layout.logit(bestF)] { bestF = k }
        if q[layout.logit(k)] > q[layout.logit(bestQ)] { bestQ = k }
      }
      if bestF == bestQ { agree += 1 }
      for i in 0..<(K * D) {
        diff2 += (r[i] - f[i]) * (r[i] - f[i])
        ref2 += f[i] * f[i]
      }
      outputs.add(float: parts.map { Array(f[$0]) }, int8: parts.map { Array(r[$0]) })
      if let denseScale {
        layers.add(
          float: SequenceLayerErrors.float(traces[t]), int8: probe.realState(denseScale: denseScale))
      }
      floatRows += f
      int8Rows += r
      targets += clip[t + 1]
    }
    let nllFloat = MDNLoss.negativeLogLikelihood(
      outputs: floatRows, targets: targets, rows: steps, layout: layout
    ).loss
    let nllInt8 = MDNLoss.negativeLogLikelihood(
      outputs: int8Rows, targets: targets, rows: steps, layout: layout
    ).loss
    return SequenceAccuracy(
      steps: steps, topMixtureAgreementPercent: 100 * Double(agree) / Double(max(steps, 1)),
      meansRelativeRMSEPercent: ref2 > 0 ? 100 * (diff2 / ref2).squareRoot() : 0,
      floatNLL: nllFloat, int8NLL: nllInt8,
      outputSQNR: outputs.rows(
        names: ["sequence.mdn means", "sequence.mdn log-sigmas", "sequence.mdn logits"]),
      layers: denseScale == nil ? nil : layers.rows(names: names))
  }
}
