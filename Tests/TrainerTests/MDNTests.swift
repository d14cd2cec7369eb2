import Int8Runtime
import RealModule
import TestSupport
import Testing
import Trainer

@Suite struct MDNTests {
  // MARK: - Layout

  @Test func layoutMatchesPresetAndDocumentedOrder() {
    for preset in ModelPreset.all {
      let l = MDNLayout(mixtures: preset.mixtures, dims: preset.latentSize)
      #expect(l.outputs == preset.mdnOutputs)
    }
    let l = MDNLayout(mixtures: 3, dims: 2)
    // [means 0..<6 | log-sigmas 6..<12 | logits 12..<15], component-major
    #expect((0..<3).flatMap { k in (0..<2).map { l.mean(k, $0) } } == Array(0..<6))
    #expect((0..<3).flatMap { k in (0..<2).map { l.logSigma(k, $0) } } == Array(6..<12))
    #expect((0..<3).map(l.logit) == Array(12..<15))
  }

  // MARK: - Values

  @Test func standardNormalHasKnownNLL() {
    let l = MDNLayout(mixtures: 1, dims: 2)
    // μ = (0, 1), log σ = (0, log 2), logit 0; target (1, 1)
    let r = MDNLoss.negativeLogLikelihood(
      outputs: [0.0, 1, 0, Double.log(2), 0], targets: [1.0, 1], rows: 1, layout: l)
    let expected = (0.5 + 0.918_938_533_204_672_7) + (Double.log(2) + 0.918_938_533_204_672_7)
    #expect(abs(r.loss - expected) < 1e-12)
  }

  @Test func equalComponentsGiveTheSameNLLAsOne() {
    let one = MDNLayout(mixtures: 1, dims: 1)
    let two = MDNLayout(mixtures: 2, dims: 1)
    let a = MDNLoss.negativeLogLikelihood(
      outputs: [0.3, -0.2, 5.0], targets: [1.0], rows: 1, layout: one)
    let b = MDNLoss.negativeLogLikelihood(
      outputs: [0.3, 0.3, -0.2, -0.2, 7.0, 7.0], targets: [1.0], rows: 1, layout: two)
    #expect(abs(a.loss - b.loss) < 1e-12)
  }

  @Test func weightsAverageOnlyRealRows() {
    let l = MDNLayout(mixtures: 2, dims: 2)
    let out = GradientCheck.randomVector(3 * l.outputs, seed: 1)
    let y = GradientCheck.randomVector(3 * 2, seed: 2)
    let all = MDNLoss.negativeLogLikelihood(outputs: out, targets: y, rows: 3, layout: l)
    let row1 = MDNLoss.negativeLogLikelihood(
      outputs: Array(out[l.outputs..<(2 * l.outputs)]), targets: Array(y[2..<4]), rows: 1, layout: l)
    let masked = MDNLoss.negativeLogLikelihood(
      outputs: out, targets: y, rows: 3, layout: l, weights: [0, 1, 0])
    #expect(masked.weightTotal == 1)
    #expect(abs(masked.loss - row1.loss) < 1e-12)
    #expect(masked.dOutputs[0..<l.outputs].allSatisfy { $0 == 0 })
    #expect(all.weightTotal == 3)
  }

  // MARK: - Gradient

  @Test func gradientWrtRawOutputsMatchesFiniteDifferences() {
    let l = MDNLayout(mixtures: 3, dims: 2)
    let rows = 4
    let y = GradientCheck.randomVector(rows * 2, seed: 3).map { 1.5 * $0 }
    let weights: [Double] = [1, 0, 1, 1]
    var x = GradientCheck.randomVector(rows * l.outputs, seed: 4)
    GradientCheck.run(
      parameters: Parameters<Double>(), inputs: &x, maxChecks: 200,
      loss: { _, x in
        MDNLoss.negativeLogLikelihood(outputs: x, targets: y, rows: rows, layout: l, weights: weights)
          .loss
      },
      analytic: { _, x in
        MDNLoss.negativeLogLikelihood(outputs: x, targets: y, rows: rows, layout: l, weights: weights)
          .dOutputs
      })
  }

  @Test func clampedLogSigmaHasZeroGradient() {
    let l = MDNLayout(mixtures: 1, dims: 2)
    let r = MDNLoss.negativeLogLikelihood(
      outputs: [0.0, 0, -20, 20, 0], targets: [0.5, 0.5], rows: 1, layout: l)
    #expect(r.dOutputs[l.logSigma(0, 0)] == 0)
    #expect(r.dOutputs[l.logSigma(0, 1)] == 0)
    #expect(MDNLayout.sigma(fromRaw: -20.0) == Double.exp(MDNLayout.logSigmaMin))
  }

  // MARK: - Numerical stability

  @Test func hugeLogitsAndTinySigmasStayFiniteInFloat() {
    let l = MDNLayout(mixtures: 3, dims: 4)
    var out = [Float](repeating: 0, count: l.outputs)
    for d in 0..<4 {
      out[l.mean(0, d)] = 3  // far from the target, tiny sigma
      out[l.logSigma(0, d)] = -80
      out[l.mean(1, d)] = -2
      out[l.logSigma(1, d)] = -30
      out[l.mean(2, d)] = 0.1
      out[l.logSigma(2, d)] = 60
    }
    out[l.logit(0)] = 30_000
    out[l.logit(1)] = -30_000
    out[l.logit(2)] = 1e-3
    let r = MDNLoss.negativeLogLikelihood(
      outputs: out, targets: [Float](repeating: 0.05, count: 4), rows: 1, layout: l)
    #expect(r.loss.isFinite)
    #expect(r.dOutputs.allSatisfy { $0.isFinite })
    // every component far away: the loss is large but finite, not +inf
    #expect(r.loss > 1000)
  }
}
