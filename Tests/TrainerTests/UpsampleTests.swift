import Int8Runtime
import TestSupport
import Testing
import Trainer

// MARK: - Upsample2

@Suite struct UpsampleTests {
  @Test func forwardCopiesEachPixelToA2x2Block() {
    let up = Upsample2(rows: 1, cols: 2, channels: 2)
    let y: [Double] = up.forward([1, 10, 2, 20], batch: 1)
    #expect(y == [1, 10, 1, 10, 2, 20, 2, 20, 1, 10, 1, 10, 2, 20, 2, 20])
  }

  @Test func backwardMatchesFiniteDifferences() {
    let up = Upsample2(rows: 3, cols: 2, channels: 2)
    var x = GradientCheck.randomVector(2 * up.inputCount, seed: 21)
    GradientCheck.run(
      parameters: Parameters<Double>(), inputs: &x,
      loss: { _, x in GradientCheck.weightedSum(up.forward(x, batch: 2)).0 },
      analytic: { _, x in
        up.backward(GradientCheck.weightedSum(up.forward(x, batch: 2)).1, batch: 2)
      })
  }
}
