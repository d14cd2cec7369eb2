import Int8Runtime
import Testing

// Each reference kernel against a float64 computation of the same layer: real weights are the
// int8 weights times their channel scale, real inputs the dequantised inputs, and the kernel's
// output, dequantised, must be the float64 output rounded to the output grid (within half a step
// plus the multiplier's 31-bit rounding).

// MARK: - Dense

@Test func denseInt16ToInt8MatchesFloat64() {
  var rng = DanceRandom(seed: 1)
  let arena = ViewArena()
  let (n, m) = (32, 40)
  let w = randomWeights(n * m, &rng)
  let sx = 1.0 / 1024  // latent Q10
  let sw = (0..<m).map { 0.001 + Double($0) * 0.0003 }
  let sy = 0.05
  let zy: Int32 = -20
  let bias = randomInt32(m, &rng, magnitude: 200_000)
  let layer = DenseWeights(
    inputs: n, outputs: m, weights: arena.int8(w), bias: arena.int32(bias),
    requantization: arena.requantization(sw.map { SpecQuantizer.multiplier(sx * $0 / sy) }))
  withExtendedLifetime(arena) {
    for trial in 0..<50 {
      let x = randomInt16(n, &rng, magnitude: 8000)
      var y = [Int8](repeating: 0, count: m)
      x.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer {
          DenseKernel.run(layer, input: xp, output: $0, outputZeroPoint: zy, relu: trial % 2 == 0)
        }
      }
      for o in 0..<m {
        var real = Double(bias[o]) * sx * sw[o]
        for i in 0..<n { real += Double(w[o * n + i]) * sw[o] * Double(x[i]) * sx }
        if trial % 2 == 0 { real = max(real, 0) }
        let grid = min(max(real / sy + Double(zy), -128), 127)
        #expect(abs(Double(y[o]) - grid) <= 0.5 + 1e-6, "output \(o): \(y[o]) vs \(grid)")
      }
    }
  }
}

@Test func denseWorkedExample() {
  let arena = ViewArena()
  let layer = DenseWeights(
    inputs: 2, outputs: 1, weights: arena.int8([3, -2]), bias: arena.int32([10]),
    requantization: arena.requantization([(1 << 30, 33)]))
  var y: [Int8] = [0]
  withExtendedLifetime(arena) {
    [Int16(100), 40].withUnsafeBufferPointer { x in
      y.withUnsafeMutableBufferPointer {
        DenseKernel.run(layer, input: x, output: $0, outputZeroPoint: -5, relu: false)
      }
    }
  }
  #expect(y == [24])
}

@Test func denseInt16ToInt16ReluMatchesFloat64() {
  var rng = DanceRandom(seed: 2)
  let arena = ViewArena()
  let (n, m) = (64, 30)
  let w = randomWeights(n * m, &rng)
  let sx = 1.0 / 32768  // h, Q15
  let sw = (0..<m).map { 0.002 + Double($0) * 0.0001 }
  let sy = 4.0 / 32768
  let bias = randomInt32(m, &rng, magnitude: 3_000_000)
  let layer = DenseWeights(
    inputs: n, outputs: m, weights: arena.int8(w), bias: arena.int32(bias),
    requantization: arena.requantization(sw.map { SpecQuantizer.multiplier(sx * $0 / sy) }))
  withExtendedLifetime(arena) {
    for _ in 0..<50 {
      let x = randomInt16(n, &rng, magnitude: 32767)
      var y = [Int16](repeating: 0, count: m)
      x.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer { DenseKernel.run(layer, input: xp, output: $0, relu: true) }
      }
      for o in 0..<m {
        var real = Double(bias[o]) * sx * sw[o]
        for i in 0..<n { real += Double(w[o * n + i]) * sw[o] * Double(x[i]) * sx }
        let grid = min(max(real, 0) / sy, 32767)
        #expect(abs(Double(y[o]) - grid) <= 0.5 + 1e-6 * max(1, grid), "output \(o)")
      }
    }
  }
}

// MARK: - Per-pixel dense

@Test func perPixelDenseMatchesFloat64() {
  var rng = DanceRandom(seed: 3)
  let arena = ViewArena()
  let (cin, cout, pixels) = (8, 12, 20)
  let w = randomWeights(cin * cout, &rng)
  let (sx, zx) = (0.03, Int32(-128))
  let sw = (0..<cout).map { 0.004 + Double($0) * 0.001 }
  let (sy, zy) = (0.2, Int32(5))
  let bias = randomInt32(cout, &rng, magnitude: 20_000)
  let layer = DenseWeights(
    inputs: cin, outputs: cout, weights: arena.int8(w), bias: arena.int32(bias),
    requantization: arena.requantization(sw.map { SpecQuantizer.multiplier(sx * $0 / sy) }))
  let x = randomWeights(pixels * cin, &rng).map { Int8(clamping: Int32($0) - 0) }
  var y = [Int16](repeating: 0, count: pixels * cout)
  withExtendedLifetime(arena) {
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer {
        PerPixelDenseKernel.run(
          layer, input: xp, inputZeroPoint: zx, output: $0, outputZeroPoint: zy, relu: false)
      }
    }
  }
  for p in 0..<pixels {
    for o in 0..<cout {
      var real = Double(bias[o]) * sx * sw[o]
      for i in 0..<cin { real += Double(w[o * cin + i]) * sw[o] * Double(Int32(x[p * cin + i]) - zx) * sx }
      let grid = min(max(real / sy + Double(zy), -128), 127)
      #expect(abs(Double(y[p * cout + o]) - grid) <= 0.5 + 1e-6)
    }
  }
}

// MARK: - Conv3x3, upsample, pixels

/// Float64 3x3 conv with real zero padding: input real = (x − zx) · sx.
private func conv64(
  _ x: [Int8], zx: Int32, sx: Double, rows: Int, cols: Int, cin: Int, w: [Int8], sw: [Double], bias: [Int32],
  cout: Int
) -> [Double] {
  var out = [Double](repeating: 0, count: rows * cols * cout)
  for r in 0..<rows {
    for c in 0..<cols {
      for o in 0..<cout {
        var s = Double(bias[o]) * sx * sw[o]
        for ky in 0..<3 {
          for kx in 0..<3 {
            let (y, xc) = (r + ky - 1, c + kx - 1)
            if y < 0 || y >= rows || xc < 0 || xc >= cols { continue }
            for i in 0..<cin {
              let wv = Double(w[((o * 3 + ky) * 3 + kx) * cin + i]) * sw[o]
              s += wv * Double(Int32(x[(y * cols + xc) * cin + i]) - zx) * sx
            }
          }
        }
        out[(r * cols + c) * cout + o] = s
      }
    }
  }
  return out
}

@Test func conv3x3MatchesFloat64WithZeroPointPadding() {
  var rng = DanceRandom(seed: 4)
  let arena = ViewArena()
  let (rows, cols, cin, cout) = (5, 7, 6, 4)
  let w = randomWeights(cout * 9 * cin, &rng)
  let (sx, zx) = (0.02, Int32(-100))  // padding is real 0, i.e. the integer −100
  let sw = (0..<cout).map { 0.003 + Double($0) * 0.002 }
  let (sy, zy) = (0.15, Int32(-128))
  let bias = randomInt32(cout, &rng, magnitude: 50_000)
  let layer = Conv3x3Weights(
    inChannels: cin, outChannels: cout, weights: arena.int8(w), bias: arena.int32(bias))
  let rq = arena.requantization(sw.map { SpecQuantizer.multiplier(sx * $0 / sy) })
  let x = randomWeights(rows * cols * cin, &rng)
  var y = [Int16](repeating: 0, count: rows * cols * cout)
  withExtendedLifetime(arena) {
    x.map { Int16($0) }.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer {
        Conv3x3Kernel.run(
          layer, requantization: rq, input: xp, rows: rows, cols: cols, inputZeroPoint: zx, output: $0,
          outputZeroPoint: zy, relu: true)
      }
    }
  }
  let real = conv64(x, zx: zx, sx: sx, rows: rows, cols: cols, cin: cin, w: w, sw: sw, bias: bias, cout: cout)
  for i in real.indices {
    let grid = min(max(max(real[i], 0) / sy + Double(zy), -128), 127)
    #expect(abs(Double(y[i]) - grid) <= 0.5 + 1e-6, "element \(i)")
  }
}

@Test func conv3x3WorkedExample() {
  let arena = ViewArena()
  var w = [Int8](repeating: 0, count: 9)
  w[4] = 2
  let layer = Conv3x3Weights(inChannels: 1, outChannels: 1, weights: arena.int8(w), bias: arena.int32([4]))
  let rq = arena.requantization([(1 << 30, 31)])
  var y: [Int16] = [0]
  withExtendedLifetime(arena) {
    [Int16(20)].withUnsafeBufferPointer { x in
      y.withUnsafeMutableBufferPointer {
        Conv3x3Kernel.run(
          layer, requantization: rq, input: x, rows: 1, cols: 1, inputZeroPoint: 10, output: $0,
          outputZeroPoint: -128, relu: true)
      }
    }
  }
  #expect(y == [-116])
}

@Test func upsampleRepeatsEachPixelTwiceInBothDirections() {
  let x: [Int16] = [1, 2, 3, 4, 5, 6]  // 1 row, 3 columns, 2 channels
  var y = [Int16](repeating: 0, count: 24)
  x.withUnsafeBufferPointer { xp in
    y.withUnsafeMutableBufferPointer {
      Upsample2Kernel.run(input: xp, rows: 1, cols: 3, channels: 2, output: $0)
    }
  }
  let row: [Int16] = [1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6]
  #expect(y == row + row)
}

@Test func pixelThresholdsGiveTheFloatPathsRoundedSigmoid() {
  let arena = ViewArena()
  let s = 0.000_37
  let t = PixelThresholds(arena.int32(SpecQuantizer.pixelThresholds(scale: s)))
  withExtendedLifetime(arena) {
    var rng = DanceRandom(seed: 5)
    for _ in 0..<100_000 {
      let acc = Int32(Int64(rng.next(below: 80_001)) - 40_000)
      #expect(t.pixel(acc) == SpecQuantizer.pixel(Double(acc) * s), "acc \(acc)")
    }
    #expect(t.pixel(Int32.min) == 0)
    #expect(t.pixel(Int32.max) == 255)
    #expect(t.pixel(0) == 128)  // 255 · ½ = 127.5 rounds up
  }
}

@Test func pixelConvMatchesFloat64() {
  var rng = DanceRandom(seed: 6)
  let arena = ViewArena()
  let (rows, cols, cin) = (6, 5, 3)
  let w = randomWeights(9 * cin, &rng)
  let (sx, zx) = (0.05, Int32(-128))
  let sw = 0.01
  let bias = randomInt32(1, &rng, magnitude: 3000)
  let layer = Conv3x3Weights(inChannels: cin, outChannels: 1, weights: arena.int8(w), bias: arena.int32(bias))
  let t = PixelThresholds(arena.int32(SpecQuantizer.pixelThresholds(scale: sx * sw)))
  let x = randomWeights(rows * cols * cin, &rng)
  var pixels = [UInt8](repeating: 0, count: rows * cols)
  withExtendedLifetime(arena) {
    x.map { Int16($0) }.withUnsafeBufferPointer { xp in
      pixels.withUnsafeMutableBufferPointer {
        PixelConvKernel.run(
          layer, thresholds: t, input: xp, rows: rows, cols: cols, inputZeroPoint: zx, output: $0)
      }
    }
  }
  let real = conv64(x, zx: zx, sx: sx, rows: rows, cols: cols, cin: cin, w: w, sw: [sw], bias: bias, cout: 1)
  var distinct = Set<UInt8>()
  for i in real.indices {
    // The thresholds reproduce round(255 σ(x)) of the exact accumulator; float64 sums are exact here.
    #expect(pixels[i] == SpecQuantizer.pixel(real[i]), "pixel \(i)")
    distinct.insert(pixels[i])
  }
  #expect(distinct.count > 5)
}

// MARK: - MDN head rows

@Test func mdnHeadRowsMatchFloat64InTheirOwnFormats() {
  var rng = DanceRandom(seed: 7)
  let arena = ViewArena()
  let (H, K, D, f) = (16, 3, 4, 10)
  let O = 2 * K * D + K
  let sx = 8.0 / 32767  // sequence.dense output scale
  let sw = (0..<O).map { 0.002 + 0.0001 * Double($0 % 9) }
  let outScale = { (row: Int) -> Double in
    row < K * D ? 1.0 / Double(1 << f) : (row < 2 * K * D ? 1.0 / 2048 : 1.0 / 65536)
  }
  let w = randomWeights(O * H, &rng)
  let bias = randomInt32(O, &rng, magnitude: 400_000)
  let head = MDNHead(
    layer: DenseWeights(
      inputs: H, outputs: O, weights: arena.int8(w), bias: arena.int32(bias),
      requantization: arena.requantization(
        (0..<O).map { SpecQuantizer.multiplier(sx * sw[$0] / outScale($0)) })),
    mixtures: K, dims: D)
  withExtendedLifetime(arena) {
    for _ in 0..<20 {
      let x = randomInt16(H, &rng, magnitude: 32767).map { Int16(max($0, 0)) }  // relu output
      func real(_ row: Int) -> Double {
        var v = Double(bias[row]) * sx * sw[row]
        for i in 0..<H { v += Double(w[row * H + i]) * sw[row] * Double(x[i]) * sx }
        return v / outScale(row)
      }
      x.withUnsafeBufferPointer { xp in
        for k in 0..<K {
          #expect(abs(Double(head.logit(k, input: xp)) - real(2 * K * D + k)) <= 0.5 + 1e-6)
          for d in 0..<D {
            #expect(abs(Double(head.mean(k, d, input: xp)) - real(k * D + d)) <= 0.5 + 1e-6)
            #expect(abs(Double(head.logSigma(k, d, input: xp)) - real(K * D + k * D + d)) <= 0.5 + 1e-6)
          }
        }
      }
    }
  }
}
