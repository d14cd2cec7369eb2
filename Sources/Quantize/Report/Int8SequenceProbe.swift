import Int8Runtime

// MARK: - Int8SequenceProbe

/// The int8 sequence model run on given inputs (teacher forcing), for the accuracy report: the
/// true latent goes in at every step, the state is carried, and every MDN output is read out,
/// the same kernels in the same order as `Int8Generator`'s step.
///
/// ```swift
/// var probe = Int8SequenceProbe(model)
/// let out = probe.step(latentQ)   // [2KD + K]: means (latent format), log-sigmas Q11, logits Q16
/// probe.realOutputs(out)          // the same as reals, `MDNLayout` order
/// ```
public struct Int8SequenceProbe {
  public let model: Int8Model
  var h: [Int16]
  var c: [Int16]
  var gates: [Int16]
  var dense: [Int16]

  public init(_ model: Int8Model) {
    self.model = model
    let (L, U) = (model.preset.lstmLayers, model.preset.lstmUnits)
    h = [Int16](repeating: 0, count: L * U)
    c = h
    gates = [Int16](repeating: 0, count: 4 * U)
    dense = [Int16](repeating: 0, count: model.preset.denseUnits)
  }

  public mutating func reset() {
    for i in h.indices { h[i] = 0 }
    for i in c.indices { c[i] = 0 }
  }

  /// One step on latent x (latent format); returns every MDN output as Int32.
  public mutating func step(_ x: [Int16]) -> [Int32] {
    let U = model.preset.lstmUnits
    let model = self.model
    x.withUnsafeBufferPointer { x in
      h.withUnsafeMutableBufferPointer { hAll in
        c.withUnsafeMutableBufferPointer { cAll in
          gates.withUnsafeMutableBufferPointer { g in
            for (l, layer) in model.lstms.enumerated() {
              let input =
                l == 0
                ? x : UnsafeBufferPointer(rebasing: UnsafeBufferPointer(hAll)[((l - 1) * U)..<(l * U)])
              LSTMCellKernel.step(
                layer, input: input,
                h: UnsafeMutableBufferPointer(rebasing: hAll[(l * U)..<((l + 1) * U)]),
                c: UnsafeMutableBufferPointer(rebasing: cAll[(l * U)..<((l + 1) * U)]), gates: g,
                sigmoid: model.sigmoid, tanh: model.tanh)
            }
          }
        }
      }
    }
    let top = (model.preset.lstmLayers - 1) * U
    h.withUnsafeBufferPointer { hAll in
      dense.withUnsafeMutableBufferPointer { out in
        DenseKernel.run(
          model.sequenceDense, input: UnsafeBufferPointer(rebasing: hAll[top..<(top + U)]),
          output: out, relu: true)
      }
    }
    let (K, D) = (model.preset.mixtures, model.preset.latentSize)
    var out = [Int32](repeating: 0, count: 2 * K * D + K)
    dense.withUnsafeBufferPointer { x in
      for k in 0..<K {
        for d in 0..<D {
          out[k * D + d] = Int32(model.mdn.mean(k, d, input: x))
          out[(K + k) * D + d] = Int32(model.mdn.logSigma(k, d, input: x))
        }
        out[2 * K * D + k] = model.mdn.logit(k, input: x)
      }
    }
    return out
  }

  /// Integer MDN outputs as reals: means · 2^−f, log-sigmas / 2^11, logits / 2^16.
  public func realOutputs(_ q: [Int32]) -> [Double] {
    let (K, D) = (model.preset.mixtures, model.preset.latentSize)
    let latent = 1 / Double(1 << model.latentFractionBits)
    return q.indices.map { i in
      if i < K * D { return Double(q[i]) * latent }
      if i < 2 * K * D { return Double(q[i]) / 2048 }
      return Double(q[i]) / 65536
    }
  }
}
