import Int8Runtime
import TestSupport
import Testing

@testable import Trainer

// MARK: - Small presets and frames for VAE tests

enum VAETestData {
  /// Two scale steps on 8x8 frames: small enough for a float64 gradient check of the whole model.
  static let gradientPreset = ModelPreset(
    name: "grad", frameHeight: 8, frameWidth: 8, latentSize: 3, encoderChannels: [2, 3],
    encoderHidden: 4, decoderExpand: 3, decoderChannels: [3, 2], lstmLayers: 1, lstmUnits: 4,
    dropoutPercent: 0, denseUnits: 4, mixtures: 2)

  /// Three scale steps on 16x24 frames (bottleneck 2x3x2), the paper's layer kinds.
  static let smallPreset = ModelPreset(
    name: "small", frameHeight: 16, frameWidth: 24, latentSize: 4, encoderChannels: [4, 4, 2],
    encoderHidden: 8, decoderExpand: 4, decoderChannels: [4, 4, 4], lstmLayers: 1, lstmUnits: 4,
    dropoutPercent: 0, denseUnits: 4, mixtures: 2)

  /// `count` near-binary silhouettes: a dark body and arm on a light background, moving with k.
  static func frames(_ count: Int, preset: ModelPreset) -> [[UInt8]] {
    let (h, w) = (preset.frameHeight, preset.frameWidth)
    return (0..<count).map { k in
      var f = [UInt8](repeating: 250, count: h * w)
      let left = (k * 3) % max(1, w - w / 4)
      for r in (h / 4)..<h {
        for c in left..<min(w, left + w / 4) { f[r * w + c] = 5 }
      }
      let armRow = h / 4 + (k % 3)
      for c in 0..<w where abs(c - left) < w / 3 { f[armRow * w + c] = 10 }
      return f
    }
  }

  static func pixels<S: TrainScalar>(_ frames: [[UInt8]]) -> [S] {
    frames.flatMap { $0.map { S($0) / 255 } }
  }
}

// MARK: - VAE model

@Suite struct VAETests {
  @Test(arguments: [ModelPreset.paper, .tiny, VAETestData.smallPreset])
  func parametersFollowTheLayerSpecs(_ preset: ModelPreset) throws {
    let vae = try VAE<Float>(preset: preset, seed: 1)
    let specs = preset.encoderLayers + preset.decoderLayers
    #expect(vae.parameters.count == specs.totalParameters)
    var named = 0
    for spec in specs where spec.parameters > 0 {
      let kernel = try #require(vae.parameters.slot(named: spec.name + ".kernel"))
      let bias = try #require(vae.parameters.slot(named: spec.name + ".bias"))
      #expect(kernel.count + bias.count == spec.parameters, "\(spec.name)")
      if case .conv3x3(let ci, let co, _) = spec.kind { #expect(kernel.shape == [3, 3, ci, co]) }
      named += kernel.count + bias.count
    }
    #expect(named == vae.parameters.count)
    if preset == .paper {
      #expect(vae.parameters.count == 1_724_128 + 1_744_545)
    }
  }

  @Test func initialisationIsDeterministicAndBiasesAreZero() throws {
    let a = try VAE<Float>(preset: VAETestData.smallPreset, seed: 3)
    let b = try VAE<Float>(preset: VAETestData.smallPreset, seed: 3)
    let c = try VAE<Float>(preset: VAETestData.smallPreset, seed: 4)
    #expect(a.parameters.values == b.parameters.values)
    #expect(a.parameters.values != c.parameters.values)
    for slot in a.parameters.slots where slot.name.hasSuffix(".bias") {
      #expect(a.parameters.values[slot.range].allSatisfy { $0 == 0 })
    }
  }

  @Test func invalidPresetIsAnErrorNotACrash() {
    var bad = VAETestData.smallPreset
    bad.frameWidth = 25
    #expect(throws: VAETrainingError.self) { try VAE<Float>(preset: bad, seed: 1) }
    do {
      _ = try VAE<Float>(preset: bad, seed: 1)
    } catch {
      #expect("\(error)" == "preset 'small': frame size 25x16 is not divisible by 8")
    }
  }

  /// The whole model in float64: every parameter's gradient against central differences,
  /// with the reparameterisation noise fixed by reseeding the generator for every evaluation.
  @Test func wholeModelGradientMatchesFiniteDifferences() throws {
    let vae = try VAE<Double>(preset: VAETestData.gradientPreset, seed: 11)
    for slot in vae.parameters.slots where slot.name.hasSuffix(".bias") {
      vae.parameters.values[slot.range] = ArraySlice(
        GradientCheck.randomVector(slot.count, seed: UInt64(slot.offset)).map { $0 * 0.1 })
    }
    let pixels: [Double] = GradientCheck.randomVector(2 * 64, seed: 12).map { ($0 + 1) / 2 }
    var noInputs: [Double] = []
    func step() -> Double {
      var rng = DanceRandom(seed: 13)
      return try! vae.lossAndGradients(pixels, batch: 2, rng: &rng, klWeight: 0.8).total
    }
    GradientCheck.run(
      parameters: vae.parameters, inputs: &noInputs, maxChecks: 12,
      loss: { _, _ in step() },
      analytic: { _, _ in
        _ = step(); return []
      })
  }

  @Test func allConvolutionStrategiesTrainAlike() throws {
    let frames = VAETestData.frames(3, preset: VAETestData.smallPreset)
    let pixels: [Double] = VAETestData.pixels(frames)
    var results: [(VAEStepLoss, [Double])] = []
    for strategy in [ConvolutionStrategy.automatic, .im2col, .tapProducts] {
      let vae = try VAE<Double>(preset: VAETestData.smallPreset, seed: 2, strategy: strategy)
      var rng = DanceRandom(seed: 5)
      let loss = try vae.lossAndGradients(pixels, batch: 3, rng: &rng)
      results.append((loss, vae.parameters.grads))
    }
    for (loss, grads) in results.dropFirst() {
      #expect(abs(loss.total - results[0].0.total) < 1e-9)
      #expect(zip(grads, results[0].1).allSatisfy { abs($0 - $1) < 1e-9 })
    }
  }

  @Test func encodeAndDecodeShapes() throws {
    let preset = VAETestData.smallPreset
    let vae = try VAE<Float>(preset: preset, seed: 6)
    let pixels: [Float] = VAETestData.pixels(VAETestData.frames(2, preset: preset))
    let (mean, logVar) = vae.encode(pixels, batch: 2)
    #expect(mean.count == 2 * preset.latentSize && logVar.count == mean.count)
    let frames = vae.decode(mean, batch: 2)
    #expect(frames.count == 2 * preset.pixelsPerFrame)
    #expect(frames.allSatisfy { $0 >= 0 && $0 <= 1 })
  }

  /// A batch is split into parts that run at once; the answer must not depend on the split.
  @Test func batchedEncodeAndDecodeEqualOneFrameAtATime() throws {
    let preset = VAETestData.smallPreset
    let vae = try VAE<Float>(preset: preset, seed: 8)
    let frames = VAETestData.frames(3, preset: preset)
    let (mean, logVar) = vae.encode(VAETestData.pixels(frames), batch: 3)
    let decoded = vae.decode(mean, batch: 3)
    let (d, n) = (preset.latentSize, preset.pixelsPerFrame)
    for (k, frame) in frames.enumerated() {
      let one = vae.encode(VAETestData.pixels([frame]), batch: 1)
      #expect(zip(one.mean, mean[(k * d)..<((k + 1) * d)]).allSatisfy { abs($0 - $1) < 1e-5 })
      #expect(zip(one.logVar, logVar[(k * d)..<((k + 1) * d)]).allSatisfy { abs($0 - $1) < 1e-5 })
      let image = vae.decode(Array(mean[(k * d)..<((k + 1) * d)]), batch: 1)
      #expect(zip(image, decoded[(k * n)..<((k + 1) * n)]).allSatisfy { abs($0 - $1) < 1e-5 })
    }
  }

  @Test func sameSeedSameStepBitForBit() throws {
    let preset = VAETestData.smallPreset
    let pixels: [Float] = VAETestData.pixels(VAETestData.frames(2, preset: preset))
    var runs: [(VAEStepLoss, [Float])] = []
    for _ in 0..<2 {
      let vae = try VAE<Float>(preset: preset, seed: 6)
      var rng = DanceRandom(seed: 9)
      runs.append((try vae.lossAndGradients(pixels, batch: 2, rng: &rng), vae.parameters.grads))
    }
    #expect(runs[0].0 == runs[1].0)
    #expect(runs[0].1 == runs[1].1)
  }

  @Test func nonFiniteLossIsReportedNotReturned() throws {
    let preset = VAETestData.smallPreset
    let vae = try VAE<Float>(preset: preset, seed: 6)
    let logVarBias = try #require(vae.parameters.slot(named: "encoder.z_log_var.bias"))
    vae.parameters.values[logVarBias.range] = ArraySlice(repeating: 1000, count: logVarBias.count)
    let pixels: [Float] = VAETestData.pixels(VAETestData.frames(1, preset: preset))
    var rng = DanceRandom(seed: 1)
    do {
      _ = try vae.lossAndGradients(pixels, batch: 1, rng: &rng)
      Issue.record("expected a non-finite loss error")
    } catch let error as VAETrainingError {
      guard case .nonFiniteLoss = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect("\(error)".hasSuffix("update skipped"))
    }
  }
}
