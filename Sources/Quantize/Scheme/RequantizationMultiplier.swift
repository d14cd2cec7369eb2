import Foundation

// MARK: - RequantizationMultiplier

/// The int32 multiplier M and right shift r that stand for a real multiplier m = M · 2^−r
/// (docs/INT8.md, "Requantisation"): r = 30 − ⌊log2 m⌋ clamped to 1...62, M = round(m · 2^r),
/// and when rounding reaches 2^31, M = 2^30 with r − 1. So M is in [2^30, 2^31) unless r was
/// clamped, and the relative error of m is below 2^−31.
///
/// ```swift
/// let q = RequantizationMultiplier(0.0123)
/// q.multiplier   // 1_690_499_128
/// q.shift        // 37
/// q.real         // 0.0123 (to 1e-10)
/// RequantizationMultiplier(0).multiplier   // 0: a dead channel
/// ```
public struct RequantizationMultiplier: Sendable, Equatable {
  public let multiplier: Int32
  public let shift: Int8

  public init(_ m: Double) {
    precondition(m.isFinite && m >= 0, "a requantisation multiplier must be finite and >= 0")
    if m == 0 {
      multiplier = 0
      shift = 1
      return
    }
    var r = 30 - Int(Foundation.floor(Foundation.log2(m)))
    r = min(max(r, 1), 62)
    var big = (m * Foundation.pow(2, Double(r))).rounded()
    if big >= 2_147_483_648 {
      if r > 1 {
        r -= 1
        big = (m * Foundation.pow(2, Double(r))).rounded()
      }
      big = min(big, 2_147_483_647)
    }
    multiplier = Int32(big)
    shift = Int8(r)
  }

  /// The real multiplier M · 2^−r this pair represents.
  public var real: Double { Double(multiplier) * Foundation.pow(2, -Double(shift)) }
}
