import Evaluation
import Foundation
import Int8Runtime
import Trainer

// MARK: - DecoderAccuracy

/// The int8 decoder against the float one on the same latents.
///
/// PSNR here compares the int8 frame's 8-bit pixels with the float decoder's output before
/// rounding, pixels in [0, 1], per frame, then averages over frames: even a perfect int8 path
/// pays the 8-bit rounding (about 59 dB). "Differing" pixels are those whose int8 value is not
/// the float output rounded to 8 bits. SSIM (`ImageMetrics.ssim`, 11x11 Gaussian window) compares
/// the int8 frame with the float frame rounded to 8 bits, so a perfect int8 path scores 1.
///
/// The int8 frames come from the streaming runtime (`Int8FrameDecoder`); the first
/// `layerLatents` are also decoded by the reference generator, whose per-layer outputs feed
/// the SQNR rows (`DecoderLayerErrors`), and whose frames must equal the streaming ones.
///
/// ```swift
/// let (d, layers) = try DecoderAccuracy.measure(reference, model, activations: formats,
///                                               latents: heldOut)
/// d.meanPSNR              // e.g. 58.1
/// d.meanSSIM              // e.g. 0.998
/// d.differingPercent      // e.g. 1.2
/// layers[1]               // decoder.expand's SQNR
/// ```
public struct DecoderAccuracy: Codable, Sendable, Equatable {
  public var frames: Int
  public var meanPSNR: Double
  /// The PSNR of the frame at the 1st percentile (the worst 1% are at or below it).
  public var worstPercentPSNR: Double
  /// Mean SSIM of the int8 frame against the float frame rounded to 8 bits.
  public var meanSSIM: Double
  public var meanAbsoluteError: Double
  public var differingPercent: Double
  public var largestDifference: Int
  /// Per frame, in latent order (for pictures of the worst and a typical frame).
  public var framePSNRs: [Double]

  /// The frame with the lowest PSNR.
  public var worstFrame: Int { framePSNRs.indices.min { framePSNRs[$0] < framePSNRs[$1] } ?? 0 }
  /// A typical frame: the one at the median PSNR (the lower middle for an even count).
  public var medianFrame: Int {
    let order = framePSNRs.indices.sorted { framePSNRs[$0] < framePSNRs[$1] }
    return order.isEmpty ? 0 : order[(order.count - 1) / 2]
  }

  /// The float decoder's frames of `latents` (sigmoid outputs in [0, 1]), in batches of 8:
  /// the float side of every configuration's measure, computed once by `quantize --compare`.
  public static func floatFrames(_ reference: FloatReference, latents: [[Double]]) -> [[Double]] {
    var out: [[Double]] = []
    forEachTrace(reference, latents) { _, trace, range in
      out.append(trace.logits[range].map(logistic))
    }
    return out
  }

  /// Measures `latents`; the first `layerLatents` of them also feed the per-layer SQNR
  /// (dequantised with `activations`), in the same pass. `floatFrames` (from `floatFrames`)
  /// saves the float decode of the latents beyond `layerLatents`; `times` gets the time of
  /// each part.
  public static func measure(
    _ reference: FloatReference, _ model: Int8Model, activations: [Int8Activation],
    latents: [[Double]], layerLatents: Int = 100, floatFrames: [[Double]]? = nil,
    times: StageTimes = StageTimes()
  ) throws -> (accuracy: DecoderAccuracy, layers: [DecoderLayerErrors.Row]) {
    let preset = reference.preset
    let n = preset.pixelsPerFrame
    let decoder = try Int8FrameDecoder(model)
    var generator = try Int8Generator(model: model, seed: 0)
    var layers = DecoderLayerErrors(layers: model.convs.count + 3)
    var psnrs: [Double] = []
    var ssims: [Double] = []
    var absSum = 0.0
    var differing = 0
    var largest = 0

    func measureFrame(_ index: Int, _ floatPixels: [Double], _ trace: FloatReference.DecoderTrace?) {
      let z = latents[index]
      let pixels = times.time("int8 decode (streaming)") { decoder.decode(z) }
      var se = 0.0
      var rounded = [Double](repeating: 0, count: n)
      for i in 0..<n {
        let f = floatPixels[i]
        let e = Double(pixels[i]) / 255 - f
        se += e * e
        absSum += abs(e)
        rounded[i] = (f * 255).rounded()
        let d = abs(Int(pixels[i]) - Int(rounded[i]))
        if d != 0 { differing += 1 }
        largest = max(largest, d)
      }
      let mse = se / Double(n)
      psnrs.append(mse > 0 ? 10 * Foundation.log10(1 / mse) : 99)
      let (w, h) = (preset.frameWidth, preset.frameHeight)
      ssims.append(
        times.time("SSIM") {
          (try? ImageMetrics.ssim(
            PixelPlane(width: w, height: h, values: pixels.map { Double($0) }),
            PixelPlane(width: w, height: h, values: rounded))) ?? 1
        })
      guard let trace else { return }
      var reference = [UInt8](repeating: 0, count: n)
      times.time("int8 decode (reference, per-layer SQNR)") {
        LatentFormat.quantize(z, fractionBits: model.latentFractionBits).withUnsafeBufferPointer { zq in
          reference.withUnsafeMutableBufferPointer { generator.decode(latent: zq, into: $0) }
        }
      }
      precondition(reference == pixels, "the streaming decoder must give the reference generator's frame")
      let int8 = zip(generator.lastDecoderOutputs, activations).map { out, a in
        out.map { a.dequantize(Int32($0)) }
      }
      layers.add(
        float: [trace.dense, trace.expand] + trace.convs + [floatPixels],
        int8: int8 + [pixels.map { Double($0) / 255 }])
    }

    let traced = min(layerLatents, latents.count)
    if let floatFrames {
      precondition(floatFrames.count == latents.count, "one float frame per latent")
      forEachTrace(reference, Array(latents[..<traced]), times: times) { i, trace, range in
        measureFrame(i, floatFrames[i], trace.slice(range, index: i % 8))
      }
      for i in traced..<latents.count { measureFrame(i, floatFrames[i], nil) }
    } else {
      forEachTrace(reference, latents, times: times) { i, trace, range in
        measureFrame(
          i, trace.logits[range].map(logistic), i < traced ? trace.slice(range, index: i % 8) : nil)
      }
    }
    let sorted = psnrs.sorted()
    let count = max(latents.count, 1)
    let accuracy = DecoderAccuracy(
      frames: latents.count, meanPSNR: psnrs.reduce(0, +) / Double(count),
      worstPercentPSNR: sorted.isEmpty ? 0 : RangeObserver.quantile(sorted, 0.01),
      meanSSIM: ssims.reduce(0, +) / Double(count),
      meanAbsoluteError: absSum / Double(count * n),
      differingPercent: 100 * Double(differing) / Double(count * n),
      largestDifference: largest, framePSNRs: psnrs)
    return (accuracy, layers.rows(convs: model.convs.count))
  }

  // MARK: - Float traces

  static func logistic(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

  /// The float reference over `latents` in batches of 8: `body(index, batch trace, the index's
  /// pixel range in the batch's logits)`.
  static func forEachTrace(
    _ reference: FloatReference, _ latents: [[Double]], times: StageTimes = StageTimes(),
    _ body: (Int, FloatReference.DecoderTrace, Range<Int>) -> Void
  ) {
    let n = reference.preset.pixelsPerFrame
    var start = 0
    while start < latents.count {
      let chunk = Array(latents[start..<min(start + 8, latents.count)])
      let trace = times.time("float decode (float64 reference)") {
        reference.decode(chunk.flatMap { $0 }, batch: chunk.count)
      }
      for j in chunk.indices { body(start + j, trace, (j * n)..<((j + 1) * n)) }
      start += 8
    }
  }
}

// MARK: - One latent of a batch trace

extension FloatReference.DecoderTrace {
  /// The activations of batch member `index` (`pixels`: its range in `logits`), each tensor
  /// being [batch, ...] contiguous.
  func slice(_ pixels: Range<Int>, index: Int) -> FloatReference.DecoderTrace {
    let batch = logits.count / pixels.count
    func member(_ t: [Double]) -> [Double] {
      let size = t.count / batch
      return Array(t[(index * size)..<((index + 1) * size)])
    }
    return .init(
      dense: member(dense), expand: member(expand), convs: convs.map(member), logits: member(logits))
  }
}
