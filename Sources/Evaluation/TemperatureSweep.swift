import Trainer

// MARK: - TemperatureSweep

/// The dance measures of `dancenet eval` over a small grid of sampling temperatures, and the
/// grid point a fixed rule picks as the model's default temperatures.
///
/// Grid (`Grid.standard`): τπ ∈ {0.3, 0.5, 1} × τσ ∈ {0.5, 1}. τπ = 1 samples the model's own
/// mixture weights; 0.5 and 0.3 sharpen the choice of component, which is where the frame-to-
/// frame jumps come from (the mixture switching between distant poses from one frame to the
/// next). τσ = 1 keeps each Gaussian's own spread and 0.5 halves the noise drawn every frame;
/// τσ = 0 is left out because it removes that noise altogether and the dance is then fixed by
/// the component choices alone. Each point generates `framesPerSeed` frames from each of the
/// seeds (1, 2, ..., starting from stored start latents spread as in the main comparison): 8 × 125
/// = 1,000 frames, a quarter of the main comparison's, so the sweep costs about 1.5 main
/// comparisons. Fréchet distances grow as samples shrink, so compare the points with each other,
/// not with the main comparison's figures.
///
/// The rule (`choose`): rank the points by velocity Fréchet distance (small first) and by the
/// distance of their jump rate from the real dance's (close first); the smallest sum of the two
/// ranks wins; ties go to the smaller velocity Fréchet distance, then to the earlier grid point.
/// Ranks are competition ranks (equal values share the best rank). A point without a jump rate
/// (no steps) ranks last on that measure.
///
/// ```swift
/// // velocity FD [3.1, 2.6, 2.9], jump-rate distance [0.08, 0.01, 0.003]
/// // ranks: velocity [3, 1, 2], jumps [3, 2, 1] -> sums [6, 3, 3] -> point 1 (FD 2.6 < 2.9)
/// ```
public struct TemperatureSweep: Sendable, Equatable, Codable {
  /// Which temperatures and how many frames.
  public struct Grid: Sendable, Equatable {
    public var piTemperatures: [Double]
    public var sigmaTemperatures: [Double]
    public var seeds: Int
    public var framesPerSeed: Int

    public init(piTemperatures: [Double], sigmaTemperatures: [Double], seeds: Int, framesPerSeed: Int) {
      self.piTemperatures = piTemperatures
      self.sigmaTemperatures = sigmaTemperatures
      self.seeds = seeds
      self.framesPerSeed = framesPerSeed
    }

    public static let standard = Grid(
      piTemperatures: [0.3, 0.5, 1], sigmaTemperatures: [0.5, 1], seeds: 8, framesPerSeed: 125)

    /// Every (τπ, τσ), τπ-major.
    public var points: [SamplingTemperatures] {
      piTemperatures.flatMap { pi in sigmaTemperatures.map { SamplingTemperatures(pi: pi, sigma: $0) } }
    }

    /// Nil when usable, else one line.
    public var problem: String? {
      if points.isEmpty { return "the temperature grid is empty" }
      for p in points { if let e = SamplingTemperatures.problem(pi: p.pi, sigma: p.sigma) { return e } }
      if seeds < 1 { return "the sweep needs at least 1 seed" }
      if framesPerSeed < 2 { return "the sweep needs at least 2 frames per seed" }
      return nil
    }
  }

  /// The dance measures of one grid point (generated side; the real side is the report's).
  public struct Point: Sendable, Equatable, Codable {
    public var piTemperature: Double
    public var sigmaTemperature: Double
    public var latentFrechet: FrechetDistance.Result
    public var velocityFrechet: FrechetDistance.Result
    public var loop: LoopMeasure.Result
    @AlwaysEncoded public var latentSpeed: Double?
    @AlwaysEncoded public var pixelChange: Double?
    public var jumps: PixelJumps.Result

    public init(
      temperatures: SamplingTemperatures, latentFrechet: FrechetDistance.Result,
      velocityFrechet: FrechetDistance.Result, loop: LoopMeasure.Result, latentSpeed: Double?,
      pixelChange: Double?, jumps: PixelJumps.Result
    ) {
      piTemperature = temperatures.pi
      sigmaTemperature = temperatures.sigma
      self.latentFrechet = latentFrechet
      self.velocityFrechet = velocityFrechet
      self.loop = loop
      self.latentSpeed = latentSpeed
      self.pixelChange = pixelChange
      self.jumps = jumps
    }

    public var temperatures: SamplingTemperatures {
      SamplingTemperatures(pi: piTemperature, sigma: sigmaTemperature)
    }
  }

  public var seeds: [UInt64]
  public var framesPerSeed: Int
  public var points: [Point]
  /// The temperatures `choose` picked.
  public var chosenPiTemperature: Double
  public var chosenSigmaTemperature: Double

  /// Applies the rule to `points` against the real dance's jump rate.
  public init(seeds: [UInt64], framesPerSeed: Int, points: [Point], realJumpRate: Double?) {
    precondition(!points.isEmpty, "a sweep has points")
    self.seeds = seeds
    self.framesPerSeed = framesPerSeed
    self.points = points
    let best = points[Self.choose(points, realJumpRate: realJumpRate)]
    chosenPiTemperature = best.piTemperature
    chosenSigmaTemperature = best.sigmaTemperature
  }

  public var chosen: SamplingTemperatures {
    SamplingTemperatures(pi: chosenPiTemperature, sigma: chosenSigmaTemperature)
  }

  // MARK: - The rule

  /// The index of the point the rule picks (see the type's documentation).
  public static func choose(_ points: [Point], realJumpRate: Double?) -> Int {
    let velocity = points.map(\.velocityFrechet.distance)
    let jumpGap = points.map { p -> Double in
      guard let g = p.jumps.fraction else { return .infinity }
      return abs(g - (realJumpRate ?? 0))
    }
    let rv = ranks(velocity)
    let rj = ranks(jumpGap)
    var best = 0
    for i in points.indices.dropFirst() {
      let (a, b) = (rv[i] + rj[i], rv[best] + rj[best])
      if a < b || (a == b && velocity[i] < velocity[best]) { best = i }
    }
    return best
  }

  /// Competition ranks, 1 = smallest; NaN counts as largest.
  ///
  /// ```swift
  /// TemperatureSweep.ranks([0.5, 0.2, 0.5, 0.9])   // [2, 1, 2, 4]
  /// ```
  public static func ranks(_ values: [Double]) -> [Int] {
    func key(_ x: Double) -> Double { x.isNaN ? .infinity : x }
    return values.map { v in 1 + values.filter { key($0) < key(v) }.count }
  }
}
