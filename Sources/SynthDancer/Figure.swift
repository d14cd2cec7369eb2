// MARK: - Capsule

/// A thick line segment: every point within `radius` of the segment from a to b.
/// A capsule with a == b is a disc.
public struct Capsule: Sendable, Equatable {
  public var ax: Double, ay: Double, bx: Double, by: Double, radius: Double

  public init(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, radius: Double) {
    self.ax = ax
    self.ay = ay
    self.bx = bx
    self.by = by
    self.radius = radius
  }

  /// Signed distance from (x, y) to the capsule's outline (negative inside).
  ///
  /// ```swift
  /// Capsule(0, 0, 10, 0, radius: 2).distance(5, 5)   // 3.0: 5 above the axis, minus the radius
  /// ```
  public func distance(_ x: Double, _ y: Double) -> Double {
    let (qx, qy) = offset(x, y)
    return (qx * qx + qy * qy).squareRoot() - radius
  }

  /// The vector from the nearest point of the axis segment to (x, y).
  @inline(__always)
  func offset(_ x: Double, _ y: Double) -> (Double, Double) {
    let dx = bx - ax, dy = by - ay
    let px = x - ax, py = y - ay
    let len2 = dx * dx + dy * dy
    let h = len2 > 0 ? SynthMath.clamp((px * dx + py * dy) / len2, 0, 1) : 0
    return (px - dx * h, py - dy * h)
  }
}

// MARK: - Body proportions

/// Segment lengths and thicknesses of the synthetic dancer, in pixels, sized for a 208 x 120
/// frame: standing, the figure is about 96 pixels tall with its feet on `floorY`.
public struct BodyProportions: Sendable, Equatable {
  public var torso = 30.0, neck = 3.0, headRadius = 8.0
  public var shoulderHalfWidth = 9.0, hipHalfWidth = 5.0
  public var upperArm = 16.0, forearm = 15.0, thigh = 22.0, shin = 21.0, foot = 5.0
  public var torsoRadius = 8.5, neckRadius = 2.8, shoulderRadius = 5.0, hipRadius = 6.0
  public var upperArmRadius = 3.7, forearmRadius = 3.0, handRadius = 3.2
  public var thighRadius = 5.3, shinRadius = 4.0, footRadius = 2.6
  /// The image row (y grows downward) that the lowest foot touches when `lift` is 0.
  public var floorY = 116.0

  public init() {}

  /// The proportions every synthetic frame uses.
  public static let standard = BodyProportions()
}

// MARK: - Figure

/// A posed body as drawable shapes: forward kinematics from a `Pose`.
///
/// The hips hang at whatever height puts the lowest foot on the floor (minus `lift`), so a
/// squat lowers the body and a kick balances on the other leg without any move having to say so.
///
/// ```swift
/// let f = Figure(pose: Move.squat.pose(phase: 0.5), at: 104)
/// f.shapes.count   // 17: torso, neck, head, shoulders, pelvis, and 6 shapes per side
/// f.centerX        // 104: the hip centre, about which `squash` narrows the figure
/// ```
public struct Figure: Sendable {
  public var shapes: [Capsule]
  /// Horizontal centre of the squash (the hip centre).
  public var centerX: Double
  /// Horizontal scale in (0, 1] applied to the shapes about `centerX` when drawn.
  public var squash: Double

  /// Poses the body; `x` is added to `pose.x` (the choreography's stage position).
  public init(pose: Pose, at x: Double = 0, body: BodyProportions = .standard) {
    let b = body
    let hx = pose.x + x
    let sinLean = SynthMath.sin(pose.lean), cosLean = SynthMath.cos(pose.lean)
    let up = (sinLean, -cosLean)  // along the torso, toward the head
    let across = (cosLean, sinLean)  // along the shoulders, toward +x

    // Limb direction for side s (-1 = left, +1 = right) at angle a from straight down,
    // optionally turned with the torso.
    func limb(_ s: Double, _ a: Double, turned: Bool) -> (Double, Double) {
      let lx = s * SynthMath.sin(a), ly = SynthMath.cos(a)
      return turned ? (lx * cosLean - ly * sinLean, lx * sinLean + ly * cosLean) : (lx, ly)
    }

    // Build with the hip centre at y = 0, then shift down onto the floor.
    var shapes: [Capsule] = []
    shapes.reserveCapacity(17)
    let neckX = hx + b.torso * up.0, neckY = b.torso * up.1
    let headA = pose.lean + pose.headTilt
    let headX = neckX + (b.neck + b.headRadius) * SynthMath.sin(headA)
    let headY = neckY - (b.neck + b.headRadius) * SynthMath.cos(headA)
    shapes.append(
      Capsule(
        hx + 2 * up.0, 2 * up.1, neckX - 6 * up.0, neckY - 6 * up.1, radius: b.torsoRadius))
    shapes.append(Capsule(neckX, neckY, headX, headY, radius: b.neckRadius))
    shapes.append(Capsule(headX, headY, headX, headY, radius: b.headRadius))
    let shoulderX = neckX - 2 * up.0, shoulderY = neckY - 2 * up.1
    shapes.append(
      Capsule(
        shoulderX - b.shoulderHalfWidth * across.0, shoulderY - b.shoulderHalfWidth * across.1,
        shoulderX + b.shoulderHalfWidth * across.0, shoulderY + b.shoulderHalfWidth * across.1,
        radius: b.shoulderRadius))
    shapes.append(Capsule(hx - b.hipHalfWidth, 0, hx + b.hipHalfWidth, 0, radius: b.hipRadius))

    var lowestFoot = -Double.infinity  // the lowest point of either leg
    for s in [-1.0, 1.0] {
      let left = s < 0
      let shoulder = left ? pose.leftShoulder : pose.rightShoulder
      let elbow = left ? pose.leftElbow : pose.rightElbow
      let hip = left ? pose.leftHip : pose.rightHip
      let knee = left ? pose.leftKnee : pose.rightKnee
      let sx = shoulderX + s * b.shoulderHalfWidth * across.0
      let sy = shoulderY + s * b.shoulderHalfWidth * across.1
      let u = limb(s, shoulder, turned: true), f = limb(s, shoulder + elbow, turned: true)
      let ex = sx + b.upperArm * u.0, ey = sy + b.upperArm * u.1
      let wx = ex + b.forearm * f.0, wy = ey + b.forearm * f.1
      shapes.append(Capsule(sx, sy, ex, ey, radius: b.upperArmRadius))
      shapes.append(Capsule(ex, ey, wx, wy, radius: b.forearmRadius))
      shapes.append(Capsule(wx, wy, wx, wy, radius: b.handRadius))

      let px = hx + s * b.hipHalfWidth
      let t = limb(s, hip, turned: false), n = limb(s, hip + knee, turned: false)
      let kx = px + b.thigh * t.0, ky = b.thigh * t.1
      let ax = kx + b.shin * n.0, ay = ky + b.shin * n.1
      shapes.append(Capsule(px, 0, kx, ky, radius: b.thighRadius))
      shapes.append(Capsule(kx, ky, ax, ay, radius: b.shinRadius))
      shapes.append(Capsule(ax, ay, ax + s * b.foot, ay, radius: b.footRadius))
      for c in shapes.suffix(3) {
        lowestFoot = Swift.max(lowestFoot, Swift.max(c.ay, c.by) + c.radius)
      }
    }

    let dy = b.floorY - pose.lift - lowestFoot
    for i in shapes.indices {
      shapes[i].ay += dy
      shapes[i].by += dy
    }
    self.shapes = shapes
    self.centerX = hx
    self.squash = SynthMath.clamp(pose.squash, 0.05, 1)
  }
}
