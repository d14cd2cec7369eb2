// MARK: - Pose

/// One instant of the synthetic dancer: joint angles, where the figure stands, and how it turns.
///
/// The dancer faces the viewer. Sides are named as seen in the image: `left` is toward x = 0.
/// Limb angles are in radians, measured from straight down, positive away from the body's
/// midline, so 0 is a hanging arm, pi/2 an arm held out sideways and pi an arm straight up.
/// Elbow and knee values are added to the upper segment's angle to give the lower segment's.
///
/// ```swift
/// var p = Pose.neutral
/// p.leftShoulder = SynthMath.deg(90)   // left arm out sideways
/// p.lift = 6                           // 6 pixels off the floor (a jump)
/// let halfway = Pose.mix(.neutral, p, 0.5)  // left arm at about 50 degrees, lift 3
/// ```
public struct Pose: Sendable, Equatable {
  /// Horizontal position of the hip centre on the stage, in pixels from the image's left edge.
  public var x: Double
  /// Height of the lowest foot above the floor, in pixels (0 = standing, > 0 = airborne).
  public var lift: Double
  /// Upper-body tilt at the hips (radians, positive leans toward +x).
  public var lean: Double
  /// Head tilt relative to the torso (radians).
  public var headTilt: Double
  public var leftShoulder: Double
  public var rightShoulder: Double
  public var leftElbow: Double
  public var rightElbow: Double
  public var leftHip: Double
  public var rightHip: Double
  /// Negative values fold the shin back toward the midline (a bent knee seen from the front).
  public var leftKnee: Double
  public var rightKnee: Double
  /// Horizontal scale of the whole figure about `x`, in (0, 1]: a turn seen from the front.
  public var squash: Double

  public init(
    x: Double, lift: Double = 0, lean: Double = 0, headTilt: Double = 0,
    leftShoulder: Double, rightShoulder: Double, leftElbow: Double, rightElbow: Double,
    leftHip: Double, rightHip: Double, leftKnee: Double, rightKnee: Double, squash: Double = 1
  ) {
    self.x = x
    self.lift = lift
    self.lean = lean
    self.headTilt = headTilt
    self.leftShoulder = leftShoulder
    self.rightShoulder = rightShoulder
    self.leftElbow = leftElbow
    self.rightElbow = rightElbow
    self.leftHip = leftHip
    self.rightHip = rightHip
    self.leftKnee = leftKnee
    self.rightKnee = rightKnee
    self.squash = squash
  }

  /// Standing still at x = 0 with arms hanging slightly away from the body.
  public static let neutral = Pose(
    x: 0, leftShoulder: SynthMath.deg(12), rightShoulder: SynthMath.deg(12),
    leftElbow: SynthMath.deg(6), rightElbow: SynthMath.deg(6), leftHip: SynthMath.deg(5),
    rightHip: SynthMath.deg(5), leftKnee: 0, rightKnee: 0)

  // MARK: - Blending

  /// Component-wise linear blend: `w = 0` gives `a`, `w = 1` gives `b`.
  public static func mix(_ a: Pose, _ b: Pose, _ w: Double) -> Pose {
    func m(_ k: KeyPath<Pose, Double>) -> Double { SynthMath.mix(a[keyPath: k], b[keyPath: k], w) }
    return Pose(
      x: m(\.x), lift: m(\.lift), lean: m(\.lean), headTilt: m(\.headTilt),
      leftShoulder: m(\.leftShoulder), rightShoulder: m(\.rightShoulder),
      leftElbow: m(\.leftElbow), rightElbow: m(\.rightElbow), leftHip: m(\.leftHip),
      rightHip: m(\.rightHip), leftKnee: m(\.leftKnee), rightKnee: m(\.rightKnee),
      squash: m(\.squash))
  }

  /// The same pose seen in a mirror: left and right limbs swapped, lean and tilt negated
  /// (the stage position `x` is kept).
  public var mirrored: Pose {
    Pose(
      x: x, lift: lift, lean: -lean, headTilt: -headTilt, leftShoulder: rightShoulder,
      rightShoulder: leftShoulder, leftElbow: rightElbow, rightElbow: leftElbow,
      leftHip: rightHip, rightHip: leftHip, leftKnee: rightKnee, rightKnee: leftKnee,
      squash: squash)
  }
}
