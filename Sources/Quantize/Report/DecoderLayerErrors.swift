import Foundation
import Int8Runtime

// MARK: - DecoderLayerErrors

/// Where the int8 decoder loses accuracy: each layer's int8 output, dequantised with its scale
/// and zero point, against the float64 layer's output, as a signal-to-quantisation-noise
/// ratio SQNR = 10 · log10(Σ f² / Σ (f − q)²) in dB. The int8 layers run as the generator runs
/// them (each fed the previous int8 layer), so the figures accumulate down the decoder and the
/// layer whose SQNR drops most is the one that costs most. The last row is the frame: the 8-bit
/// pixels / 255 against the float sigmoid output.
///
/// ```swift
/// let rows = try DecoderLayerErrors.measure(reference, model, activations: c.decoderActivations,
///                                           latents: heldOut)
/// rows[0]   // ("decoder.dense", 41.2)
/// ```
public enum DecoderLayerErrors {
  public struct Row: Codable, Sendable, Equatable {
    public var layer: String
    public var sqnr: Double
  }

  public static func measure(
    _ reference: FloatReference, _ model: Int8Model, activations: [Int8Activation],
    latents: [[Double]]
  ) -> [Row] {
    let p = reference.preset
    let n = model.convs.count
    var signal = [Double](repeating: 0, count: n + 3)
    var noise = signal
    let scale = Double(1 << model.latentFractionBits)
    for z in latents {
      let trace = reference.decode(z, batch: 1)
      let floats: [[Double]] =
        [trace.dense, trace.expand] + trace.convs
        + [trace.logits.map { 1 / (1 + Foundation.exp(-$0)) }]
      let q = z.map { Int16(max(-32768, min(32767, ($0 * scale).rounded()))) }
      var outputs: [[Double]] = []
      var bottleneck = [Int8](repeating: 0, count: p.bottleneckSize)
      q.withUnsafeBufferPointer { x in
        bottleneck.withUnsafeMutableBufferPointer { y in
          DenseKernel.run(
            model.decoderDense, input: x, output: y, outputZeroPoint: model.decoderDenseZeroPoint,
            relu: true)
        }
      }
      outputs.append(bottleneck.map { activations[0].dequantize(Int32($0)) })
      var rows = p.bottleneckShape[0]
      var cols = p.bottleneckShape[1]
      var x = [Int8](repeating: 0, count: rows * cols * p.decoderExpand)
      bottleneck.withUnsafeBufferPointer { b in
        x.withUnsafeMutableBufferPointer { e in
          PerPixelDenseKernel.run(
            model.expand, input: b, inputZeroPoint: model.decoderDenseZeroPoint, output: e,
            outputZeroPoint: model.expandZeroPoint, relu: false)
        }
      }
      outputs.append(x.map { activations[1].dequantize(Int32($0)) })
      var zeroPoint = model.expandZeroPoint
      for i in 0..<n {
        let channels = model.convs[i].outChannels
        var y = [Int8](repeating: 0, count: rows * cols * channels)
        x.withUnsafeBufferPointer { xi in
          y.withUnsafeMutableBufferPointer { yo in
            Conv3x3Kernel.run(
              model.convs[i], requantization: model.convRequantizations[i], input: xi, rows: rows,
              cols: cols, inputZeroPoint: zeroPoint, output: yo,
              outputZeroPoint: model.convZeroPoints[i], relu: true)
          }
        }
        var up = [Int8](repeating: 0, count: 4 * y.count)
        y.withUnsafeBufferPointer { yi in
          up.withUnsafeMutableBufferPointer { u in
            Upsample2Kernel.run(input: yi, rows: rows, cols: cols, channels: channels, output: u)
          }
        }
        // The float trace holds conv i's output after the upsample folded into conv i+1's
        // input, i.e. at conv i's own resolution: compare there.
        outputs.append(y.map { activations[2 + i].dequantize(Int32($0)) })
        x = up
        zeroPoint = model.convZeroPoints[i]
        rows *= 2
        cols *= 2
      }
      var pixels = [UInt8](repeating: 0, count: p.pixelsPerFrame)
      x.withUnsafeBufferPointer { xi in
        pixels.withUnsafeMutableBufferPointer { out in
          PixelConvKernel.run(
            model.pixelConv, thresholds: model.pixelThresholds, input: xi, rows: rows, cols: cols,
            inputZeroPoint: zeroPoint, output: out)
        }
      }
      outputs.append(pixels.map { Double($0) / 255 })
      for (k, (f, o)) in zip(floats, outputs).enumerated() {
        for (a, b) in zip(f, o) {
          signal[k] += a * a
          noise[k] += (a - b) * (a - b)
        }
      }
    }
    let names =
      ["decoder.dense", "decoder.expand"] + (1...n).map { "decoder.conv\($0)" } + ["frame (pixels)"]
    return names.indices.map { k in
      Row(layer: names[k], sqnr: noise[k] > 0 ? 10 * Foundation.log10(signal[k] / noise[k]) : 99)
    }
  }
}
