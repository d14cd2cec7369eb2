import Trainer

// MARK: - PixelChange

/// Mean absolute frame-to-frame pixel change of frame sequences, on the 0...255 scale.
///
/// Definition: over every pair of consecutive frames (f_t, f_{t+1}) inside a clip (never across
/// clips), the mean over pixels of |f_{t+1} − f_t|; then the mean over all such pairs. All
/// frames have the same size, so this equals the mean over every pixel of every pair. A frozen
/// dance gives 0; flicker and convulsions give large values; the real data's figure is the
/// reference.
///
/// ```swift
/// let a = PixelPlane(width: 2, height: 1, values: [0, 0])
/// let b = PixelPlane(width: 2, height: 1, values: [10, 0])
/// try PixelChange.meanAbsoluteChange([[a, b, a]])   // pairs give 5 and 5 -> 5
/// ```
public enum PixelChange {
  /// The mean absolute change; nil when no clip has 2 frames.
  public static func meanAbsoluteChange(_ clips: [[PixelPlane]]) throws -> Double? {
    var sum: Double = 0
    var pairs = 0
    for clip in clips where clip.count >= 2 {
      for t in 0..<(clip.count - 1) {
        let a = clip[t], b = clip[t + 1]
        guard a.width == b.width && a.height == b.height else {
          throw EvaluationError("pixel change: frames differ in size (\(a.sizeText) vs \(b.sizeText))")
        }
        guard !a.values.isEmpty else { throw EvaluationError("pixel change: frames are empty") }
        var s: Double = 0
        for i in a.values.indices { s += abs(b.values[i] - a.values[i]) }
        sum += s / Double(a.values.count)
        pairs += 1
      }
    }
    return pairs == 0 ? nil : sum / Double(pairs)
  }
}
