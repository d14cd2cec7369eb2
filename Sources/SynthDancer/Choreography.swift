import FloatRandom
import Int8Runtime

// MARK: - Choreography

/// A seeded dance: a sequence of moves, each repeated a few cycles at its own tempo and
/// amplitude while the dancer travels up to 30 pixels to a new spot on the stage (a random
/// walk between x = 62 and x = 146), joined by cosine cross-fades.
///
/// Order comes from a shuffle bag: every move of the repertoire is used once, in a seeded
/// order, before any move repeats, and a move never follows itself. The seed also sets an
/// overall tempo (0.8x to 1.25x); each segment varies it by up to +-12%.
///
/// ```swift
/// let dance = Choreography(seed: 7, duration: 60)   // at least 60 seconds of dance
/// dance.segments.first!.move                        // e.g. .kick
/// let p = dance.pose(at: 12.3)                      // the pose 12.3 s in
/// dance.move(at: 12.3)                              // the move dominating at that instant
/// ```
public struct Choreography: Sendable {
  /// One move held for a whole number of cycles.
  public struct Segment: Sendable, Equatable {
    public let move: Move
    /// Seconds from the start of the dance; the previous segment fades out over the first
    /// `Choreography.crossFade` seconds of this one.
    public let start: Double
    public let end: Double
    /// Seconds per cycle.
    public let period: Double
    /// Blend factor from the neutral pose to the move's full pose, in [0.65, 1].
    public let amplitude: Double
    /// Stage position (hip x, pixels) at the start and at the end of the segment.
    public let fromX: Double
    public let toX: Double

    /// The segment's own pose at time `t` (no cross-fade).
    public func pose(at t: Double) -> Pose {
      var p = Pose.mix(.neutral, move.pose(phase: (t - start) / period), amplitude)
      p.x += SynthMath.mix(fromX, toX, SynthMath.smoothstep((t - start) / (end - start)))
      return p
    }
  }

  /// Seconds over which one move blends into the next.
  public static let crossFade = 0.5
  /// The range of hip positions the dancer travels between (the frame is 208 pixels wide).
  public static let stageRange = 62.0...146.0
  /// The farthest a segment moves the dancer, in pixels (at most about 30 pixels per second).
  public static let maximumTravel = 30.0

  public let seed: UInt64
  /// Tempo multiplier chosen by the seed (1 = the moves' base periods).
  public let tempo: Double
  /// Consecutive segments; `segments[i + 1].start == segments[i].end - crossFade`.
  public let segments: [Segment]

  public init(seed: UInt64, duration: Double) {
    self.seed = seed
    var rng = DanceRandom(seed: seed)
    func uniform() -> Double { DanceRandomFloats.uniform(&rng) }
    let stage = Choreography.stageRange
    tempo = 0.8 + 0.45 * uniform()
    var x = stage.lowerBound + (stage.upperBound - stage.lowerBound) * uniform()
    var list: [Segment] = []
    var bag: [Move] = []
    var t = 0.0
    var previous: Move? = nil
    repeat {
      if bag.isEmpty { bag = Choreography.shuffledRepertoire(&rng, avoidingFirst: previous) }
      let move = bag.removeFirst()
      let cycles = 2 + Int(rng.next(below: 3))
      let period = move.basePeriod / tempo * (0.88 + 0.24 * uniform())
      let amplitude = 0.65 + 0.35 * uniform()
      let toX = Choreography.reflect(x + Choreography.maximumTravel * (2 * uniform() - 1), into: stage)
      let end = t + Double(cycles) * period
      list.append(
        Segment(
          move: move, start: t, end: end, period: period, amplitude: amplitude, fromX: x, toX: toX))
      x = toX
      t = end - Choreography.crossFade
      previous = move
    } while t < duration
    segments = list
  }

  /// Every move once, in a seeded order (Fisher-Yates), never starting with `avoidingFirst`.
  static func shuffledRepertoire(_ rng: inout DanceRandom, avoidingFirst: Move?) -> [Move] {
    var moves = Move.allCases
    for i in stride(from: moves.count - 1, to: 0, by: -1) {
      moves.swapAt(i, Int(rng.next(below: UInt32(i + 1))))
    }
    if moves[0] == avoidingFirst {
      moves.swapAt(0, 1 + Int(rng.next(below: UInt32(moves.count - 1))))
    }
    return moves
  }

  /// `x` folded back into `range` at its ends, like a ball between two walls.
  static func reflect(_ x: Double, into range: ClosedRange<Double>) -> Double {
    if x < range.lowerBound { return Swift.min(2 * range.lowerBound - x, range.upperBound) }
    if x > range.upperBound { return Swift.max(2 * range.upperBound - x, range.lowerBound) }
    return x
  }

  // MARK: - Lookup

  /// The index of the last segment starting at or before `t` (0 for t < 0).
  public func segmentIndex(at t: Double) -> Int {
    var lo = 0, hi = segments.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if segments[mid].start <= t { lo = mid } else { hi = mid - 1 }
    }
    return lo
  }

  /// The weight of segment `i` against segment `i - 1` at time `t`: 0 at its start, 1 once the
  /// cross-fade is over.
  func fadeWeight(_ i: Int, at t: Double) -> Double {
    i == 0 ? 1 : SynthMath.smoothstep((t - segments[i].start) / Choreography.crossFade)
  }

  /// The dancer's pose at `t` seconds, cross-faded between moves.
  public func pose(at t: Double) -> Pose {
    let i = segmentIndex(at: t)
    let current = segments[i].pose(at: t)
    let w = fadeWeight(i, at: t)
    return w >= 1 ? current : Pose.mix(segments[i - 1].pose(at: t), current, w)
  }

  /// The move with the larger weight at `t` seconds.
  public func move(at t: Double) -> Move {
    let i = segmentIndex(at: t)
    return fadeWeight(i, at: t) >= 0.5 ? segments[i].move : segments[i - 1].move
  }
}
