import Int8Runtime
import TestSupport
import Testing
import Trainer

@Suite struct DropoutTests {
  @Test func maskDropsAboutTheRateAndScalesTheRest() {
    var rng = DanceRandom(seed: 1)
    let mask: [Double] = Dropout.mask(count: 20_000, percent: 40, rng: &rng)
    let dropped = mask.filter { $0 == 0 }.count
    #expect(abs(Double(dropped) / 20_000 - 0.4) < 0.015)
    #expect(mask.allSatisfy { $0 == 0 || abs($0 - 1 / 0.6) < 1e-12 })
    // inverted dropout keeps the expected value: mean of the mask ≈ 1
    #expect(abs(mask.reduce(0, +) / 20_000 - 1) < 0.03)
  }

  @Test func maskIsDeterministicAndZeroRateDrawsNothing() {
    var a = DanceRandom(seed: 2)
    var b = DanceRandom(seed: 2)
    let m1: [Float] = Dropout.mask(count: 50, percent: 10, rng: &a)
    let m2: [Float] = Dropout.mask(count: 50, percent: 10, rng: &b)
    #expect(m1 == m2)
    let before = a
    let none: [Float] = Dropout.mask(count: 50, percent: 0, rng: &a)
    #expect(none == [Float](repeating: 1, count: 50))
    #expect(a == before)
  }

  @Test func backwardWithFixedMaskMatchesFiniteDifferences() {
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 3)
    let d = Dense("fc", inputs: 4, outputs: 5, in: p, rng: &rng)
    let mask: [Double] = Dropout.mask(count: 3 * 5, percent: 40, rng: &rng)
    #expect(mask.contains(0) && mask.contains { $0 > 1 })
    var x = GradientCheck.randomVector(3 * 4, seed: 4)
    GradientCheck.run(
      parameters: p, inputs: &x,
      loss: { p, x in
        GradientCheck.weightedSum(Dropout.forward(d.forward(x, batch: 3, p), mask: mask)).0
      },
      analytic: { p, x in
        p.zeroGrads()
        let y = Dropout.forward(d.forward(x, batch: 3, p), mask: mask)
        let dy = Dropout.backward(GradientCheck.weightedSum(y).1, mask: mask)
        return d.backward(dy, input: x, batch: 3, p)
      })
  }
}
