import Int8Runtime
import Testing

// MARK: - The float rule (MDNSampler in Trainer), restated in float64

private func floatProbabilities(_ logits: [Int32], piTemperature t: Double) -> [Double] {
  let l = logits.map { Double($0) / 65536 }
  let m = l.max()!
  let e = l.map { exp64(($0 - m) / t) }
  let s = e.reduce(0, +)
  return e.map { $0 / s }
}

private func sampler(pi: UInt32, sigma: UInt32, fractionBits: Int = 10) -> IntegerMDNSampler {
  IntegerMDNSampler(
    piTemperatureQ16: pi, sigmaTemperatureQ16: sigma, latentFractionBits: fractionBits,
    sigma: specTables.sigma,
    softmax: specTables.softmax)
}

@Test func componentChoiceAgreesWithTheFloatRuleAwayFromBoundaries() {
  var rng = DanceRandom(seed: 30)
  var compared = 0
  for trial in 0..<3000 {
    let K = 2 + Int(rng.next(below: 23))
    let logits = randomInt32(K, &rng, magnitude: 6 * 65536)
    let tQ16: UInt32 = [32768, 65536, 98304, 131072][trial % 4]
    let s = sampler(pi: tQ16, sigma: 65536)
    let q = floatProbabilities(logits, piTemperature: Double(tQ16) / 65536)
    let u = rng.next()
    let x = Double(u) / 4_294_967_296
    var cumulative = 0.0
    var floatK = K - 1
    var nearest = 1.0
    for k in 0..<K {
      cumulative += q[k]
      nearest = min(nearest, abs(x - cumulative))
      if x < cumulative && floatK == K - 1 && (k == 0 || x >= cumulative - q[k]) { floatK = k }
    }
    if nearest < 1e-4 { continue }  // too close to call for a Q24 softmax
    let intK = logits.withUnsafeBufferPointer { s.chooseComponent(logits: $0, draw: u) }
    #expect(intK == floatK, "logits \(logits) τ \(tQ16) u \(u)")
    compared += 1
  }
  #expect(compared > 2900)
}

@Test func zeroPiTemperaturePicksTheFirstLargestLogit() {
  let s = sampler(pi: 0, sigma: 65536)
  let logits: [Int32] = [5, 9, -3, 9]
  for u: UInt32 in [0, 1 << 31, UInt32.max] {
    #expect(logits.withUnsafeBufferPointer { s.chooseComponent(logits: $0, draw: u) } == 1)
  }
}

@Test func componentChoiceWorkedExample() {
  let s = sampler(pi: 65536, sigma: 65536)
  let logits: [Int32] = [0, -65536]
  #expect(logits.withUnsafeBufferPointer { s.chooseComponent(logits: $0, draw: 3_000_000_000) } == 0)
  #expect(logits.withUnsafeBufferPointer { s.chooseComponent(logits: $0, draw: 3_139_872_664) } == 0)
  #expect(logits.withUnsafeBufferPointer { s.chooseComponent(logits: $0, draw: 3_139_872_665) } == 1)
  #expect(logits.withUnsafeBufferPointer { s.chooseComponent(logits: $0, draw: UInt32.max) } == 1)
}

@Test func aComponentFarBelowTheOthersIsNeverChosen() {
  // 17 nats below the best at τπ = 1: weight 0 (cutoff at 16 nats).
  let s = sampler(pi: 65536, sigma: 65536)
  let logits: [Int32] = [0, -17 * 65536]
  #expect(logits.withUnsafeBufferPointer { s.chooseComponent(logits: $0, draw: UInt32.max) } == 0)
}

@Test func noiseIsSigmaTimesTemperatureTimesGaussianInLatentUnits() {
  var rng = DanceRandom(seed: 31)
  for f in [8, 10, 12] {
    for tQ16: UInt32 in [0, 16384, 65536, 200_000] {
      let s = sampler(pi: 65536, sigma: tQ16, fractionBits: f)
      for _ in 0..<2000 {
        let logSigma = Int32(Int64(rng.next(below: 28673)) - 14336)
        let g = rng.gaussianQ12()
        let sigmaQ16 = specTables.sigma.sigmaQ16(logSigma)
        let got = Double(s.noise(sigmaQ16: sigmaQ16, gaussianQ12: g))
        let sigma = exp64(Double(logSigma) / 2048)
        let real = sigma * Double(tQ16) / 65536 * Double(g) / 4096 * Double(1 << f)
        // half a latent step, plus σ's table error (≤ 1.02 / 65536 absolute, 2e-9 relative) times τσ·|g|
        let slack =
          0.5 + (1.02 / 65536 + sigma * 2e-9) * Double(tQ16) / 65536 * abs(Double(g)) / 4096 * Double(1 << f)
        #expect(abs(got - real) <= slack + 1e-9 * abs(real), "f \(f) τ \(tQ16) s \(logSigma) g \(g)")
      }
    }
  }
}

// MARK: - Whole samples: draw count and values

@Test(arguments: [(UInt32(0), UInt32(0)), (65536, 65536), (32768, 131072), (1, 1)])
func aSampleConsumesOnePlusTwelveDDraws(pi: UInt32, sigma: UInt32) {
  var rng = DanceRandom(seed: 32)
  let arena = ViewArena()
  let (H, K, D) = (8, 3, 4)
  let O = 2 * K * D + K
  let head = MDNHead(
    layer: DenseWeights(
      inputs: H, outputs: O, weights: arena.int8(randomWeights(O * H, &rng)),
      bias: arena.int32(randomInt32(O, &rng, magnitude: 1000)),
      requantization: arena.requantization(Array(repeating: (1 << 30, 36), count: O))),
    mixtures: K, dims: D)
  let x = randomInt16(H, &rng, magnitude: 20000)
  var logits = [Int32](repeating: 0, count: K)
  var z = [Int16](repeating: 0, count: D)
  let s = sampler(pi: pi, sigma: sigma)
  var used = DanceRandom(seed: 99)
  var expected = used
  withExtendedLifetime(arena) {
    for _ in 0..<3 {
      let k = x.withUnsafeBufferPointer { xp in
        logits.withUnsafeMutableBufferPointer { lp in
          z.withUnsafeMutableBufferPointer {
            s.sample(head: head, input: xp, logits: lp, rng: &used, output: $0)
          }
        }
      }
      #expect(k >= 0 && k < K)
      for _ in 0..<(1 + 12 * D) { _ = expected.next() }
      #expect(used == expected)
      if sigma == 0 {
        // τσ = 0: the chosen component's means, exactly
        for d in 0..<D { #expect(z[d] == x.withUnsafeBufferPointer { head.mean(k, d, input: $0) }) }
      }
    }
  }
}

@Test func sampleValuesFollowTheFloatFormula() {
  var rng = DanceRandom(seed: 33)
  let arena = ViewArena()
  let (H, K, D) = (8, 2, 5)
  let O = 2 * K * D + K
  let head = MDNHead(
    layer: DenseWeights(
      inputs: H, outputs: O, weights: arena.int8(randomWeights(O * H, &rng)),
      bias: arena.int32(randomInt32(O, &rng, magnitude: 100_000)),
      requantization: arena.requantization(Array(repeating: (1 << 30, 44), count: O))),
    mixtures: K, dims: D)
  let x = randomInt16(H, &rng, magnitude: 30000)
  var logits = [Int32](repeating: 0, count: K)
  var z = [Int16](repeating: 0, count: D)
  let f = 10
  let s = sampler(pi: 65536, sigma: 49152, fractionBits: f)  // τσ = 0.75
  var draws = DanceRandom(seed: 5)
  var replay = draws
  withExtendedLifetime(arena) {
    let k = x.withUnsafeBufferPointer { xp in
      logits.withUnsafeMutableBufferPointer { lp in
        z.withUnsafeMutableBufferPointer {
          s.sample(head: head, input: xp, logits: lp, rng: &draws, output: $0)
        }
      }
    }
    _ = replay.next()
    for d in 0..<D {
      let g = Double(replay.gaussianQ12()) / 4096
      let mu = Double(x.withUnsafeBufferPointer { head.mean(k, d, input: $0) }) / Double(1 << f)
      let ls = Double(x.withUnsafeBufferPointer { head.logSigma(k, d, input: $0) }) / 2048
      let real = min(max(mu + exp64(min(max(ls, -7), 7)) * 0.75 * g, -32), 32767.0 / 1024)
      #expect(abs(real) < 31)  // not saturated: the comparison means something
      #expect(abs(Double(z[d]) / Double(1 << f) - real) <= 0.6 / Double(1 << f) + 1e-4 * abs(g), "d \(d)")
    }
  }
}
