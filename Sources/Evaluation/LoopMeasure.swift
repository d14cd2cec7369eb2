import Trainer

// MARK: - LoopMeasure

/// How often a dance comes back to a pose it already had: the fraction of frames whose latent
/// lies within a distance r of the latent of a frame at least `minLag` frames earlier in the
/// same clip.
///
/// Definition: for each clip z_0 … z_{n−1}, frame t (with t ≥ minLag) *loops* when there is an
/// s ≤ t − minLag with ‖z_t − z_s‖₂ ≤ r. The measure is (looping frames) / (frames with
/// t ≥ minLag), summed over clips. Frames t < minLag have nothing to compare with and are left
/// out of both counts, so the figure does not depend on how many clips the frames were split
/// into.
///
/// The documented default rule (`defaultRadius`), fixed before any model is judged:
/// latents are in the units of the model's `LatentNormalizer` (per dimension, minus the mean
/// and divided by the standard deviation of the *real* training latents; stored in the model
/// file, the units the sequence model works in), and r = 0.5·√D. Equivalently: two latents are
/// "the same pose" when their root-mean-square difference per dimension is at most half a
/// standard deviation of real dance. The generator cannot move this yardstick: it comes from
/// the real frames through the encoder. The same r and units are used for the generated and
/// the held-out real frames, so the two figures compare directly; a choreography repeats by
/// nature, so the real figure is the reference, not 0. A frozen generator scores near 1, and so
/// does a short cycle of period ≥ minLag.
///
/// ```swift
/// // period-10 cycle, 40 frames: frames 10…39 repeat frame t − 10; frames 8, 9 do not
/// try LoopMeasure.fraction([cycle], radius: 0.1, minLag: 8)   // 30 / 32 = 0.9375
/// ```
public enum LoopMeasure {
  /// The default minimum lag, in frames.
  public static let defaultMinLag = 8

  /// r = 0.5·√D, for latents of dimension D in `LatentNormalizer` units (see above).
  public static func defaultRadius(dimension: Int) -> Double { 0.5 * Double(dimension).squareRoot() }

  public struct Result: Sendable, Equatable, Codable {
    /// Frames that loop.
    public var looping: Int
    /// Frames that could loop (t ≥ minLag in their clip).
    public var eligible: Int
    /// looping / eligible; nil when no frame is eligible.
    public var fraction: Double? { eligible == 0 ? nil : Double(looping) / Double(eligible) }

    public init(looping: Int, eligible: Int) {
      self.looping = looping
      self.eligible = eligible
    }

    // JSON: {"eligible": 32, "fraction": 0.9375, "looping": 30}; fraction is null when eligible
    // is 0, and is recomputed (not read) when decoding.
    enum CodingKeys: String, CodingKey { case looping, eligible, fraction }

    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      looping = try c.decode(Int.self, forKey: .looping)
      eligible = try c.decode(Int.self, forKey: .eligible)
    }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(looping, forKey: .looping)
      try c.encode(eligible, forKey: .eligible)
      try c.encode(fraction, forKey: .fraction)
    }
  }

  /// Counts looping frames over `clips` (lists of equal-dimension latents).
  public static func measure(_ clips: [[[Double]]], radius: Double, minLag: Int = defaultMinLag)
    throws -> Result
  {
    guard radius.isFinite && radius >= 0 else {
      throw EvaluationError("loop measure: radius \(radius) must be finite and at least 0")
    }
    guard minLag >= 1 else { throw EvaluationError("loop measure: minimum lag \(minLag) must be at least 1") }
    let d = clips.first(where: { !$0.isEmpty })?.first?.count ?? 0
    let r2 = radius * radius
    var looping = 0, eligible = 0
    for clip in clips {
      guard clip.allSatisfy({ $0.count == d }) else {
        throw EvaluationError("loop measure: latents differ in dimension")
      }
      guard clip.count > minLag else { continue }
      for t in minLag..<clip.count {
        eligible += 1
        let zt = clip[t]
        search: for s in 0...(t - minLag) {
          let zs = clip[s]
          var dist2: Double = 0
          for i in 0..<d {
            let diff = zt[i] - zs[i]
            dist2 += diff * diff
            if dist2 > r2 { continue search }
          }
          looping += 1
          break
        }
      }
    }
    return Result(looping: looping, eligible: eligible)
  }

  /// `measure(...).fraction`: the looping fraction, or nil when no frame is eligible.
  public static func fraction(_ clips: [[[Double]]], radius: Double, minLag: Int = defaultMinLag)
    throws -> Double?
  {
    try measure(clips, radius: radius, minLag: minLag).fraction
  }
}
