import Int8Runtime
import TestSupport
import Testing
import Trainer

@Suite struct DenseTests {
  @Test func forwardMatchesHandComputation() {
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 1)
    let d = Dense("fc", inputs: 3, outputs: 2, in: p, rng: &rng)
    p.values = [1, 2, 3, 4, 5, 6, 0.5, -0.5]  // kernel [[1,2],[3,4],[5,6]], bias [0.5,-0.5]
    let y = d.forward([1, 1, 1, 0, 1, 0], batch: 2, p)
    #expect(y == [9.5, 11.5, 3.5, 3.5])
  }

  @Test(arguments: [Activation.linear, .relu, .sigmoid])
  func backwardMatchesFiniteDifferences(_ act: Activation) {
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 2)
    let d = Dense("fc", inputs: 5, outputs: 4, in: p, rng: &rng)
    p.values[d.bias.range] = [0.1, -0.2, 0.3, 0.05]
    var x = GradientCheck.randomVector(3 * 5, seed: 3)
    GradientCheck.run(
      parameters: p, inputs: &x,
      loss: { p, x in GradientCheck.weightedSum(act.forward(d.forward(x, batch: 3, p))).0 },
      analytic: { p, x in
        p.zeroGrads()
        let y = act.forward(d.forward(x, batch: 3, p))
        let dy = act.backward(y: y, dy: GradientCheck.weightedSum(y).1)
        return d.backward(dy, input: x, batch: 3, p)
      })
  }
}
