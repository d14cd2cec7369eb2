import Int8Runtime
import Testing

// MARK: - A float64 twin of the synthetic model (dequantised weights, real activations)

private struct Float64Twin {
  let s: SyntheticInt8Model

  private func dense(_ layer: ScaledLayer, _ x: [Double], relu: Bool) -> [Double] {
    (0..<layer.rows).map { o in
      var v = layer.realBias(o)
      for j in 0..<layer.columns { v += layer.realWeight(o, j) * x[j] }
      return relu ? max(v, 0) : v
    }
  }

  private func conv(_ layer: ScaledLayer, _ x: [Double], rows: Int, cols: Int, relu: Bool) -> [Double] {
    let cin = layer.columns / 9
    var out = [Double](repeating: 0, count: rows * cols * layer.rows)
    for r in 0..<rows {
      for c in 0..<cols {
        for o in 0..<layer.rows {
          var v = layer.realBias(o)
          for ky in 0..<3 {
            for kx in 0..<3 {
              let (y, xc) = (r + ky - 1, c + kx - 1)
              if y < 0 || y >= rows || xc < 0 || xc >= cols { continue }
              for i in 0..<cin {
                v += layer.realWeight(o, (ky * 3 + kx) * cin + i) * x[(y * cols + xc) * cin + i]
              }
            }
          }
          out[(r * cols + c) * layer.rows + o] = relu ? max(v, 0) : v
        }
      }
    }
    return out
  }

  private func upsample(_ x: [Double], rows: Int, cols: Int, channels: Int) -> [Double] {
    var out = [Double](repeating: 0, count: 4 * x.count)
    for r in 0..<(2 * rows) {
      for c in 0..<(2 * cols) {
        for ch in 0..<channels {
          out[(r * 2 * cols + c) * channels + ch] = x[((r / 2) * cols + c / 2) * channels + ch]
        }
      }
    }
    return out
  }

  /// The float decoder on the real value of an int16 latent; 8-bit pixels as the float path rounds them.
  func decode(_ z: [Int16]) -> [UInt8] {
    let p = s.preset
    let bottleneck = dense(
      s.decoderDense, z.map { Double($0) / Double(1 << s.latentFractionBits) }, relu: true)
    let shape = p.bottleneckShape
    var x: [Double] = []
    for px in 0..<(shape[0] * shape[1]) {
      x += dense(s.expand, Array(bottleneck[(px * shape[2])..<((px + 1) * shape[2])]), relu: false)
    }
    var (rows, cols) = (shape[0], shape[1])
    for layer in s.convs {
      x = upsample(
        conv(layer, x, rows: rows, cols: cols, relu: true), rows: rows, cols: cols, channels: layer.rows)
      rows *= 2
      cols *= 2
    }
    return conv(s.pixelConv, x, rows: rows, cols: cols, relu: false).map(SpecQuantizer.pixel)
  }

  /// One step of the LSTM stack, dense and MDN head: (means, log-sigmas, logits), real.
  func step(_ z: [Int16], h: inout [[Double]], c: inout [[Double]]) -> (means: [Double], logits: [Double]) {
    var x = z.map { Double($0) / Double(1 << s.latentFractionBits) }
    let U = s.preset.lstmUnits
    for l in 0..<s.preset.lstmLayers {
      let a = (0..<(4 * U)).map { row in
        var v = s.lstmInput[l].realBias(row)
        for j in 0..<x.count { v += s.lstmInput[l].realWeight(row, j) * x[j] }
        for j in 0..<U { v += s.lstmRecurrent[l].realWeight(row, j) * h[l][j] }
        return v
      }
      for u in 0..<U {
        c[l][u] = sigmoid64(a[U + u]) * c[l][u] + sigmoid64(a[u]) * tanh64(a[2 * U + u])
        h[l][u] = sigmoid64(a[3 * U + u]) * tanh64(c[l][u])
      }
      x = h[l]
    }
    let d = dense(s.sequenceDense, x, relu: true)
    let out = dense(s.mdn, d, relu: false)
    let (K, D) = (s.preset.mixtures, s.preset.latentSize)
    return (Array(out[0..<(K * D)]), Array(out[(2 * K * D)...]))
  }
}

// MARK: - Helpers

private func withModel<R>(
  _ synthetic: SyntheticInt8Model, _ body: (Int8Model) throws -> R
) throws -> R {
  let aligned = AlignedBytes(synthetic.builder.bytes())
  return try withExtendedLifetime(aligned) {
    try body(try Int8Model(aligned.buffer))
  }
}

private func frames(_ gen: inout Int8Generator, _ count: Int) -> [[UInt8]] {
  (0..<count).map { _ in
    var frame = [UInt8](repeating: 0, count: gen.model.preset.pixelsPerFrame)
    frame.withUnsafeMutableBufferPointer { gen.nextFrame(into: $0) }
    return frame
  }
}

// MARK: - Determinism, shapes, draws

@Test func sameSeedSameFramesDifferentSeedDifferentFrames() throws {
  try withModel(SyntheticInt8Model()) { model in
    var a = try Int8Generator(model: model, seed: 7)
    var b = try Int8Generator(model: model, seed: 7)
    var c = try Int8Generator(model: model, seed: 8)
    let fa = frames(&a, 3)
    let fb = frames(&b, 3)
    let fc = frames(&c, 3)
    #expect(fa == fb)
    #expect(fa != fc)
    #expect(fa.allSatisfy { $0.count == 120 * 208 })
    #expect(fa[0] != fa[1])  // the dance moves
    #expect(Set(fa[0]).count > 10)  // not a flat frame
  }
}

@Test func everyFrameDrawsOnePlusTwelveDFromTheGenerator() throws {
  try withModel(SyntheticInt8Model()) { model in
    var gen = try Int8Generator(
      model: model, seed: 11, options: .init(start: 2, piTemperatureQ16: 30000, sigmaTemperatureQ16: 100_000))
    var expected = DanceRandom(seed: 11)
    #expect(gen.rng == expected)  // priming draws nothing
    for _ in 0..<4 {
      gen.nextLatent()
      for _ in 0..<(1 + 12 * 32) { _ = expected.next() }
      #expect(gen.rng == expected)
    }
  }
}

@Test func badOptionsAreRefusedInOneLine() throws {
  try withModel(SyntheticInt8Model()) { model in
    #expect(throws: Int8ModelError.invalidOption("start 3 does not exist: the model stores 3 start latents"))
    {
      try Int8Generator(model: model, seed: 1, options: .init(start: 3))
    }
    #expect(throws: Int8ModelError.invalidOption("sigma-temperature must be below 16")) {
      try Int8Generator(model: model, seed: 1, options: .init(sigmaTemperatureQ16: 16 << 16))
    }
  }
}

// MARK: - Against the float64 twin

@Test func decoderFramesMatchTheFloat64Decoder() throws {
  let synthetic = SyntheticInt8Model()
  let twin = Float64Twin(s: synthetic)
  try withModel(synthetic) { model in
    var gen = try Int8Generator(model: model, seed: 3)
    var rng = DanceRandom(seed: 4)
    for _ in 0..<2 {
      let z = randomInt16(32, &rng, magnitude: 1500)
      var pixels = [UInt8](repeating: 0, count: 120 * 208)
      z.withUnsafeBufferPointer { zp in
        pixels.withUnsafeMutableBufferPointer { gen.decode(latent: zp, into: $0) }
      }
      let reference = twin.decode(z)
      var totalDifference = 0
      var worst = 0
      for i in pixels.indices {
        let d = abs(Int(pixels[i]) - Int(reference[i]))
        totalDifference += d
        worst = max(worst, d)
      }
      let mean = Double(totalDifference) / Double(pixels.count)
      // int8 activations through five layers (measured: mean 0.52, worst 3 levels)
      #expect(mean < 0.8, "mean |Δ| \(mean)")
      #expect(worst <= 5, "worst |Δ| \(worst)")
      #expect(Set(reference).count > 20)
    }
  }
}

@Test(arguments: [false, true])
func sequenceStepsMatchTheFloat64Twin(stateless: Bool) throws {
  var synthetic = SyntheticInt8Model()
  if stateless { synthetic.builder.metadata["sequence.mode"] = "stateless" }
  let twin = Float64Twin(s: synthetic)
  try withModel(synthetic) { model in
    // τπ = 0 and τσ = 0: each step takes the largest logit's means, no randomness in the values
    var gen = try Int8Generator(
      model: model, seed: 5, options: .init(start: 1, piTemperatureQ16: 0, sigmaTemperatureQ16: 0))
    let (L, U, D) = (2, 64, 32)
    var h = [[Double]](repeating: [Double](repeating: 0, count: U), count: L)
    var c = h
    for i in 0..<model.primerCount {
      let p = model.primer(start: 1, i)
      _ = twin.step((0..<D).map { p[$0] }, h: &h, c: &c)
    }
    var current = gen.current
    var compared = 0
    for _ in 0..<6 {
      if stateless {
        h = [[Double]](repeating: [Double](repeating: 0, count: U), count: L)
        c = h
      }
      let out = twin.step(current, h: &h, c: &c)
      gen.nextLatent()
      let order = out.logits.indices.sorted { out.logits[$0] > out.logits[$1] }
      if out.logits[order[0]] - out.logits[order[1]] > 0.02 {
        #expect(gen.lastComponent == order[0])
        let k = order[0]
        for d in 0..<D {
          let real = out.means[k * D + d]
          #expect(abs(Double(gen.current[d]) / 1024 - real) < 0.01, "d \(d)")
        }
        compared += 1
      }
      current = gen.current
    }
    #expect(compared >= 3)
  }
}
