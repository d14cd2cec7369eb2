import Foundation
import SynthDancer
import Testing

// MARK: - Synthetic dancer: maths, moves and choreography (no pixels)

@Suite struct SynthMotionTests {
  // MARK: - SynthMath

  @Test func sineAndCosineMatchTheCLibrary() {
    var worst = 0.0
    for i in -20_000...20_000 {
      let x = Double(i) * 0.0137  // covers about +-274 radians, dozens of periods
      worst = max(worst, abs(SynthMath.sin(x) - Foundation.sin(x)))
      worst = max(worst, abs(SynthMath.cos(x) - Foundation.cos(x)))
    }
    #expect(worst < 1e-14)
    #expect(SynthMath.sin(0) == 0)
    #expect(SynthMath.cos(0) == 1)
    #expect(abs(SynthMath.sin(.pi / 6) - 0.5) < 1e-15)
  }

  @Test func smoothstepEndsFlatAndClamps() {
    #expect(SynthMath.smoothstep(-1) == 0)
    #expect(SynthMath.smoothstep(0) == 0)
    #expect(abs(SynthMath.smoothstep(0.5) - 0.5) < 1e-15)
    #expect(SynthMath.smoothstep(1) == 1)
    #expect(SynthMath.smoothstep(2) == 1)
    #expect(SynthMath.smoothstep(0.001) < 1e-5)  // zero slope at the start
  }

  // MARK: - Moves

  /// The largest change of any pose component between two poses (angles in radians, x and
  /// lift in pixels, squash as a fraction).
  static func change(_ a: Pose, _ b: Pose) -> Double {
    let pairs: [(Double, Double)] = [
      (a.x, b.x), (a.lift, b.lift), (a.lean, b.lean), (a.headTilt, b.headTilt),
      (a.leftShoulder, b.leftShoulder), (a.rightShoulder, b.rightShoulder),
      (a.leftElbow, b.leftElbow), (a.rightElbow, b.rightElbow), (a.leftHip, b.leftHip),
      (a.rightHip, b.rightHip), (a.leftKnee, b.leftKnee), (a.rightKnee, b.rightKnee),
      (a.squash, b.squash),
    ]
    return pairs.map { abs($0.0 - $0.1) }.max()!
  }

  @Test(arguments: Move.allCases)
  func everyMoveIsSmoothAndPeriodic(_ move: Move) {
    // The fastest planned motion is the jump's lift, 11 * 2 pi = 69 pixels per cycle, so at
    // 10,000 steps per cycle no component may move by 0.01 (100 per cycle) unless it jumps.
    var worst = 0.0
    var previous = move.pose(phase: 0)
    for i in 1...10_000 {
      let p = move.pose(phase: Double(i) / 10_000)
      worst = max(worst, Self.change(previous, p))
      previous = p
    }
    #expect(worst < 0.01, "\(move.name) jumps by \(worst)")
    #expect(Self.change(move.pose(phase: 0), move.pose(phase: 1)) < 1e-12)
    // And it moves: some component travels at least 0.3 over a cycle.
    let range = (0..<50).map { Self.change(move.pose(phase: 0), move.pose(phase: Double($0) / 50)) }
    #expect(range.max()! > 0.3, "\(move.name) hardly moves")
  }

  @Test func repertoireHasDistinctNamedMoves() {
    let names = Move.allCases.map(\.name)
    #expect(names.count >= 6)
    #expect(Set(names).count == names.count)
  }

  // MARK: - Choreography

  @Test func segmentsChainWithCrossFadesAndNeverRepeatAMove() {
    let dance = Choreography(seed: 5, duration: 300)
    #expect(dance.segments.first!.start == 0)
    #expect(dance.segments.last!.end >= 300)
    for (a, b) in zip(dance.segments, dance.segments.dropFirst()) {
      #expect(abs(b.start - (a.end - Choreography.crossFade)) < 1e-9)
      #expect(a.move != b.move)
      #expect(b.fromX == a.toX)
      #expect(Choreography.stageRange.contains(b.toX))
    }
    // Shuffle bag: each run of 8 consecutive segments from a bag boundary holds every move.
    let n = Move.allCases.count
    for start in stride(from: 0, to: dance.segments.count - n, by: n) {
      #expect(Set(dance.segments[start..<(start + n)].map(\.move)).count == n)
    }
  }

  @Test func posesChangeSmoothlyAcrossWholeDances() {
    // 1,000 samples per second over 40 s of dance, through about ten cross-fades. The fastest
    // planned motion (a jump at the fastest tempo) is under 100 pixels per second, so a step
    // of 0.15 (pixels or radians) in one millisecond can only be a jump in the trajectory.
    for seed: UInt64 in [1, 2] {
      let dance = Choreography(seed: seed, duration: 40)
      var worst = 0.0
      var previous = dance.pose(at: 0)
      for i in 1...40_000 {
        let p = dance.pose(at: Double(i) / 1000)
        worst = max(worst, Self.change(previous, p))
        previous = p
      }
      #expect(worst < 0.15, "seed \(seed): largest step \(worst)")
    }
  }

  @Test func seedsChangeOrderTempoAndTravel() {
    let a = Choreography(seed: 1, duration: 60), b = Choreography(seed: 2, duration: 60)
    #expect(a.segments.map(\.move) != b.segments.map(\.move))
    #expect(a.tempo != b.tempo)
    #expect(a.segments.map(\.toX) != b.segments.map(\.toX))
    let again = Choreography(seed: 1, duration: 60)
    #expect(a.segments == again.segments)
  }

  @Test func everyMoveAppearsIn3000Frames() {
    let dancer = SyntheticDancer(seed: 11, frameCount: 3000)
    let seen = Set((0..<3000).map { dancer.move(at: $0) })
    #expect(seen == Set(Move.allCases))
    #expect(dancer.moveName(at: 0) == dancer.choreography.segments[0].move.name)
  }

  @Test func theFigureStaysOnStage() {
    // Geometry only (no pixels): every shape of every frame lies inside the 208-pixel width,
    // and a standing frame's lowest foot rests on the floor.
    let dancer = SyntheticDancer(seed: 3, frameCount: 3000)
    var minX = Double.infinity, maxX = -Double.infinity
    for i in 0..<dancer.frameCount {
      let f = Figure(pose: dancer.pose(at: i))
      for s in f.shapes {
        for x in [s.ax, s.bx] {
          let imageX = f.centerX + (x - f.centerX) * f.squash
          minX = min(minX, imageX - s.radius)
          maxX = max(maxX, imageX + s.radius)
        }
      }
    }
    #expect(minX > 0 && maxX < 208, "figure spans \(minX)...\(maxX)")
    let standing = Figure(pose: Pose.neutral, at: 104)
    let lowest = standing.shapes.map { max($0.ay, $0.by) + $0.radius }.max()!
    #expect(abs(lowest - BodyProportions.standard.floorY) < 1e-9)
  }
}
