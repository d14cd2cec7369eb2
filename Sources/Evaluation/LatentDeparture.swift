// MARK: - LatentDeparture

/// How long the int8 dance follows the float dance of the same seed: with one seed both draw
/// the same noise (`DanceRandom`), so the two latents at step t differ only by the int8 path's
/// rounding, until that rounding tips one mixture choice the other way and the dances part.
///
/// Definition: the distance at step t (t = 1 is the first generated latent) is the RMS over
/// the D dimensions of z8_t − zf_t, in normalised latent units (one unit = one standard
/// deviation of the real dance per dimension). The dance departs at the first step whose
/// distance exceeds `threshold` = 0.5: half a real standard deviation per dimension, the same
/// radius as the loop measure's (‖Δ‖ > 0.5·√D), so "departed" means the two poses would not
/// count as the same pose. Nil when it never does within the clip.
///
/// ```swift
/// let float: [[Double]] = [[0, 0], [1, 1], [2, 2]]
/// let int8: [[Double]] = [[0, 0.1], [1, 1.2], [3, 2]]
/// let d = LatentDeparture.distances(int8, float)    // [0.0707, 0.1414, 0.7071]
/// LatentDeparture.firstDeparture(d)                 // 3
/// LatentDeparture.median([5, nil, 2])               // 5 (nil counts as later than any step)
/// ```
public enum LatentDeparture {
  /// Departure distance: RMS per dimension, normalised latent units.
  public static let threshold = 0.5

  /// The RMS over dimensions of a_t − b_t at each step both clips have.
  public static func distances(_ a: [[Double]], _ b: [[Double]]) -> [Double] {
    zip(a, b).map { x, y in
      precondition(x.count == y.count && !x.isEmpty, "latents differ in dimension")
      var s: Double = 0
      for (u, v) in zip(x, y) { s += (u - v) * (u - v) }
      return (s / Double(x.count)).squareRoot()
    }
  }

  /// The first step (1-based) whose distance exceeds `threshold`; nil if none does.
  public static func firstDeparture(_ distances: [Double], threshold: Double = threshold) -> Int? {
    distances.firstIndex { $0 > threshold }.map { $0 + 1 }
  }

  /// The median departure step over seeds, nil (never departing) counting as later than every
  /// step; for an even count the lower middle one. Nil when that middle seed never departs.
  public static func median(_ steps: [Int?]) -> Int? {
    guard !steps.isEmpty else { return nil }
    let sorted = steps.sorted { a, b in
      switch (a, b) {
      case (let x?, let y?): return x < y
      case (.some, nil): return true
      default: return false
      }
    }
    return sorted[(sorted.count - 1) / 2]
  }
}
