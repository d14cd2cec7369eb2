import Evaluation
import Int8Runtime

// MARK: - Int8SequenceProbe

/// The int8 sequence model run on given inputs (teacher forcing), for the accuracy report: the
/// true latent goes in at every step (`Int8Generator.step(input:)`, the generator's own step),
/// the state is carried, and every MDN output is read out.
///
/// The state after a step is readable as the generator's integers (`hidden`, `cells`, `dense`)
/// or as reals (`realState`).
///
/// ```swift
/// var probe = try Int8SequenceProbe(model)
/// let out = probe.step(latentQ)   // [2KD + K]: means (latent format), log-sigmas Q11, logits Q16
/// probe.realOutputs(out)          // the same as reals, `MDNLayout` order
/// probe.realState(denseScale: s)  // [h1, c1, h2, c2, dense] for two LSTM layers, as reals
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

  /// Per LSTM layer, h (Q15) after the last step.
  public var hidden: [[Int16]] { Self.layers(generator.lstmHidden, units: model.preset.lstmUnits) }
  /// Per LSTM layer, c (Q(cf), cf the layer's cell fraction bits) after the last step.
  public var cells: [[Int16]] { Self.layers(generator.lstmCells, units: model.preset.lstmUnits) }
  /// sequence.dense's int16 output of the last step (relu), the MDN head's input.
  public var dense: [Int16] { generator.sequenceOutput }

  static func layers(_ all: [Int16], units: Int) -> [[Int16]] {
    stride(from: 0, to: all.count, by: units).map { Array(all[$0..<($0 + units)]) }
  }

  /// One step on latent x (latent format); returns every MDN output as Int32.
  public mutating func step(_ x: [Int16]) -> [Int32] {
    generator.step(input: x)
    let (K, D) = (model.preset.mixtures, model.preset.latentSize)
    let head = model.mdn
    var out = [Int32](repeating: 0, count: 2 * K * D + K)
    dense.withUnsafeBufferPointer { x in
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

  /// The state after the last step as reals, in `SequenceLayerErrors.names` order: per LSTM
  /// layer h / 2^15 and c / 2^cf, then sequence.dense's output · `denseScale` (the scale the
  /// conversion chose, `Int8Conversion.sequenceDenseScale`). With cf = 11, c = 3072 reads 1.5.
  public func realState(denseScale: Double) -> [[Double]] {
    var out: [[Double]] = []
    let (hidden, cells) = (self.hidden, self.cells)
    for (l, layer) in model.lstms.enumerated() {
      let cellScale = 1 / Double(1 << layer.cellFractionBits)
      out.append(hidden[l].map { Double($0) / 32768 })
      out.append(cells[l].map { Double($0) * cellScale })
    }
    return out + [dense.map { Double($0) * denseScale }]
  }
}
