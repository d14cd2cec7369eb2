import Foundation
import Int8Runtime
import TestSupport
import Testing
import Trainer

// MARK: - VAE loss pieces

@Suite struct VAELossTests {
  @Test func bceOnLogitsEqualsTheTextbookFormula() {
    let logits: [Double] = [-3, -0.5, 0, 0.7, 4, 2, -1, 0.2]
    let targets: [Double] = [0, 1, 0.5, 1, 1, 0, 0.25, 0.9]
    let (loss, d) = VAELoss.binaryCrossEntropy(logits: logits, targets: targets, batch: 2)
    var expected = 0.0
    for (l, t) in zip(logits, targets) {
      let p = 1 / (1 + exp(-l))
      expected -= t * log(p) + (1 - t) * log(1 - p)
    }
    #expect(abs(loss - expected / 2) < 1e-12)
    for i in logits.indices {
      #expect(abs(d[i] - (1 / (1 + exp(-logits[i])) - targets[i]) / 2) < 1e-12)
    }
  }

  @Test func bceStaysFiniteForHugeLogits() {
    let (loss, d) = VAELoss.binaryCrossEntropy(logits: [Float(500), -500], targets: [0, 1], batch: 1)
    #expect(loss == 1000)
    #expect(d == [1, -1])
  }

  @Test func bceGradientMatchesFiniteDifferences() {
    let targets = GradientCheck.randomVector(12, seed: 2).map { ($0 + 1) / 2 }
    var logits = GradientCheck.randomVector(12, seed: 3).map { $0 * 4 }
    GradientCheck.run(
      parameters: Parameters<Double>(), inputs: &logits,
      loss: { _, l in VAELoss.binaryCrossEntropy(logits: l, targets: targets, batch: 3).loss },
      analytic: { _, l in VAELoss.binaryCrossEntropy(logits: l, targets: targets, batch: 3).dLogits })
  }

  @Test func klIsZeroForTheStandardNormalAndPositiveOtherwise() {
    #expect(VAELoss.klDivergence(mean: [0.0, 0], logVar: [0.0, 0], batch: 1).loss == 0)
    let kl = VAELoss.klDivergence(mean: [1.0], logVar: [log(2.0)], batch: 1).loss
    #expect(abs(kl - 0.5 * (1 + 2 - 1 - log(2.0))) < 1e-12)
  }

  /// loss(mean, logVar) = weightedSum(z(mean, logVar, eps)) + w · KL with a fixed eps; inputs
  /// are mean followed by logVar.
  @Test func klAndReparameterisationGradientsMatchFiniteDifferences() {
    let n = 6
    let eps = GradientCheck.randomVector(n, seed: 8)
    let weight = 0.7
    func split(_ v: [Double]) -> ([Double], [Double]) { (Array(v[..<n]), Array(v[n...])) }
    var meanAndLogVar = GradientCheck.randomVector(2 * n, seed: 9)
    GradientCheck.run(
      parameters: Parameters<Double>(), inputs: &meanAndLogVar,
      loss: { _, v in
        let (m, lv) = split(v)
        let z = VAELoss.reparameterize(mean: m, logVar: lv, eps: eps)
        return GradientCheck.weightedSum(z).0
          + weight * VAELoss.klDivergence(mean: m, logVar: lv, batch: 2).loss
      },
      analytic: { _, v in
        let (m, lv) = split(v)
        let z = VAELoss.reparameterize(mean: m, logVar: lv, eps: eps)
        let (dm, dlv) = VAELoss.reparameterizeBackward(
          GradientCheck.weightedSum(z).1, logVar: lv, eps: eps)
        let kl = VAELoss.klDivergence(mean: m, logVar: lv, batch: 2, weight: weight)
        return zip(dm, kl.dMean).map(+) + zip(dlv, kl.dLogVar).map(+)
      })
  }

  @Test func noiseIsSeededAndRoughlyStandardNormal() {
    var a = DanceRandom(seed: 4)
    var b = DanceRandom(seed: 4)
    let x: [Double] = VAELoss.noise(count: 4000, rng: &a)
    #expect(x == VAELoss.noise(count: 4000, rng: &b))
    let mean = x.reduce(0, +) / 4000
    let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 4000
    #expect(abs(mean) < 0.06 && abs(variance - 1) < 0.1)
  }
}
