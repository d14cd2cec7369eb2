import Trainer

// MARK: - LatentVelocities

/// Frame-to-frame differences of latent sequences, clip by clip.
///
/// A dance is given as a list of clips (one per seed for generated dance, one per contiguous
/// held-out stretch for real dance); a difference is never taken across two clips. A clip of n
/// frames gives n − 1 velocities; clips shorter than 2 frames give none.
///
/// ```swift
/// let clips: [[[Double]]] = [[[0, 0], [1, 2], [1, 5]], [[9, 9]], [[0, 1], [0, 0]]]
/// LatentVelocities.velocities(clips)   // [[1, 2], [0, 3], [0, -1]]
/// LatentVelocities.speeds(clips[0])    // [√5, 3]
/// ```
public enum LatentVelocities {
  /// All velocities v_t = z_{t+1} − z_t of every clip, in clip order.
  public static func velocities(_ clips: [[[Double]]]) -> [[Double]] {
    var out: [[Double]] = []
    for clip in clips where clip.count >= 2 {
      for t in 0..<(clip.count - 1) {
        out.append(zip(clip[t + 1], clip[t]).map { $0 - $1 })
      }
    }
    return out
  }

  /// The Euclidean length ‖z_{t+1} − z_t‖ of each step of one clip (n − 1 values): the curve of
  /// latent speed over time. Near 0 means a frozen dancer; spikes mean convulsions.
  public static func speeds(_ clip: [[Double]]) -> [Double] {
    guard clip.count >= 2 else { return [] }
    return (0..<(clip.count - 1)).map { t in
      var s: Double = 0
      for (a, b) in zip(clip[t + 1], clip[t]) { s += (a - b) * (a - b) }
      return s.squareRoot()
    }
  }

  /// The mean step length over all steps of all clips; nil when no clip has 2 frames.
  public static func meanSpeed(_ clips: [[[Double]]]) -> Double? {
    var sum: Double = 0, count = 0
    for clip in clips {
      for s in speeds(clip) {
        sum += s
        count += 1
      }
    }
    return count == 0 ? nil : sum / Double(count)
  }
}
