import Evaluation
import FloatRandom
import Int8Runtime
import Testing
import Trainer

// MARK: - Helpers

private func gaussianVector(_ d: Int, _ rng: inout DanceRandom) -> [Double] {
  (0..<d).map { _ in DanceRandomFloats.gaussian(&rng) as Double }
}

private func distance(_ a: [Double], _ b: [Double]) -> Double {
  zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
}

@Suite struct EvalDanceMeasuresTests {
  // MARK: - Velocities

  @Test func velocitiesRespectClipBoundaries() {
    let clips: [[[Double]]] = [[[0, 0], [1, 2], [1, 5]], [[9, 9]], [[0, 1], [0, 0]]]
    #expect(LatentVelocities.velocities(clips) == [[1, 2], [0, 3], [0, -1]])
    #expect(LatentVelocities.speeds(clips[0]) == [Double(5).squareRoot(), 3])
    #expect(LatentVelocities.speeds(clips[1]) == [])
    // (√5 + 3 + 1) / 3
    #expect(LatentVelocities.meanSpeed(clips) == (Double(5).squareRoot() + 4) / 3)
    #expect(LatentVelocities.meanSpeed([[[1]], []]) == nil)
  }

  // MARK: - Loop measure

  @Test func loopHandCase() throws {
    // minLag 2, r 0.5: t=2 (10 vs 0) no; t=3 (0.3 vs 0) yes; t=4 (7 vs 0, 5, 10) no.
    let clip: [[Double]] = [[0], [5], [10], [0.3], [7]]
    let r = try LoopMeasure.measure([clip], radius: 0.5, minLag: 2)
    #expect(r == LoopMeasure.Result(looping: 1, eligible: 3))
    #expect(r.fraction == 1.0 / 3)
    // Frame 3 is 0.3 from frame 0: at lag 4 it has no partner older than frame -1.
    #expect(try LoopMeasure.measure([clip], radius: 0.5, minLag: 4).looping == 0)
  }

  @Test func loopsAreNotFoundAcrossClips() throws {
    // Joined, [0.2] would be within 0.5 of [0] three frames earlier; as clips it is not.
    let r = try LoopMeasure.measure([[[0], [5]], [[9], [0.2]]], radius: 0.5, minLag: 1)
    #expect(r == LoopMeasure.Result(looping: 0, eligible: 2))
    #expect(try LoopMeasure.measure([[[0], [5], [9], [0.2]]], radius: 0.5, minLag: 1).looping == 1)
  }

  @Test func periodicSequenceLoopsAfterOnePeriod() throws {
    // A cycle of 10 random poses in D = 16, repeated for 200 frames; default r = 0.5·√16 = 2.
    var rng = DanceRandom(seed: 3)
    let poses = (0..<10).map { _ in gaussianVector(16, &rng) }
    for i in 0..<10 { for j in 0..<i { #expect(distance(poses[i], poses[j]) > 2) } }
    let clip = (0..<200).map { poses[$0 % 10] }
    let r = try LoopMeasure.measure(
      [clip], radius: LoopMeasure.defaultRadius(dimension: 16), minLag: LoopMeasure.defaultMinLag)
    // Eligible: t = 8...199 (192); frames 8 and 9 find no earlier copy, every t ≥ 10 does.
    #expect(r == LoopMeasure.Result(looping: 190, eligible: 192))
  }

  @Test func randomWalkRarelyLoops() throws {
    // Latents are in units fixed by real data (sd 1 per dimension), not by the walk itself.
    // Steps of 0.5 sd per dimension in D = 16: the squared distance to the frame k ≥ 8 back is
    // 0.25·k·χ²₁₆, within r² = 4 with probability P(χ²₁₆ ≤ 2) ≈ 1e-5 at k = 8 and less beyond.
    // (With steps of 0.25 sd, 11 % of its frames lie within r of a frame 8 or more back:
    // the measure counts lingering as looping, which is why real dance is measured alongside.)
    var rng = DanceRandom(seed: 4)
    var z = [Double](repeating: 0, count: 16)
    var walk: [[Double]] = []
    for _ in 0..<200 {
      z = zip(z, gaussianVector(16, &rng)).map { $0 + 0.5 * $1 }
      walk.append(z)
    }
    let f = try #require(
      try LoopMeasure.fraction([walk], radius: LoopMeasure.defaultRadius(dimension: 16)))
    #expect(f < 0.02)
  }

  @Test func frozenSequenceAlwaysLoops() throws {
    let clip = [[Double]](repeating: [0.5, -1, 2], count: 30)
    #expect(try LoopMeasure.fraction([clip], radius: 0) == 1)
  }

  @Test func loopDefaultsAndBadParameters() throws {
    #expect(LoopMeasure.defaultMinLag == 8)
    #expect(abs(LoopMeasure.defaultRadius(dimension: 128) - 5.656854249492381) < 1e-15)
    #expect(try LoopMeasure.fraction([[[0], [1]]], radius: 1) == nil)  // no frame t ≥ 8
    #expect(throws: EvaluationError.self) { try LoopMeasure.measure([], radius: -1) }
    #expect(throws: EvaluationError("loop measure: minimum lag 0 must be at least 1")) {
      try LoopMeasure.measure([], radius: 1, minLag: 0)
    }
    #expect(throws: EvaluationError("loop measure: latents differ in dimension")) {
      try LoopMeasure.measure([[[0, 1], [1]]], radius: 1)
    }
  }

  // MARK: - Pixel change

  @Test func pixelChangeHandCases() throws {
    let a = PixelPlane(width: 2, height: 1, values: [0, 0])
    let b = PixelPlane(width: 2, height: 1, values: [10, 0])
    #expect(try PixelChange.meanAbsoluteChange([[a, b, a]]) == 5)
    #expect(try PixelChange.meanAbsoluteChange([[a, b], [b, b]]) == 2.5)
    #expect(try PixelChange.meanAbsoluteChange([[a], [b]]) == nil)  // no pair within a clip
    let unit = [
      PixelPlane(unit: [0.0, 1], width: 2, height: 1), PixelPlane(unit: [1.0, 1], width: 2, height: 1),
    ]
    #expect(try PixelChange.meanAbsoluteChange([unit]) == 127.5)
    #expect(throws: EvaluationError("pixel change: frames differ in size (2x1 vs 1x1)")) {
      try PixelChange.meanAbsoluteChange([[a, PixelPlane(width: 1, height: 1, values: [0])]])
    }
  }
}
