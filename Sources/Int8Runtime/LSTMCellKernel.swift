// MARK: - LSTMWeights

/// One quantised LSTM layer as it lies in the file (docs/INT8.md, "LSTM cell"): int8 input and
/// recurrent weights [4U, in] and [4U, U] with rows in gate order i, f, g, o; int32 bias [4U] at the
/// input side's scale; two per-row requantisations to the Q12 gate pre-activation; the cell's
/// fraction bits cf (the cell is int16 c · 2^cf).
public struct LSTMWeights {
  public let inputs: Int
  public let units: Int
  /// x side, with the bias: [4U, inputs]
  public let input: DenseWeights
  /// h side: [4U, U]
  public let recurrentWeights: Int8Values
  public let recurrentRequantization: ChannelRequantization
  public let cellFractionBits: Int

  public init(
    inputs: Int, units: Int, weights: Int8Values, recurrentWeights: Int8Values, bias: Int32Values,
    inputRequantization: ChannelRequantization, recurrentRequantization: ChannelRequantization,
    cellFractionBits: Int
  ) {
    precondition(recurrentWeights.count == 4 * units * units, "recurrent weight size")
    precondition(cellFractionBits >= 0 && cellFractionBits <= 15, "cell fraction bits in 0...15")
    self.inputs = inputs
    self.units = units
    self.input = DenseWeights(
      inputs: inputs, outputs: 4 * units, weights: weights, bias: bias, requantization: inputRequantization)
    self.recurrentWeights = recurrentWeights
    self.recurrentRequantization = recurrentRequantization
    self.cellFractionBits = cellFractionBits
  }

  /// Σ_j R[row, j] · h[j]
  @inlinable
  public func recurrentAccumulator(_ row: Int, h: UnsafeBufferPointer<Int16>) -> Int32 {
    var acc: Int32 = 0
    let at = row * units
    for j in 0..<units { acc += Int32(recurrentWeights[at + j]) * Int32(h[j]) }
    return acc
  }
}

// MARK: - LSTMCellKernel

/// Reference LSTM step in integers. x int16 (the latent, or h of the layer below), h int16 Q15,
/// c int16 with cf fraction bits; gates from the sigmoid and tanh `GateTable`s (Q12 in, Q15 out).
/// ```text
/// a[row] = clamp(scaled(bias + Σ W·x, Mx, rx) + scaled(Σ R·h, Mh, rh), −32768, 32767)     Q12
/// i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)                                        Q15
/// c' = clamp(((f·c + 2^14) >> 15) + ((i·g + 2^(29−cf)) >> (30 − cf)), −32768, 32767)        Q(cf)
/// c12 = cf > 12 ? (c' + 2^(cf−13)) >> (cf − 12) : clamp(c' · 2^(12 − cf), −32768, 32767)      Q12
/// h' = (o · tanh(c12) + 2^14) >> 15                                                       Q15
/// ```
/// Worked example of one unit (cf = 11): c = 2048 (1.0), a_i = a_f = a_o = 0 (σ = 16384 = ½) and
/// a_g = 0 (tanh = 0): c' = ((16384·2048 + 2^14) >> 15) + 0 = 1024 (0.5); c12 = 2048 (0.5),
/// tanh(0.5) = 15143 from the table (0.4621), h' = (16384 · 15143 + 2^14) >> 15 = 7572 (0.2311).
public enum LSTMCellKernel {
  /// One step: reads x, h, c; writes the new h and c. `gates` is scratch of 4U int16.
  public static func step(
    _ layer: LSTMWeights, input x: UnsafeBufferPointer<Int16>, h: UnsafeMutableBufferPointer<Int16>,
    c: UnsafeMutableBufferPointer<Int16>, gates: UnsafeMutableBufferPointer<Int16>, sigmoid: GateTable,
    tanh: GateTable
  ) {
    let U = layer.units
    precondition(x.count == layer.inputs && h.count == U && c.count == U && gates.count == 4 * U)
    // MARK: Gate pre-activations (Q12), all read the old h
    let hOld = UnsafeBufferPointer(h)
    for row in 0..<(4 * U) {
      let fromInput = layer.input.requantization.scaled(
        layer.input.accumulator(row, int16Input: x), channel: row)
      let fromState = layer.recurrentRequantization.scaled(
        layer.recurrentAccumulator(row, h: hOld), channel: row)
      gates[row] = Int16(clamping: fromInput + fromState)
    }
    // MARK: Cell and output
    for u in 0..<U {
      h[u] = cellUpdate(
        input: gates[u], forget: gates[U + u], candidate: gates[2 * U + u], output: gates[3 * U + u],
        cell: &c[u], cellFractionBits: layer.cellFractionBits, sigmoid: sigmoid, tanh: tanh)
    }
  }

  /// One unit's cell and output from its four Q12 gate pre-activations (the formulas above): updates
  /// the cell c (Q(cf)) and returns the new h (Q15). The streaming runtime calls it too.
  @inlinable
  public static func cellUpdate(
    input ai: Int16, forget af: Int16, candidate ag: Int16, output ao: Int16, cell c: inout Int16,
    cellFractionBits cf: Int, sigmoid: GateTable, tanh: GateTable
  ) -> Int16 {
    let i = Int64(sigmoid(ai))
    let f = Int64(sigmoid(af))
    let g = Int64(tanh(ag))
    let o = Int64(sigmoid(ao))
    let kept = Requantization.roundingShiftRight(f * Int64(c), by: 15)
    let added = Requantization.roundingShiftRight(i * g, by: 30 - cf)
    let cNew = Int16(clamping: kept + added)
    let c12: Int16
    if cf > 12 {
      c12 = Int16(truncatingIfNeeded: Requantization.roundingShiftRight(Int64(cNew), by: cf - 12))
    } else {
      c12 = Int16(clamping: Int64(cNew) << (12 - cf))
    }
    c = cNew
    return Int16(truncatingIfNeeded: Requantization.roundingShiftRight(o * Int64(tanh(c12)), by: 15))
  }
}
