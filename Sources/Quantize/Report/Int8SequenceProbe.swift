import Evaluation
import Int8Runtime

// MARK: - Int8SequenceProbe

/// The int8 sequence model run on given inputs (teacher forcing), for the accuracy report: the
/// true latent goes in at every step (`Int8Generator.step(input:)`, the generator's own step),
/// the state is carried, and every MDN output is read out.
///
/// ```swift
/// var probe = try Int8SequenceProbe(model)
/// let out = probe.step(latentQ)   // [2KD + K]: means (latent format), log-sigmas Q11, logits Q16
/// probe.realOutputs(out)          // the same as reals, `MDNLayout` order
/// ```
public struct Int8SequenceProbe {
  public let model: Int8Model
  var generator: Int8Generator

  public init(_ model: Int8Model) throws {
    self.model = model
    generator = try Int8Generator(model: model, seed: 0)
    generator.resetState()
  }

  public mutating func reset() { generator.resetState() }

  /// One step on latent x (latent format); returns every MDN output as Int32.
  public mutating func step(_ x: [Int16]) -> [Int32] {
    generator.step(input: x)
    let (K, D) = (model.preset.mixtures, model.preset.latentSize)
    let head = model.mdn
    var out = [Int32](repeating: 0, count: 2 * K * D + K)
    generator.sequenceOutput.withUnsafeBufferPointer { x in
      for k in 0..<K {
        for d in 0..<D {
          out[k * D + d] = Int32(head.mean(k, d, input: x))
          out[(K + k) * D + d] = Int32(head.logSigma(k, d, input: x))
        }
        out[2 * K * D + k] = head.logit(k, input: x)
      }
    }
    return out
  }

  /// Integer MDN outputs as reals: means · 2^−f, log-sigmas / 2^11, logits / 2^16.
  public func realOutputs(_ q: [Int32]) -> [Double] {
    let (K, D) = (model.preset.mixtures, model.preset.latentSize)
    return q.indices.map { i in
      if i < K * D { return LatentFormat.real(q[i], fractionBits: model.latentFractionBits) }
      if i < 2 * K * D { return Double(q[i]) / 2048 }
      return Double(q[i]) / 65536
    }
  }
}
