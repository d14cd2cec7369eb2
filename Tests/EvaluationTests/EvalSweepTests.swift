import Evaluation
import Testing
import Trainer

// MARK: - Large pixel jumps and the temperature sweep's rule

@Suite struct EvalSweepTests {
  @Test func jumpThresholdIsThreeTimesTheRealMedianStep() throws {
    #expect(PixelJumps.threshold(realSteps: [1, 2, 2, 3, 9]) == 6)
    #expect(PixelJumps.threshold(realSteps: [4, 1, 3, 2]) == 7.5)  // median of 4 values: 2.5
    #expect(PixelJumps.threshold(realSteps: []) == nil)
    let r = PixelJumps.count([1, 7, 2, 6.5, 6], threshold: 6)  // 6 itself is not above
    #expect(r == PixelJumps.Result(jumps: 2, steps: 5))
    #expect(r.fraction == 0.4)
    #expect(PixelJumps.Result(jumps: 0, steps: 0).fraction == nil)
  }

  @Test func stepChangesStayInsideClips() throws {
    let a = PixelPlane(width: 2, height: 1, values: [0, 0])
    let b = PixelPlane(width: 2, height: 1, values: [10, 0])
    let c = PixelPlane(width: 2, height: 1, values: [10, 30])
    #expect(try PixelChange.stepChanges([[a, b, a], [c], [a, c]]) == [5, 5, 20])
    #expect(try PixelChange.meanAbsoluteChange([[a, b, a], [c], [a, c]]) == 10)
    #expect(try PixelChange.meanAbsoluteChange([[a]]) == nil)
  }

  static func point(pi: Double, sigma: Double, velocityFD: Double, jumps: Int) -> TemperatureSweep.Point {
    .init(
      temperatures: .init(pi: pi, sigma: sigma), latentFrechet: .init(meanTerm: 1, covarianceTerm: 1),
      velocityFrechet: .init(meanTerm: 0, covarianceTerm: velocityFD), loop: .init(looping: 1, eligible: 10),
      latentSpeed: 1, pixelChange: 1, jumps: .init(jumps: jumps, steps: 1000))
  }

  @Test func ranksShareTheBestRankOnTies() {
    #expect(TemperatureSweep.ranks([0.5, 0.2, 0.5, 0.9]) == [2, 1, 2, 4])
    #expect(TemperatureSweep.ranks([.nan, 1]) == [2, 1])
    #expect(TemperatureSweep.ranks([]) == [])
  }

  /// The documented example: rank sums [6, 3, 3]; the tie goes to the smaller velocity FD.
  @Test func ruleTakesTheSmallestRankSum() {
    let points = [
      Self.point(pi: 1, sigma: 1, velocityFD: 3.1, jumps: 82),
      Self.point(pi: 0.5, sigma: 1, velocityFD: 2.6, jumps: 12),
      Self.point(pi: 0.3, sigma: 1, velocityFD: 2.9, jumps: 5),
    ]
    // real rate 0.2 %: jump-rate distances 0.080, 0.010, 0.003
    #expect(TemperatureSweep.choose(points, realJumpRate: 0.002) == 1)
    let sweep = TemperatureSweep(seeds: [1], framesPerSeed: 1001, points: points, realJumpRate: 0.002)
    #expect(sweep.chosen == SamplingTemperatures(pi: 0.5, sigma: 1))
    // a real dance that jumps as often as point 0: jump ranks [1, 2, 3], sums [4, 3, 5]
    #expect(TemperatureSweep.choose(points, realJumpRate: 0.082) == 1)
    // with equal velocity FDs the jump rate alone decides
    let level = [82, 12, 5].map { Self.point(pi: 1, sigma: 1, velocityFD: 2, jumps: $0) }
    #expect(TemperatureSweep.choose(level, realJumpRate: 0.082) == 0)
    #expect(TemperatureSweep.choose(level, realJumpRate: 0.002) == 2)
    // equal sums and equal velocity FD: the earlier grid point
    let twins = [
      Self.point(pi: 0.3, sigma: 0.5, velocityFD: 2, jumps: 4),
      Self.point(pi: 0.5, sigma: 0.5, velocityFD: 2, jumps: 4),
    ]
    #expect(TemperatureSweep.choose(twins, realJumpRate: 0) == 0)
  }

  @Test func standardGridIsSixPointsPiMajor() {
    let g = TemperatureSweep.Grid.standard
    #expect(g.problem == nil)
    #expect(
      g.points.map { [$0.pi, $0.sigma] } == [
        [0.3, 0.5], [0.3, 1], [0.5, 0.5], [0.5, 1], [1, 0.5], [1, 1],
      ])
    var bad = g
    bad.piTemperatures = [0]
    #expect(bad.problem == "pi-temperature 0.0 must be in 0.01...10")
    bad = g
    bad.framesPerSeed = 1
    #expect(bad.problem == "the sweep needs at least 2 frames per seed")
  }
}
