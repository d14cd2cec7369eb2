import Evaluation
import Int8Runtime

// MARK: - Int8SequenceProbe

/// The int8 sequence model run on given inputs (teacher forcing), for the accuracy report: the
/// true latent goes in at every step (`Int8Generator.step(input:)`, the generator's own step),
/// the state is carried, and every MDN output is read out.
///
/// The generator keeps its LSTM state to itself, so the probe carries a copy beside it: every
/// step also runs `LSTMCellKernel` and `DenseKernel` (the kernels the generator's step runs) on
/// the probe's own h and c, and stops if its sequence.dense output is not the generator's. The
/// state after a step is then readable as integers (`hidden`, `cells`, `dense`) or as reals
/// (`realState`).
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
  /// Per LSTM layer, h (Q15) after the last step.
  public private(set) var hidden: [[Int16]]
  /// Per LSTM layer, c (Q(cf), cf the layer's cell fraction bits) after the last step.
  public private(set) var cells: [[Int16]]
  /// sequence.dense's int16 output of the last step (relu), the MDN head's input.
  public private(set) var dense: [Int16]
  var gates: [Int16]

  public init(_ model: Int8Model) throws {
    self.model = model
    generator = try Int8Generator(model: model, seed: 0)
    let U = model.preset.lstmUnits
    hidden = [[Int16]](repeating: [Int16](repeating: 0, count: U), count: model.lstms.count)
    cells = hidden
    dense = [Int16](repeating: 0, count: model.sequenceDense.outputs)
    gates = [Int16](repeating: 0, count: 4 * U)
    reset()
  }

  public mutating func reset() {
    generator.resetState()
    for l in hidden.indices {
      hidden[l] = hidden[l].map { _ in 0 }
      cells[l] = cells[l].map { _ in 0 }
    }
  }

  /// One step on latent x (latent format); returns every MDN output as Int32.
  public mutating func step(_ x: [Int16]) -> [Int32] {
    generator.step(input: x)
    advanceState(x)
    precondition(
      dense == generator.sequenceOutput, "the probe's LSTM state must give the generator's dense output")
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

  /// The probe's copy of the LSTM stack and sequence.dense on x: each layer reads the h of the
  /// layer below (the first reads x) and its own old h and c.
  mutating func advanceState(_ x: [Int16]) {
    let model = self.model
    var input = x
    for (l, layer) in model.lstms.enumerated() {
      input.withUnsafeBufferPointer { below in
        hidden[l].withUnsafeMutableBufferPointer { h in
          cells[l].withUnsafeMutableBufferPointer { c in
            gates.withUnsafeMutableBufferPointer { g in
              LSTMCellKernel.step(
                layer, input: below, h: h, c: c, gates: g, sigmoid: model.sigmoid, tanh: model.tanh)
            }
          }
        }
      }
      input = hidden[l]
    }
    input.withUnsafeBufferPointer { top in
      dense.withUnsafeMutableBufferPointer {
        DenseKernel.run(model.sequenceDense, input: top, output: $0, relu: true)
      }
    }
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
  /// conversion chose, `SequenceLayerErrors.denseScale`). With cf = 11, c = 3072 reads 1.5.
  public func realState(denseScale: Double) -> [[Double]] {
    var out: [[Double]] = []
    for (l, layer) in model.lstms.enumerated() {
      let cellScale = 1 / Double(1 << layer.cellFractionBits)
      out.append(hidden[l].map { Double($0) / 32768 })
      out.append(cells[l].map { Double($0) * cellScale })
    }
    return out + [dense.map { Double($0) * denseScale }]
  }
}
