// MARK: - Move

/// The synthetic dancer's repertoire: named moves, each a smooth periodic pose trajectory.
///
/// `pose(phase:)` gives the full-amplitude pose for a phase in [0, 1) of one cycle; phase 0 and
/// phase 1 give the same pose, and every component is a smooth function of phase, so a move can
/// repeat any number of times without a jump. Stage position `x` in the result is an offset
/// from wherever the choreography has placed the dancer (a side step sways around it).
///
/// ```swift
/// let m = Move.squat
/// m.name                          // "squat"
/// m.pose(phase: 0.5).leftKnee     // -1.54: deepest point, knees folded by 88 degrees
/// m.basePeriod                    // 1.8 seconds per cycle before the seed's tempo changes it
/// ```
public enum Move: Int, CaseIterable, Sendable {
  case armWave, sideStep, squat, kick, jump, turn, point, sway

  /// A short lowercase name for labels and logs.
  public var name: String {
    switch self {
    case .armWave: return "arm-wave"
    case .sideStep: return "side-step"
    case .squat: return "squat"
    case .kick: return "kick"
    case .jump: return "jump"
    case .turn: return "turn"
    case .point: return "point"
    case .sway: return "sway"
    }
  }

  /// Seconds per cycle at tempo 1.
  public var basePeriod: Double {
    switch self {
    case .armWave: return 1.6
    case .sideStep: return 1.4
    case .squat: return 1.8
    case .kick: return 2.2
    case .jump: return 1.1
    case .turn: return 2.4
    case .point: return 1.4
    case .sway: return 2.2
    }
  }

  /// The pose at `phase` (any real number; only its fractional part matters) at full amplitude.
  public func pose(phase: Double) -> Pose {
    let phi = phase - phase.rounded(.down)
    let angle = 2 * Double.pi * phi
    let s = SynthMath.sin(angle), c = SynthMath.cos(angle)
    let d = SynthMath.deg
    var p = Pose.neutral
    switch self {
    case .armWave:
      // A wave travelling from the left hand to the right: each joint lags the one before it.
      p.leftShoulder = d(95) + d(45) * s
      p.leftElbow = d(45) * SynthMath.sin(angle - 0.9)
      p.rightShoulder = d(95) + d(45) * SynthMath.sin(angle - 1.3)
      p.rightElbow = d(45) * SynthMath.sin(angle - 2.2)
      p.headTilt = d(7) * SynthMath.sin(angle - 0.6)
      p.lean = d(4) * SynthMath.sin(angle - 0.6)
      bounce(&p, depth: 0.5 - 0.5 * SynthMath.cos(2 * angle), knee: d(12))

    case .sideStep:
      // Travel right while the right leg opens, then back while the left leg opens.
      p.x = 9 * s
      let open = 0.5 + 0.5 * c
      p.rightHip = d(4 + 16 * open)
      p.leftHip = d(4 + 16 * (1 - open))
      p.leftShoulder = d(30 + 25 * open)
      p.rightShoulder = d(30 + 25 * (1 - open))
      p.leftElbow = d(70)
      p.rightElbow = d(70)
      p.headTilt = d(5) * s
      bounce(&p, depth: 0.5 - 0.5 * SynthMath.cos(2 * angle), knee: d(14))

    case .squat:
      let depth = 0.5 - 0.5 * c
      p.leftHip = d(6 + 42 * depth)
      p.rightHip = p.leftHip
      p.leftKnee = -d(88 * depth)
      p.rightKnee = p.leftKnee
      p.leftShoulder = d(15 + 70 * depth)
      p.rightShoulder = p.leftShoulder

    case .kick:
      // First half: a side kick with the left leg; second half: the mirror image.
      let u = 2 * phi - (2 * phi).rounded(.down)
      let su = SynthMath.sin(Double.pi * u), cu = SynthMath.cos(Double.pi * u)
      let k = su * su
      p.leftHip = d(6 + 68 * k)
      p.leftKnee = -d(50) * 4 * k * cu * cu  // chambered on the way up and down, straight at the top
      p.rightHip = d(6)  // the same as the kicking leg at rest, so the mirrored half joins smoothly
      p.lean = d(12) * k
      p.leftShoulder = d(20 + 65 * k)
      p.rightShoulder = p.leftShoulder
      p.leftElbow = d(20)
      p.rightElbow = d(20)
      if phi >= 0.5 { p = p.mirrored }

    case .jump:
      // Crouch at phase 0, take off at 0.25, peak at 0.5, land at 0.75.
      let v = angle - Double.pi / 2
      let air = Swift.max(0, SynthMath.sin(v))
      let crouch = Swift.max(0, -SynthMath.sin(v))
      p.lift = 11 * air
      p.leftHip = d(5 + 18 * crouch + 6 * air)
      p.rightHip = p.leftHip
      p.leftKnee = -d(40 * crouch + 10 * air)
      p.rightKnee = p.leftKnee
      p.leftShoulder = d(25 + 120 * (0.5 - 0.5 * c))
      p.rightShoulder = p.leftShoulder
      p.leftElbow = d(15)
      p.rightElbow = d(15)

    case .turn:
      // One full turn: the figure narrows twice (seen side-on) and the raised arm changes
      // side at each narrowing, as the back and then the front come into view.
      p.squash = 1 - 0.72 * (0.5 - 0.5 * SynthMath.cos(2 * angle))
      var a = Pose.neutral
      a.leftShoulder = d(160)
      a.leftElbow = d(25)
      a.rightShoulder = d(30)
      a.rightElbow = d(60)
      let w =
        SynthMath.smoothstep((phi - 0.075) / 0.35) - SynthMath.smoothstep((phi - 0.575) / 0.35)
      let arms = Pose.mix(a, a.mirrored, w)
      p.leftShoulder = arms.leftShoulder
      p.rightShoulder = arms.rightShoulder
      p.leftElbow = arms.leftElbow
      p.rightElbow = arms.rightElbow
      p.leftHip = d(3)
      p.rightHip = d(3)

    case .point:
      // Right arm points up and out, left hand on the hip; then the mirror image.
      var a = Pose.neutral
      a.rightShoulder = d(145)
      a.rightElbow = 0
      a.leftShoulder = d(40)
      a.leftElbow = -d(85)
      a.lean = d(5)
      a.leftHip = d(10)
      a.rightHip = d(3)
      a.leftKnee = -d(8)
      a.x = -3
      p = Pose.mix(a, a.mirrored, 0.5 - 0.5 * c)
      p.x = -3 * c

    case .sway:
      p.lean = d(10) * s
      p.x = -4 * s
      p.headTilt = d(6) * s
      p.leftShoulder = d(150 + 12 * s)
      p.rightShoulder = d(150 - 12 * s)
      p.leftElbow = d(20)
      p.rightElbow = d(20)
      bounce(&p, depth: 0.5 - 0.5 * SynthMath.cos(2 * angle), knee: d(8))
    }
    return p
  }

  /// Bends both knees by `depth * knee` (depth in [0, 1]) with the thighs opening half as much.
  private func bounce(_ p: inout Pose, depth: Double, knee: Double) {
    p.leftHip += 0.5 * knee * depth
    p.rightHip += 0.5 * knee * depth
    p.leftKnee -= knee * depth
    p.rightKnee -= knee * depth
  }
}
