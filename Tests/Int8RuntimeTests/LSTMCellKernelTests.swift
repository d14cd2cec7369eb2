import Int8Runtime
import Testing

// MARK: - LSTM cell against float64

/// Float64 LSTM step in Keras' gate order with the dequantised weights.
private func lstmStep64(
  x: [Double], h: inout [Double], c: inout [Double], w: [Double], r: [Double], b: [Double], units U: Int
) {
  let n = x.count
  var a = [Double](repeating: 0, count: 4 * U)
  for row in 0..<(4 * U) {
    var s = b[row]
    for i in 0..<n { s += w[row * n + i] * x[i] }
    for j in 0..<U { s += r[row * U + j] * h[j] }
    a[row] = s
  }
  for u in 0..<U {
    let (i, f, g, o) = (sigmoid64(a[u]), sigmoid64(a[U + u]), tanh64(a[2 * U + u]), sigmoid64(a[3 * U + u]))
    c[u] = f * c[u] + i * g
    h[u] = o * tanh64(c[u])
  }
}

@Test(arguments: [11, 13])
func lstmCellTracksFloat64OverManySteps(cellFractionBits cf: Int) {
  var rng = DanceRandom(seed: UInt64(20 + cf))
  let arena = ViewArena()
  let (n, U) = (6, 5)
  let sx = 1.0 / 1024  // latent Q10
  let sh = 1.0 / 32768
  let wInt = randomWeights(4 * U * n, &rng)
  let rInt = randomWeights(4 * U * U, &rng)
  let sW = (0..<(4 * U)).map { 0.004 + 0.0003 * Double($0 % 7) }
  let sR = (0..<(4 * U)).map { 0.006 + 0.0002 * Double($0 % 5) }
  let biasReal = (0..<(4 * U)).map { Double($0 % 3) * 0.3 - 0.3 }
  let bias = (0..<(4 * U)).map { Int32((biasReal[$0] / (sx * sW[$0])).rounded()) }
  let layer = LSTMWeights(
    inputs: n, units: U, weights: arena.int8(wInt), recurrentWeights: arena.int8(rInt),
    bias: arena.int32(bias),
    inputRequantization: arena.requantization(sW.map { SpecQuantizer.multiplier(sx * $0 * 4096) }),
    recurrentRequantization: arena.requantization(sR.map { SpecQuantizer.multiplier(sh * $0 * 4096) }),
    cellFractionBits: cf)
  let w = (0..<wInt.count).map { Double(wInt[$0]) * sW[$0 / n] }
  let r = (0..<rInt.count).map { Double(rInt[$0]) * sR[$0 / U] }
  let b = (0..<bias.count).map { Double(bias[$0]) * sx * sW[$0] }
  var h = [Int16](repeating: 0, count: U)
  var c = [Int16](repeating: 0, count: U)
  var gates = [Int16](repeating: 0, count: 4 * U)
  var h64 = [Double](repeating: 0, count: U)
  var c64 = [Double](repeating: 0, count: U)
  var worstH = 0.0
  var worstC = 0.0
  withExtendedLifetime(arena) {
    for _ in 0..<40 {
      let x = randomInt16(n, &rng, magnitude: 2500)  // ±2.4
      x.withUnsafeBufferPointer { xp in
        h.withUnsafeMutableBufferPointer { hp in
          c.withUnsafeMutableBufferPointer { cp in
            gates.withUnsafeMutableBufferPointer { gp in
              LSTMCellKernel.step(
                layer, input: xp, h: hp, c: cp, gates: gp, sigmoid: specTables.sigmoid, tanh: specTables.tanh)
            }
          }
        }
      }
      lstmStep64(x: x.map { Double($0) * sx }, h: &h64, c: &c64, w: w, r: r, b: b, units: U)
      for u in 0..<U {
        worstH = max(worstH, abs(Double(h[u]) * sh - h64[u]))
        worstC = max(worstC, abs(Double(c[u]) / Double(1 << cf) - c64[u]))
      }
    }
  }
  // Gate tables (≤ 1.2e-4), Q12 gates, Q15 products and the cell's 2^−cf grid; 40 steps of
  // recurrence do not let the differences grow.
  #expect(worstH < 1.2e-3, "worst |h − h64| \(worstH)")
  #expect(worstC < 1.2e-3, "worst |c − c64| \(worstC)")
  #expect(h.contains { $0 != 0 })
}

@Test func lstmCellWorkedExample() {
  // One unit, no weights: all gates' pre-activations come from the bias alone; i, f, o biases 0
  // (σ = ½), g bias 0 (tanh = 0); c = 1.0 in Q11 -> c' = 0.5, h' = ½ · tanh(0.5).
  let arena = ViewArena()
  let layer = LSTMWeights(
    inputs: 1, units: 1, weights: arena.int8([0, 0, 0, 0]), recurrentWeights: arena.int8([0, 0, 0, 0]),
    bias: arena.int32([0, 0, 0, 0]),
    inputRequantization: arena.requantization(Array(repeating: (1 << 30, 31), count: 4)),
    recurrentRequantization: arena.requantization(Array(repeating: (1 << 30, 31), count: 4)),
    cellFractionBits: 11)
  var h: [Int16] = [0]
  var c: [Int16] = [2048]
  var gates = [Int16](repeating: 0, count: 4)
  withExtendedLifetime(arena) {
    [Int16(0)].withUnsafeBufferPointer { x in
      h.withUnsafeMutableBufferPointer { hp in
        c.withUnsafeMutableBufferPointer { cp in
          gates.withUnsafeMutableBufferPointer { gp in
            LSTMCellKernel.step(
              layer, input: x, h: hp, c: cp, gates: gp, sigmoid: specTables.sigmoid, tanh: specTables.tanh)
          }
        }
      }
    }
  }
  #expect(c == [1024])
  #expect(h == [7572])  // 16384 · 15143 / 32768, 15143 = round(32768 · tanh(0.5))
}
