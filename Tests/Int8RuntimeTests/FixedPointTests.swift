import Int8Runtime
import Testing

// MARK: - Requantization against exact and float64 references

/// The exact value of round-half-up(acc · M / 2^r), by integer division with remainder
/// (independent of the shift-based implementation).
private func exactHalfUp(_ acc: Int32, _ m: Int32, _ r: Int) -> Int64 {
  let p = Int64(acc) * Int64(m)
  let d = Int64(1) << r
  var (q, rem) = p.quotientAndRemainder(dividingBy: d)  // truncating
  if rem < 0 {  // to floor division
    q -= 1
    rem += d
  }
  return 2 * rem >= d ? q + 1 : q
}

@Test func requantizationMatchesTheWorkedExample() {
  #expect(Requantization.scaled(1000, multiplier: 1_690_499_128, shift: 37) == 12)
  #expect(Requantization.scaled(-1000, multiplier: 1_690_499_128, shift: 37) == -12)
  #expect(Requantization.scaled(5, multiplier: 1 << 30, shift: 31) == 3)
  #expect(Requantization.scaled(-5, multiplier: 1 << 30, shift: 31) == -2)
  #expect(
    Requantization.requantize(
      1000, multiplier: 1_690_499_128, shift: 37, zeroPoint: -128, min: -128, max: 127)
      == -116)
}

@Test func requantizationIsExactHalfUpOverManyMultipliersAndShifts() {
  var rng = DanceRandom(seed: 12)
  var worstFloatError = 0.0
  for _ in 0..<200_000 {
    let acc = Int32(bitPattern: rng.next())
    let m = Int32(rng.next() >> 1)
    let r = Int(rng.next(below: 62)) + 1
    let got = Requantization.scaled(acc, multiplier: m, shift: Int8(r))
    #expect(got == exactHalfUp(acc, m, r))
    let real = Double(acc) * Double(m) / Double(sign: .plus, exponent: r, significand: 1)
    // float64 represents the product only to 2^−52 relative
    worstFloatError = max(worstFloatError, abs(Double(got) - real) - abs(real) * 0x1p-51)
  }
  // Half up is nearest: never more than half a step from the real product.
  #expect(worstFloatError <= 0.5)
}

@Test func requantizationOverEveryInt8PairIsNearest() {
  // acc = a · b for every int8 pair, a few multipliers of each magnitude class, int8 output.
  let multipliers: [(Int32, Int8)] = [
    (1 << 30, 31), (1_690_499_128, 37), (2_147_483_647, 40), (1_234_567_890, 35), (1, 1),
  ]
  for (m, r) in multipliers {
    let step = Double(m) / Double(sign: .plus, exponent: Int(r), significand: 1)
    for a in -128...127 {
      for b in -128...127 {
        let acc = Int32(a * b)
        let y = Requantization.requantize(acc, multiplier: m, shift: r, zeroPoint: 3, min: -128, max: 127)
        let real = Double(acc) * step + 3
        let expected = max(-128, min(127, (real + 0.5).rounded(.down)))
        #expect(Double(y) == expected, "acc \(acc) m \(m) r \(r)")
      }
    }
  }
}

@Test func requantizationSaturatesAtTheEdges() {
  let big = Int32.max
  let m = Int32.max
  // The largest exact product with the smallest shift still fits 64 bits.
  #expect(Requantization.scaled(big, multiplier: m, shift: 1) == exactHalfUp(big, m, 1))
  #expect(Requantization.scaled(Int32.min, multiplier: m, shift: 1) == exactHalfUp(Int32.min, m, 1))
  #expect(Requantization.requantize(big, multiplier: m, shift: 1, zeroPoint: 0, min: -128, max: 127) == 127)
  #expect(
    Requantization.requantize(Int32.min, multiplier: m, shift: 1, zeroPoint: 0, min: -128, max: 127) == -128)
  #expect(
    Requantization.requantize(big, multiplier: m, shift: 62, zeroPoint: 0, min: -32768, max: 32767) == 1)
  // relu as the lower clamp at the zero point
  #expect(
    Requantization.requantize(-500, multiplier: 1 << 30, shift: 30, zeroPoint: -100, min: -100, max: 127)
      == -100)
  // a dead channel (M = 0) gives the zero point
  #expect(Requantization.requantize(123_456, multiplier: 0, shift: 7, zeroPoint: 9, min: -128, max: 127) == 9)
}

// MARK: - Tables against float64

@Test func gateTablesAreWithinTheirBoundsOfFloat64() {
  let t = specTables
  var worstSigmoid = 0.0
  var worstTanh = 0.0
  for a in Int(Int16.min)...Int(Int16.max) {
    let x = Double(a) / 4096
    worstSigmoid = max(worstSigmoid, abs(Double(t.sigmoid(Int16(a))) / 32768 - sigmoid64(x)))
    worstTanh = max(worstTanh, abs(Double(t.tanh(Int16(a))) / 32768 - tanh64(x)))
  }
  // Interpolation error h²/8 · max|f''| (h = 1/32) plus half a Q15 step from the table and from
  // the interpolation; at the top end the table is cut at 8 (σ(8) = 0.99966).
  #expect(worstSigmoid < 4.0e-5, "sigmoid worst error \(worstSigmoid)")
  #expect(worstTanh < 1.2e-4, "tanh worst error \(worstTanh)")
  // Known points: σ(0) = 0.5 exactly, tanh(0) = 0, both monotone.
  #expect(t.sigmoid(0) == 16384)
  #expect(t.tanh(0) == 0)
  #expect(t.sigmoid(64) == 16512)
  var previous = Int32.min
  for a in Int(Int16.min)...Int(Int16.max) {
    let y = t.sigmoid(Int16(a))
    #expect(y >= previous)
    previous = y
  }
}

@Test func sigmaExpIsWithinOneQ16StepOfFloat64() {
  let t = specTables.sigma
  var worst = 0.0
  for s in -14336...14336 {
    let exact = 65536 * exp64(Double(s) / 2048)
    let got = Double(t.sigmaQ16(Int32(s)))
    // absolute error: A's rounding (½) times B (≤ 1.07), B's (2^−31 relative), the final ½
    worst = max(worst, abs(got - exact) / max(1, exact * 1e-9))
    #expect(abs(got - exact) <= 1.04 + exact * 2e-9, "s \(s)")
  }
  #expect(t.sigmaQ16(0) == 65536)
  #expect(t.sigmaQ16(-20000) == t.sigmaQ16(-14336))
  #expect(t.sigmaQ16(-14336) == 60)
  #expect(t.sigmaQ16(30000) == t.sigmaQ16(14336))
  #expect(worst > 0)
}

@Test func softmaxExpIsWithinOneQ24StepOfFloat64() {
  let t = specTables.softmax
  for e in 0..<65536 {
    let exact = 16_777_216 * exp64(-Double(e) / 4096)
    let got = Double(t.weightQ24(Int64(e)))
    #expect(abs(got - exact) <= 1.0, "e \(e)")
  }
  #expect(t.weightQ24(0) == 16_777_216)
  #expect(t.weightQ24(4096) == 6_171_993)
  #expect(t.weightQ24(65536) == 0)
  #expect(t.weightQ24(1 << 40) == 0)
}
