import Foundation
import Trainer

// MARK: - CrossLayerEqualization

/// Cross-layer equalisation (Nagel et al. 2019, "Data-free quantization through weight
/// equalization and bias correction"), exact in float, done before calibration.
///
/// Take two layers y = f(W1·x + b1), z = W2·y + b2 where f commutes with a positive scale of
/// each channel: relu(v / s) = relu(v) / s, so do a linear layer and nearest upsampling. Then
/// dividing channel i of y by s_i and multiplying the weights that read channel i by s_i leaves
/// z unchanged, and the scales are chosen to give both layers' channel i the same weight range:
/// ```text
/// s_i = sqrt(r1_i / r2_i)      r1_i = max |W1 row i| (output channel i of the first layer)
///                              r2_i = max |W2 column i| (input channel i of the second)
/// W1'[i, ·] = W1[i, ·] / s_i    b1'_i = b1_i / s_i    W2'[·, i] = W2[·, i] · s_i
/// ```
/// after which both ranges are sqrt(r1_i · r2_i). A channel with a zero range keeps s_i = 1.
///
/// The decoder is one chain, dense → relu → expand (linear, per pixel) → conv1 → relu →
/// [upsample → conv → relu] ... → upsample → pixel conv, and every neighbouring pair is
/// equalised. A middle layer belongs to two pairs, so the chain is swept until no scale moves
/// by more than `tolerance` (at most `maximumSweeps` sweeps). The dense layer's channel i is the
/// bottleneck's channel i at every pixel (expand reads the bottleneck per pixel), so all those
/// units share s_i and r1_i is taken over all of them.
///
/// ```swift
/// CrossLayerEqualization.scales(outputRanges: [4, 1, 0], inputRanges: [1, 4, 3])
/// // [2, 0.5, 1]: channel 0's ranges 4 and 1 both become 2, channel 1's both 2
/// let equalized = try reference.equalized()   // the same frames, equalised weights
/// ```
public enum CrossLayerEqualization {
  public static let tolerance = 1e-9
  public static let maximumSweeps = 100

  /// s_i = sqrt(r1_i / r2_i); 1 where either range is 0.
  public static func scales(outputRanges r1: [Double], inputRanges r2: [Double]) -> [Double] {
    precondition(r1.count == r2.count, "a pair must agree on its channels")
    return zip(r1, r2).map { a, b in a > 0 && b > 0 ? (a / b).squareRoot() : 1 }
  }

  // MARK: - A layer's kernel, seen by channels

  /// A kernel [taps, inputs, outputs] (dense [in, out]: 1 tap; 3x3 conv [3, 3, in, out]: 9 taps)
  /// and its bias [outputs] inside a flat parameter array; output unit o is channel
  /// o % `channels` (the dense layer's units are pixels × bottleneck channels).
  struct LayerView {
    var kernel: Range<Int>
    var bias: Range<Int>
    var taps: Int
    var inputs: Int
    var outputs: Int
    var channels: Int

    /// Calls body(index into the flat array, input channel, output channel) for every weight.
    func forEachWeight(_ body: (Int, Int, Int) -> Void) {
      var index = kernel.lowerBound
      for _ in 0..<taps {
        for i in 0..<inputs {
          for o in 0..<outputs {
            body(index, i, o % channels)
            index += 1
          }
        }
      }
    }

    /// max |w| per output channel (r1) and per input channel (r2).
    func ranges(_ values: [Double]) -> (outputs: [Double], inputs: [Double]) {
      var out = [Double](repeating: 0, count: channels)
      var input = [Double](repeating: 0, count: inputs)
      forEachWeight { index, i, c in
        let m = abs(values[index])
        out[c] = max(out[c], m)
        input[i] = max(input[i], m)
      }
      return (out, input)
    }

    /// Output channel c's weights and bias divided by s_c.
    func divideOutputs(_ values: inout [Double], by s: [Double]) {
      forEachWeight { index, _, c in values[index] /= s[c] }
      for (o, index) in bias.enumerated() { values[index] /= s[o % channels] }
    }

    /// Input channel i's weights multiplied by s_i.
    func multiplyInputs(_ values: inout [Double], by s: [Double]) {
      forEachWeight { index, i, _ in values[index] *= s[i] }
    }
  }

  /// The decoder's layers in order: dense, expand, conv1 ... the pixel conv.
  static func decoderChain(_ vae: VAE<Double>) -> [LayerView] {
    let dense = vae.decoderDense
    let channels = vae.preset.bottleneckShape[2]
    var chain = [
      LayerView(
        kernel: dense.kernel.range, bias: dense.bias.range, taps: 1, inputs: dense.inputs,
        outputs: dense.outputs, channels: channels),
      LayerView(
        kernel: vae.expand.kernel.range, bias: vae.expand.bias.range, taps: 1, inputs: channels,
        outputs: vae.preset.decoderExpand, channels: vae.preset.decoderExpand),
    ]
    for conv in vae.decoderConvs {
      chain.append(
        LayerView(
          kernel: conv.kernel.range, bias: conv.bias.range, taps: 9, inputs: conv.inChannels,
          outputs: conv.outChannels, channels: conv.outChannels))
    }
    return chain
  }

  /// Equalises every neighbouring pair of `chain` in `values`, sweeping until the scales settle;
  /// returns the number of sweeps.
  @discardableResult
  static func equalize(_ chain: [LayerView], _ values: inout [Double]) -> Int {
    for sweep in 1...maximumSweeps {
      var largestMove = 0.0
      for (first, second) in zip(chain, chain.dropFirst()) {
        let s = scales(outputRanges: first.ranges(values).outputs, inputRanges: second.ranges(values).inputs)
        first.divideOutputs(&values, by: s)
        second.multiplyInputs(&values, by: s)
        largestMove = s.reduce(largestMove) { max($0, abs($1 - 1)) }
      }
      if largestMove <= tolerance { return sweep }
    }
    return maximumSweeps
  }
}

// MARK: - The equalised reference

extension FloatReference {
  /// The same float model with its decoder equalised (`CrossLayerEqualization`): every frame
  /// is the same up to float rounding, each pair's per-channel weight ranges are equal.
  ///
  /// ```swift
  /// let e = try reference.equalized()
  /// e.decode(n, batch: 1).logits    // reference.decode(n, batch: 1).logits, to ~1e-12
  /// ```
  public func equalized() throws -> FloatReference {
    var values = vae.parameters.values
    CrossLayerEqualization.equalize(CrossLayerEqualization.decoderChain(vae), &values)
    return try FloatReference(self, decoderValues: values)
  }
}
