import Trainer

// MARK: - PixelChange

/// Frame-to-frame pixel change of frame sequences, on the 0...255 scale.
///
/// Definition: the change of a step (f_t, f_{t+1}), two consecutive frames inside a clip (never
/// across clips), is the mean over pixels of |f_{t+1} − f_t|. `meanAbsoluteChange` is the mean
/// over all steps (all frames have the same size, so this equals the mean over every pixel of
/// every step). A frozen dance gives 0; flicker and convulsions give large values; the real
/// data's figure is the reference.
///
/// ```swift
/// let a = PixelPlane(width: 2, height: 1, values: [0, 0])
/// let b = PixelPlane(width: 2, height: 1, values: [10, 0])
/// try PixelChange.stepChanges([[a, b, a]])          // [5, 5]
/// try PixelChange.meanAbsoluteChange([[a, b, a]])   // 5
/// ```
public enum PixelChange {
  /// The change of every step, clip after clip.
  public static func stepChanges(_ clips: [[PixelPlane]]) throws -> [Double] {
    var out: [Double] = []
    for clip in clips where clip.count >= 2 {
      for t in 0..<(clip.count - 1) {
        let a = clip[t], b = clip[t + 1]
        guard a.width == b.width && a.height == b.height else {
          throw EvaluationError("pixel change: frames differ in size (\(a.sizeText) vs \(b.sizeText))")
        }
        guard !a.values.isEmpty else { throw EvaluationError("pixel change: frames are empty") }
        var s: Double = 0
        for i in a.values.indices { s += abs(b.values[i] - a.values[i]) }
        out.append(s / Double(a.values.count))
      }
    }
    return out
  }

  /// The mean change per step; nil when no clip has 2 frames.
  public static func meanAbsoluteChange(_ clips: [[PixelPlane]]) throws -> Double? {
    mean(try stepChanges(clips))
  }

  /// The mean of step changes, summed in order; nil for none.
  public static func mean(_ steps: [Double]) -> Double? {
    steps.isEmpty ? nil : steps.reduce(0, +) / Double(steps.count)
  }
}

// MARK: - PixelJumps

/// How often a dance jumps: the share of steps whose pixel change is far above the real dance's
/// typical step.
///
/// Definition: the threshold J is `factor` (3) times the median step change of the real
/// held-out frames (`PixelChange.stepChanges`; the median of an even count is the mean of the
/// two middle values). A step is a jump when its change exceeds J. The same J is applied to the
/// generated and the real steps, so the real rate is the reference: the synthetic dancer's
/// fastest moves stay under it, while a generator that snaps between poses crosses it.
///
/// ```swift
/// let real: [Double] = [1, 2, 2, 3, 9]          // median 2 -> J = 6
/// let j = PixelJumps.threshold(realSteps: real)!   // 6
/// PixelJumps.count([1, 7, 2, 6.5], threshold: j)    // 2 jumps of 4 steps
/// ```
public enum PixelJumps {
  /// J = factor × the real dance's median step change.
  public static let factor = 3.0

  /// Jumps among steps.
  public struct Result: Sendable, Equatable, Codable {
    public var jumps: Int
    public var steps: Int
    /// jumps / steps, or nil when there was no step.
    public var fraction: Double? { steps > 0 ? Double(jumps) / Double(steps) : nil }

    public init(jumps: Int, steps: Int) {
      self.jumps = jumps
      self.steps = steps
    }

    enum CodingKeys: String, CodingKey { case jumps, steps, fraction }

    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      jumps = try c.decode(Int.self, forKey: .jumps)
      steps = try c.decode(Int.self, forKey: .steps)
    }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(jumps, forKey: .jumps)
      try c.encode(steps, forKey: .steps)
      try c.encode(fraction, forKey: .fraction)
    }
  }

  /// `factor` × the median of the real steps; nil when there are none.
  public static func threshold(realSteps: [Double]) -> Double? {
    guard !realSteps.isEmpty else { return nil }
    let s = realSteps.sorted()
    let n = s.count
    let median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    return factor * median
  }

  /// Steps whose change exceeds `threshold`.
  public static func count(_ steps: [Double], threshold: Double) -> Result {
    Result(jumps: steps.filter { $0 > threshold }.count, steps: steps.count)
  }
}
