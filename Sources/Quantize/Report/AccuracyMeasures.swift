import Evaluation
import Foundation
import Int8Runtime
import Trainer

// MARK: - Decoder accuracy

/// The int8 decoder against the float one on the same latents.
///
/// PSNR here compares the int8 frame's 8-bit pixels with the float decoder's output before
/// rounding, pixels in [0, 1], per frame, then averages over frames: even a perfect int8 path
/// pays the 8-bit rounding (about 59 dB). "Differing" pixels are those whose int8 value is not
/// the float output rounded to 8 bits.
///
/// ```swift
/// let (d, layers) = try DecoderAccuracy.measure(reference, model, activations: formats,
///                                               latents: heldOut)
/// d.meanPSNR              // e.g. 58.1
/// d.differingPercent      // e.g. 1.2
/// layers[1]               // decoder.expand's SQNR
/// ```
public struct DecoderAccuracy: Codable, Sendable, Equatable {
  public var frames: Int
  public var meanPSNR: Double
  /// The PSNR of the frame at the 1st percentile (the worst 1% are at or below it).
  public var worstPercentPSNR: Double
  public var meanAbsoluteError: Double
  public var differingPercent: Double
  public var largestDifference: Int
  /// Per frame, in latent order (for pictures of the worst and a typical frame).
  public var framePSNRs: [Double]

  /// Measures `latents`; the first `layerLatents` of them also feed the per-layer SQNR
  /// (`DecoderLayerErrors`, dequantised with `activations`), in the same pass.
  public static func measure(
    _ reference: FloatReference, _ model: Int8Model, activations: [Int8Activation],
    latents: [[Double]], layerLatents: Int = 100
  ) throws -> (accuracy: DecoderAccuracy, layers: [DecoderLayerErrors.Row]) {
    let preset = reference.preset
    let n = preset.pixelsPerFrame
    var generator = try Int8Generator(model: model, seed: 0)
    var layers = DecoderLayerErrors(layers: model.convs.count + 3)
    var psnrs: [Double] = []
    var absSum = 0.0
    var differing = 0
    var largest = 0
    var pixels = [UInt8](repeating: 0, count: n)
    for (index, z) in latents.enumerated() {
      let trace = reference.decode(z, batch: 1)
      let floatPixels = trace.logits.map { 1 / (1 + Foundation.exp(-$0)) }
      LatentFormat.quantize(z, fractionBits: model.latentFractionBits).withUnsafeBufferPointer { zq in
        pixels.withUnsafeMutableBufferPointer { generator.decode(latent: zq, into: $0) }
      }
      var se = 0.0
      for i in 0..<n {
        let f = floatPixels[i]
        let e = Double(pixels[i]) / 255 - f
        se += e * e
        absSum += abs(e)
        let rounded = Int((f * 255).rounded())
        let d = abs(Int(pixels[i]) - rounded)
        if d != 0 { differing += 1 }
        largest = max(largest, d)
      }
      let mse = se / Double(n)
      psnrs.append(mse > 0 ? 10 * Foundation.log10(1 / mse) : 99)
      if index < layerLatents {
        let int8 = zip(generator.lastDecoderOutputs, activations).map { out, a in
          out.map { a.dequantize(Int32($0)) }
        }
        layers.add(
          float: [trace.dense, trace.expand] + trace.convs + [floatPixels],
          int8: int8 + [pixels.map { Double($0) / 255 }])
      }
    }
    let sorted = psnrs.sorted()
    let accuracy = DecoderAccuracy(
      frames: latents.count, meanPSNR: psnrs.reduce(0, +) / Double(max(psnrs.count, 1)),
      worstPercentPSNR: sorted.isEmpty ? 0 : RangeObserver.quantile(sorted, 0.01),
      meanAbsoluteError: absSum / Double(max(latents.count * n, 1)),
      differingPercent: 100 * Double(differing) / Double(max(latents.count * n, 1)),
      largestDifference: largest, framePSNRs: psnrs)
    return (accuracy, layers.rows(convs: model.convs.count))
  }
}

// MARK: - Sequence accuracy

/// The int8 sequence model against the float one, teacher-forced: the true latent of a real
/// clip goes in at every step and the state is carried from zero in both.
///
/// - top-mixture agreement: steps where both pick the same largest logit;
/// - relative RMSE of the means: RMS(int8 means − float means) / RMS(float means), over every
///   component and dimension of every step;
/// - held-out NLL per step of the true next latent, float and int8 (the int8 outputs read as
///   reals), through the one mixture likelihood `MDNLoss` defines.
public struct SequenceAccuracy: Codable, Sendable, Equatable {
  public var steps: Int
  public var topMixtureAgreementPercent: Double
  public var meansRelativeRMSEPercent: Double
  public var floatNLL: Double
  public var int8NLL: Double

  public static func measure(
    _ reference: FloatReference, _ model: Int8Model, clip: [[Double]]
  ) throws -> SequenceAccuracy {
    let layout = reference.sequence.layout
    let (K, D) = (layout.mixtures, layout.dims)
    var probe = try Int8SequenceProbe(model)
    var state = reference.sequence.zeroState(batch: 1)
    var agree = 0
    var diff2 = 0.0
    var ref2 = 0.0
    var floatRows: [Double] = []
    var int8Rows: [Double] = []
    var targets: [Double] = []
    let steps = max(clip.count - 1, 0)
    for t in 0..<steps {
      if model.isStateless {
        state = reference.sequence.zeroState(batch: 1)
        probe.reset()
      }
      let f = reference.step(clip[t], state: &state).mdn
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
      floatNLL: nllFloat, int8NLL: nllInt8)
  }
}
