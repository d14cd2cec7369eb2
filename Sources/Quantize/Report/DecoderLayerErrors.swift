import Foundation

// MARK: - DecoderLayerErrors

/// Where the int8 decoder loses accuracy: each layer's int8 output, dequantised with its scale
/// and zero point, against the float64 layer's output, as a signal-to-quantisation-noise
/// ratio SQNR = 10 · log10(Σ f² / Σ (f − q)²) in dB. The int8 layers are the generator's own
/// (`Int8Generator.lastDecoderOutputs`, each fed the previous int8 layer), so the figures
/// accumulate down the decoder and the layer whose SQNR drops most is the one that costs most.
/// The last row is the frame: the 8-bit pixels / 255 against the float sigmoid output.
/// `DecoderAccuracy.measure` fills it in the same pass as the frame measures.
///
/// ```swift
/// var e = DecoderLayerErrors(layers: 2)
/// e.add(float: [[1, 2], [3]], int8: [[1, 2.1], [3]])
/// e.rows(names: ["a", "b"])   // [a: 10·log10(5 / 0.01) ≈ 27.0 dB, b: 99 (no noise)]
/// ```
public struct DecoderLayerErrors {
  public struct Row: Codable, Sendable, Equatable {
    public var layer: String
    public var sqnr: Double
  }

  var signal: [Double]
  var noise: [Double]

  public init(layers: Int) {
    signal = [Double](repeating: 0, count: layers)
    noise = signal
  }

  /// One example's outputs, layer by layer (the same order and sizes on both sides).
  public mutating func add(float: [[Double]], int8: [[Double]]) {
    precondition(float.count == signal.count && int8.count == signal.count, "one output per layer")
    for (k, (f, o)) in zip(float, int8).enumerated() {
      precondition(f.count == o.count, "layer \(k): float and int8 outputs differ in size")
      for (a, b) in zip(f, o) {
        signal[k] += a * a
        noise[k] += (a - b) * (a - b)
      }
    }
  }

  public func rows(names: [String]) -> [Row] {
    names.indices.map { k in
      Row(layer: names[k], sqnr: noise[k] > 0 ? 10 * Foundation.log10(signal[k] / noise[k]) : 99)
    }
  }

  /// The decoder's rows: dense, expand, conv1 ... conv_n, the frame.
  func rows(convs n: Int) -> [Row] {
    rows(
      names: ["decoder.dense", "decoder.expand"] + (1...n).map { "decoder.conv\($0)" } + ["frame (pixels)"])
  }
}
