import Int8Runtime
import RealModule
import TestSupport
import Testing
import Trainer

@Suite struct MDNSamplerTests {
  /// Three 2-D components with distinct means, sigmas e^{-1}, e^0, e^{0.5}, logits (1, 3, 2).
  static let layout = MDNLayout(mixtures: 3, dims: 2)
  static let row: [Double] = {
    let l = layout
    var r = [Double](repeating: 0, count: l.outputs)
    let means: [[Double]] = [[-5, 1], [2, 3], [10, -4]]
    let logSigmas: [Double] = [-1, 0, 0.5]
    let logits: [Double] = [1, 3, 2]
    for k in 0..<3 {
      for d in 0..<2 {
        r[l.mean(k, d)] = means[k][d]
        r[l.logSigma(k, d)] = logSigmas[k]
      }
      r[l.logit(k)] = logits[k]
    }
    return r
  }()

  static func sampler(_ pi: Double, _ sigma: Double) -> MDNSampler {
    try! MDNSampler(layout: layout, piTemperature: pi, sigmaTemperature: sigma)
  }

  // MARK: - Mixture choice

  @Test(arguments: [0.0, 1e-6])
  func coldPiTemperaturePicksTheLargestLogit(_ pi: Double) {
    let s = MDNSamplerTests.sampler(pi, 1)
    var rng = DanceRandom(seed: 1)
    for _ in 0..<200 { #expect(s.sample(MDNSamplerTests.row, rng: &rng).component == 1) }
  }

  @Test(arguments: [1.0, 2.0])
  func componentFrequenciesFollowTemperedSoftmax(_ pi: Double) {
    let s = MDNSamplerTests.sampler(pi, 1)
    let e = [1.0, 3, 2].map { Double.exp($0 / pi) }
    let q = e.map { $0 / e.reduce(0, +) }
    #expect(
      s.mixtureProbabilities(MDNSamplerTests.row).enumerated().allSatisfy {
        abs($0.element - q[$0.offset]) < 1e-12
      })
    var rng = DanceRandom(seed: 2)
    var counts = [0, 0, 0]
    let n = 20_000
    for _ in 0..<n { counts[MDNSampler.chooseComponent(q, draw: rng.next())] += 1 }
    for k in 0..<3 {
      // 5 binomial standard deviations
      let sd = (q[k] * (1 - q[k]) / Double(n)).squareRoot()
      #expect(abs(Double(counts[k]) / Double(n) - q[k]) < 5 * sd)
    }
  }

  @Test func chooseComponentUsesCumulativeThresholds() {
    let q = [0.25, 0.0, 0.5, 0.25]
    #expect(MDNSampler.chooseComponent(q, draw: 0) == 0)
    #expect(MDNSampler.chooseComponent(q, draw: 0x3FFF_FFFF) == 0)  // just under 0.25
    #expect(MDNSampler.chooseComponent(q, draw: 0x4000_0000) == 2)  // 0.25 exactly: skips q = 0
    #expect(MDNSampler.chooseComponent(q, draw: 0xBFFF_FFFF) == 2)
    #expect(MDNSampler.chooseComponent(q, draw: 0xC000_0000) == 3)
    #expect(MDNSampler.chooseComponent(q, draw: .max) == 3)
    // rounding leaves the total below 1: the last nonzero component
    #expect(MDNSampler.chooseComponent([0.5, 0.4999, 0], draw: .max) == 1)
  }

  // MARK: - Gaussian part

  @Test func zeroSigmaTemperatureReturnsTheMean() {
    let s = MDNSamplerTests.sampler(1, 0)
    var rng = DanceRandom(seed: 3)
    let means: [[Double]] = [[-5, 1], [2, 3], [10, -4]]
    for _ in 0..<50 {
      let r = s.sample(MDNSamplerTests.row, rng: &rng)
      #expect(r.z == means[r.component])
    }
  }

  @Test func spreadIsSigmaTimesSigmaTemperature() {
    let s = MDNSamplerTests.sampler(0, 0.5)  // always component 1: σ = 1
    var rng = DanceRandom(seed: 4)
    var values: [Double] = []
    for _ in 0..<4000 { values.append(s.sample(MDNSamplerTests.row, rng: &rng).z[0]) }
    let mean = values.reduce(0, +) / Double(values.count)
    let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count))
      .squareRoot()
    #expect(abs(mean - 2) < 0.05)
    #expect(abs(sd - 0.5) < 0.03)
  }

  // MARK: - Draw order and determinism

  @Test func drawOrderIsOneChoiceThenTwelvePerDimension() {
    let s = MDNSamplerTests.sampler(1, 1)
    var rng = DanceRandom(seed: 5)
    var replay = rng
    let r = s.sample(MDNSamplerTests.row, rng: &rng)
    let k = MDNSampler.chooseComponent(s.mixtureProbabilities(MDNSamplerTests.row), draw: replay.next())
    #expect(k == r.component)
    for d in 0..<2 {
      let g = Double(replay.gaussianQ12()) / 4096
      let l = MDNSamplerTests.layout
      let expected =
        MDNSamplerTests.row[l.mean(k, d)] + Double.exp(MDNSamplerTests.row[l.logSigma(k, d)]) * g
      #expect(r.z[d] == expected)
    }
    #expect(rng == replay)  // 1 + 12·D draws, whatever the temperatures
    var cold = DanceRandom(seed: 5)
    _ = MDNSamplerTests.sampler(0, 0).sample(MDNSamplerTests.row, rng: &cold)
    #expect(cold == rng)
  }

  @Test func badTemperaturesAreRejectedWithAMessage() {
    #expect(throws: MDNSamplerError.self) {
      try MDNSampler(layout: MDNSamplerTests.layout, piTemperature: -1, sigmaTemperature: 1)
    }
    do {
      _ = try MDNSampler(layout: MDNSamplerTests.layout, piTemperature: 1, sigmaTemperature: .nan)
      Issue.record("accepted a NaN sigma-temperature")
    } catch {
      #expect(error.description.contains("sigma-temperature"))
    }
  }

  // MARK: - Generation loop

  @Test func generatorNormalisesInAndDenormalisesOut() throws {
    let preset = TestPresets.smallSequence
    let model = SequenceModel<Double>(preset: preset, seed: 6)
    let norm = try LatentNormalizer(mean: [1, -2, 0.5], std: [2, 0.5, 4])
    let sampler = try MDNSampler(layout: model.layout, piTemperature: 0, sigmaTemperature: 0)
    let primer: [[Double]] = [[3, -1, 0.5], [1, -2, 4.5], [0, 0, 0]]
    var gen = try LatentGenerator(
      model: model, normalizer: norm, sampler: sampler, seed: 9, primer: primer)
    // reference: the same steps by hand
    var state = model.zeroState(batch: 1)
    var input = norm.normalize(primer[0])
    var rng = DanceRandom(seed: 9)
    for z in primer.dropFirst() {
      _ = model.step(input, state: &state)
      input = norm.normalize(z)
    }
    for _ in 0..<4 {
      let out = model.step(input, state: &state)
      let s = sampler.sample(out, rng: &rng)
      let raw = gen.next()
      #expect(raw == norm.denormalize(s.z))
      input = s.z
    }
    #expect(gen.state == state)
  }

  @Test func generatorIsDeterministicPerSeed() throws {
    let model = SequenceModel<Float>(preset: TestPresets.smallSequence, seed: 10)
    let norm = try LatentNormalizer(mean: [0, 0, 0], std: [1, 1, 1])
    let sampler = try MDNSampler(layout: model.layout, piTemperature: 1, sigmaTemperature: 1)
    func run(_ seed: UInt64) throws -> [[Float]] {
      var g = try LatentGenerator(
        model: model, normalizer: norm, sampler: sampler, seed: seed, primer: [[0.1, 0.2, 0.3]])
      return (0..<6).map { _ in g.next() }
    }
    #expect(try run(1) == run(1))
    #expect(try run(1) != run(2))
    #expect(throws: MDNSamplerError.emptyPrimer) {
      try LatentGenerator(model: model, normalizer: norm, sampler: sampler, seed: 1, primer: [])
    }
    #expect(throws: MDNSamplerError.mismatch("primer latent 0 has 2 values, not 3 finite ones")) {
      try LatentGenerator(
        model: model, normalizer: norm, sampler: sampler, seed: 1, primer: [[0, 1], [0, 1, 2]])
    }
  }
}
