import Int8Runtime
import TestSupport
import Testing
import Trainer

// MARK: - MaxPool2

@Suite struct PoolTests {
  @Test func forwardAndBackwardByHand() {
    // one image 2x4, two channels: channel 0 = 1...8, channel 1 = 8...1
    let pool = MaxPool2(rows: 2, cols: 4, channels: 2)
    let x: [Double] = [1, 8, 2, 7, 3, 6, 4, 5, 5, 4, 6, 3, 7, 2, 8, 1]
    let y = pool.forward(x, batch: 1)
    #expect(y == [6, 8, 8, 6])
    let dx = pool.backward([10, 20, 30, 40], input: x, output: y, batch: 1)
    #expect(dx == [0, 20, 0, 0, 0, 40, 0, 0, 0, 0, 10, 0, 0, 0, 30, 0])
  }

  @Test func tiesSendTheGradientToTheFirstMaximum() {
    let pool = MaxPool2(rows: 2, cols: 2, channels: 1)
    let x: [Double] = [0, 0, 0, 0]
    #expect(pool.backward([1], input: x, output: pool.forward(x, batch: 1), batch: 1) == [1, 0, 0, 0])
  }

  @Test func backwardMatchesFiniteDifferences() {
    let pool = MaxPool2(rows: 4, cols: 6, channels: 3)
    var x = GradientCheck.randomVector(2 * pool.inputCount, seed: 12)
    GradientCheck.run(
      parameters: Parameters<Double>(), inputs: &x,
      loss: { _, x in GradientCheck.weightedSum(pool.forward(x, batch: 2)).0 },
      analytic: { _, x in
        let y = pool.forward(x, batch: 2)
        return pool.backward(GradientCheck.weightedSum(y).1, input: x, output: y, batch: 2)
      })
  }
}
