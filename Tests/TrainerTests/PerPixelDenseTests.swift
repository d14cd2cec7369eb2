import Int8Runtime
import TestSupport
import Testing
import Trainer

// MARK: - PerPixelDense

@Suite struct PerPixelDenseTests {
  @Test func everyPixelIsOneDenseRow() {
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 3)
    let layer = PerPixelDense(
      "decoder.expand", rows: 2, cols: 3, inChannels: 2, outChannels: 3, in: p, rng: &rng)
    #expect(p.slot(named: "decoder.expand.kernel")?.shape == [2, 3])
    p.values[layer.bias.range] = [1, 2, 3]
    let x = GradientCheck.randomVector(2 * 2 * 3 * 2, seed: 4)
    let y = layer.forward(x, batch: 2, p)
    let w = Array(p.values[layer.kernel.range])
    for pixel in 0..<12 {
      for o in 0..<3 {
        let expected = [1.0, 2, 3][o] + x[pixel * 2] * w[o] + x[pixel * 2 + 1] * w[3 + o]
        #expect(abs(y[pixel * 3 + o] - expected) < 1e-12)
      }
    }
  }

  @Test func backwardMatchesFiniteDifferences() {
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 5)
    let layer = PerPixelDense("e", rows: 3, cols: 2, inChannels: 3, outChannels: 4, in: p, rng: &rng)
    p.values[layer.bias.range] = [0.1, -0.2, 0.3, 0.4]
    var x = GradientCheck.randomVector(2 * 3 * 2 * 3, seed: 6)
    GradientCheck.run(
      parameters: p, inputs: &x,
      loss: { p, x in GradientCheck.weightedSum(layer.forward(x, batch: 2, p)).0 },
      analytic: { p, x in
        p.zeroGrads()
        let y = layer.forward(x, batch: 2, p)
        return layer.backward(GradientCheck.weightedSum(y).1, input: x, batch: 2, p)
      })
  }
}
