// MARK: - StreamingSequence

/// The sequence model's step for the streaming runtime: the same integers as `LSTMCellKernel` and
/// `DenseKernel` (the reference), computed unit by unit so that no [4U] gate buffer is needed:
/// for unit u the four gate rows u, U + u, 2U + u, 3U + u are accumulated, then
/// `LSTMCellKernel.cellUpdate` writes c[u] in place and the new h[u] into `hNext` (every gate row
/// reads the old h, so h itself is overwritten only when the layer is done).
///
/// ```swift
/// StreamingSequence.step(model, latent: x, h: h, c: c, hNext: scratch, denseOutput: out)
/// // out: sequence.dense's int16 output, the MDN head's input
/// ```
enum StreamingSequence {
  static func step(
    _ model: Int8Model, latent x: UnsafePointer<Int16>, h: UnsafeMutablePointer<Int16>,
    c: UnsafeMutablePointer<Int16>, hNext: UnsafeMutablePointer<Int16>,
    denseOutput: UnsafeMutablePointer<Int16>
  ) {
    let U = model.preset.lstmUnits
    var input = x
    for l in 0..<model.lstms.count {
      let layer = model.lstms[l]
      let hl = h + l * U
      let cl = c + l * U
      for u in 0..<U {
        let a0 = gate(layer, row: u, input: input, h: hl)
        let a1 = gate(layer, row: U + u, input: input, h: hl)
        let a2 = gate(layer, row: 2 * U + u, input: input, h: hl)
        let a3 = gate(layer, row: 3 * U + u, input: input, h: hl)
        hNext[u] = LSTMCellKernel.cellUpdate(
          input: a0, forget: a1, candidate: a2, output: a3, cell: &cl[u],
          cellFractionBits: layer.cellFractionBits, sigmoid: model.sigmoid, tanh: model.tanh)
      }
      hl.update(from: hNext, count: U)
      input = UnsafePointer(hl)
    }
    let dense = model.sequenceDense
    let top = UnsafePointer(h + (model.preset.lstmLayers - 1) * U)
    for o in 0..<dense.outputs {
      let acc = dense.bias[o] &+ DotProduct.int8(dense.weights.pointer + o * U, int16: top, count: U)
      denseOutput[o] = Int16(
        truncatingIfNeeded: dense.requantization.requantize(acc, channel: o, zeroPoint: 0, min: 0, max: 32767)
      )
    }
  }

  /// One gate pre-activation in Q12: the input side (with the bias) and the recurrent side, each
  /// rescaled by its own multiplier, summed and clamped to int16.
  @inline(__always)
  static func gate(
    _ layer: LSTMWeights, row: Int, input x: UnsafePointer<Int16>, h: UnsafeMutablePointer<Int16>
  ) -> Int16 {
    let n = layer.inputs
    let U = layer.units
    let fromInput = layer.input.requantization.scaled(
      layer.input.bias[row] &+ DotProduct.int8(layer.input.weights.pointer + row * n, int16: x, count: n),
      channel: row)
    let fromState = layer.recurrentRequantization.scaled(
      DotProduct.int8(layer.recurrentWeights.pointer + row * U, int16: UnsafePointer(h), count: U),
      channel: row)
    return Int16(clamping: fromInput + fromState)
  }
}
