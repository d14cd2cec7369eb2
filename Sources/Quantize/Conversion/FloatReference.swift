import FileAccess
import Int8Runtime
import ModelFiles
import Trainer

// MARK: - FloatReference

/// The float model in float64, shaped as the int8 model computes it: what calibration measures
/// and what the accuracy report compares the integers with.
///
/// The one change from the float model is exact in real arithmetic: the latent normalisation
/// and the principal-axes rotation are folded into `decoder.dense`, so the decoder reads the
/// sequence model's normalised latent n directly. With z = (R·n) ⊙ std + mean and
/// y = zᵀ·W + b:
/// ```text
/// W'[j, o] = Σ_i R[i, j] · std_i · W[i, o]        b'_o = b_o + Σ_i mean_i · W[i, o]
/// ```
/// (R = I without a rotation).
///
/// ```swift
/// let ref = try FloatReference(file)
/// let trace = ref.decode(normalisedLatents, batch: 4)   // every decoder activation
/// trace.logits.count                                    // 4 · 120 · 208
/// ```
public final class FloatReference {
  public let preset: ModelPreset
  public let vae: VAE<Double>
  public let sequence: SequenceModel<Double>
  public let normalizer: LatentNormalizer

  public init(_ file: FloatModelFile) throws {
    preset = file.preset
    vae = try VAE<Double>(preset: preset, seed: 0)
    sequence = SequenceModel<Double>(preset: preset, seed: 0)
    for p in [vae.parameters, sequence.parameters] {
      for s in p.slots {
        guard let t = file.tensors[s.name], t.shape == s.shape else {
          throw FileIOError("model lacks tensor \(s.name) of shape \(s.shape)")
        }
        p.values.replaceSubrange(s.range, with: t.values.map(Double.init))
      }
    }
    var arrays: [String: [Float]] = [:]
    for name in [LatentNormalizer.meanName, LatentNormalizer.stdName, LatentNormalizer.rotationName] {
      arrays[name] = file.tensors[name]?.values
    }
    normalizer = try LatentNormalizer(namedArrays: arrays)
    foldNormalizerIntoDecoderDense()
  }

  /// A copy whose decoder parameters are `decoderValues` (the VAE's flat values; the sequence
  /// model and normaliser are shared, read only).
  init(_ other: FloatReference, decoderValues: [Double]) throws {
    preset = other.preset
    vae = try VAE<Double>(preset: preset, seed: 0)
    vae.parameters.values = decoderValues
    sequence = other.sequence
    normalizer = other.normalizer
  }

  private func foldNormalizerIntoDecoderDense() {
    let D = preset.latentSize
    let dense = vae.decoderDense
    let B = dense.outputs
    let p = vae.parameters
    let W = Array(p.values[dense.kernel.range])  // [D, B]
    let b = Array(p.values[dense.bias.range])
    let std = normalizer.std.map(Double.init)
    let mean = normalizer.mean.map(Double.init)
    let R: [Double] =
      normalizer.rotation?.map(Double.init)
      ?? (0..<(D * D)).map { $0 / D == $0 % D ? 1 : 0 }
    var folded = [Double](repeating: 0, count: D * B)
    for j in 0..<D {
      for i in 0..<D {
        let a = R[i * D + j] * std[i]
        if a == 0 { continue }
        for o in 0..<B { folded[j * B + o] += a * W[i * B + o] }
      }
    }
    var bias = b
    for i in 0..<D {
      for o in 0..<B { bias[o] += mean[i] * W[i * B + o] }
    }
    p.values.replaceSubrange(dense.kernel.range, with: folded)
    p.values.replaceSubrange(dense.bias.range, with: bias)
  }

  // MARK: - Decoder

  /// Every activation of the decoder for normalised latents n [batch, D].
  public struct DecoderTrace {
    /// relu(decoder.dense(n)), [batch, rows, cols, channels] of the bottleneck
    public var dense: [Double]
    /// decoder.expand, [batch, rows, cols, expand]
    public var expand: [Double]
    /// decoder.conv1 ... conv_n (relu), each at its own resolution
    public var convs: [[Double]]
    /// the final conv before the sigmoid, [batch, H, W]
    public var logits: [Double]
  }

  public func decode(_ n: [Double], batch: Int) -> DecoderTrace {
    let p = vae.parameters
    let dense = vae.decoderDense.forward(n, batch: batch, p).map { max($0, 0) }
    let expand = vae.expand.forward(dense, batch: batch, p)
    var convs: [[Double]] = []
    var x = expand
    for conv in vae.decoderConvs {
      x = conv.forward(x, batch: batch, p)
      convs.append(x)
    }
    let logits = convs.removeLast()
    return DecoderTrace(dense: dense, expand: expand, convs: convs, logits: logits)
  }

  // MARK: - Sequence model

  /// What one sequence step computes, for one stream.
  public struct StepTrace {
    /// per LSTM layer: the cell state after the step
    public var cells: [[Double]]
    /// per LSTM layer: the output h after the step
    public var hidden: [[Double]]
    /// relu(sequence.dense(h of the last layer))
    public var dense: [Double]
    /// the MDN head's raw outputs, `MDNLayout` order
    public var mdn: [Double]
  }

  /// One step on normalised latent n [D]; `state` advances. Stateless models reset `state`
  /// before calling.
  public func step(_ n: [Double], state: inout SequenceModel<Double>.State) -> StepTrace {
    let mdn = sequence.step(n, state: &state)
    let h = state.layers.last!.h
    let dense = sequence.dense.forward(h, batch: 1, sequence.parameters).map { max($0, 0) }
    return StepTrace(
      cells: state.layers.map(\.c), hidden: state.layers.map(\.h), dense: dense, mdn: mdn)
  }
}
