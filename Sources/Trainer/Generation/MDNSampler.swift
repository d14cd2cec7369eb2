import Int8Runtime
import RealModule

// MARK: - MDNSampler

/// Draws the next latent from one row of MDN outputs: the float reference that the int8
/// runtime's integer sampler is compared against. Arithmetic is in Double whatever the model's
/// scalar type.
///
/// Two separate temperatures (the original used one for both, and as a variance):
/// - `piTemperature` τπ divides the mixture logits: q = softmax(l / τπ). τπ = 0 means argmax
///   (the first largest logit); τπ = 1 samples the model's own mixture weights.
/// - `sigmaTemperature` τσ scales every standard deviation: τσ = 0 returns the chosen mean.
///
/// Exact draw order from the `DanceRandom`, the same for every temperature (so the stream of
/// draws never depends on τπ or τσ), 1 + 12·D calls of `next()` per sample:
/// 1. one `next()` → u (UInt32). Component k is the smallest k with u / 2³² < q_0 + … + q_k
///    (cumulative sums in Double, left to right). If rounding leaves u / 2³² above the last
///    cumulative sum, k is the last component with q_k > 0.
/// 2. for d = 0, 1, …, D-1 in order: g_d = `gaussianQ12()` / 4096 (Irwin–Hall, 12 `next()` each),
///    z_d = μ_kd + σ_kd · τσ · g_d with σ_kd = exp(clamp(s_kd)) as `MDNLayout` defines.
///
/// ```swift
/// let sampler = try MDNSampler(layout: MDNLayout(mixtures: 2, dims: 1),
///                              piTemperature: 1, sigmaTemperature: 0)
/// var rng = DanceRandom(seed: 3)
/// // means [-1, 4], log-sigmas [0, 0], logits [0, 50]: component 1 all but surely
/// let s = sampler.sample([-1.0, 4, 0, 0, 0, 50], rng: &rng)
/// s.component   // 1
/// s.z           // [4.0]  (τσ = 0: the mean)
/// ```
public struct MDNSampler: Sendable, Equatable {
  public let layout: MDNLayout
  public let piTemperature: Double
  public let sigmaTemperature: Double

  public init(layout: MDNLayout, piTemperature: Double, sigmaTemperature: Double)
    throws(MDNSamplerError)
  {
    guard piTemperature.isFinite && piTemperature >= 0 else {
      throw .invalidTemperature("pi-temperature \(piTemperature) must be finite and >= 0")
    }
    guard sigmaTemperature.isFinite && sigmaTemperature >= 0 else {
      throw .invalidTemperature("sigma-temperature \(sigmaTemperature) must be finite and >= 0")
    }
    self.layout = layout
    self.piTemperature = piTemperature
    self.sigmaTemperature = sigmaTemperature
  }

  /// q = softmax(logits / τπ) for one row of outputs [2KD + K]; one-hot at the first argmax
  /// when τπ = 0.
  public func mixtureProbabilities<S: TrainScalar>(_ row: [S]) -> [Double] {
    precondition(row.count == layout.outputs, "MDN row has \(row.count) values, not \(layout.outputs)")
    let K = layout.mixtures
    let logits = (0..<K).map { Double(row[layout.logit($0)]) }
    var best = 0
    for k in 1..<max(K, 1) where logits[k] > logits[best] { best = k }
    if piTemperature == 0 {
      return (0..<K).map { $0 == best ? 1 : 0 }
    }
    let e = logits.map { Double.exp(($0 - logits[best]) / piTemperature) }
    let sum = e.reduce(0, +)
    return e.map { $0 / sum }
  }

  /// The component picked by one 32-bit draw (step 1 of the draw order).
  public static func chooseComponent(_ q: [Double], draw u: UInt32) -> Int {
    let x = Double(u) / 4_294_967_296.0
    var cumulative = 0.0
    for k in q.indices {
      cumulative += q[k]
      if x < cumulative { return k }
    }
    return q.lastIndex { $0 > 0 } ?? (q.count - 1)
  }

  /// One sample: (component k, z [D]) in the space the model works in (normalised latents).
  public func sample<S: TrainScalar>(_ row: [S], rng: inout DanceRandom) -> (component: Int, z: [S]) {
    let k = MDNSampler.chooseComponent(mixtureProbabilities(row), draw: rng.next())
    var z = [S](repeating: 0, count: layout.dims)
    for d in 0..<layout.dims {
      let g = Double(rng.gaussianQ12()) / 4096
      let mu = Double(row[layout.mean(k, d)])
      let sigma = MDNLayout.sigma(fromRaw: Double(row[layout.logSigma(k, d)]))
      z[d] = S(mu + sigma * sigmaTemperature * g)
    }
    return (k, z)
  }
}

/// A bad sampling setting, as one line.
public enum MDNSamplerError: Error, Equatable, CustomStringConvertible {
  case invalidTemperature(String)
  case emptyPrimer
  case mismatch(String)

  public var description: String {
    switch self {
    case .invalidTemperature(let why): return "sampling: \(why)"
    case .emptyPrimer: return "generation: no primer latent to start from"
    case .mismatch(let why): return "generation: \(why)"
    }
  }
}

// MARK: - LatentGenerator

/// The float generation loop: carries the LSTM state from frame to frame and keeps the
/// normalisation on both sides of the model on every step.
///
/// Latents going in (the primer) are normalised; each step runs the model once on the current
/// normalised latent, samples the MDN (for a `.delta` model the sample is added to the current
/// latent), feeds the normalised result back as the next input and returns it denormalised.
/// (Feeding back the normalised result equals normalising the returned raw latent, up to
/// rounding.) All randomness comes from `DanceRandom(seed:)` in the order
/// `MDNSampler` documents, one sample per frame.
///
/// ```swift
/// var gen = try LatentGenerator(model: model, normalizer: norm, sampler: sampler, seed: 42,
///                               primer: [trainingLatents[0]])
/// let z1 = gen.next()   // raw latent of the first generated frame
/// let z2 = gen.next()
/// ```
public struct LatentGenerator<Scalar: TrainScalar> {
  public let model: SequenceModel<Scalar>
  public let normalizer: LatentNormalizer
  public let sampler: MDNSampler
  public private(set) var state: SequenceModel<Scalar>.State
  /// The normalised latent that the next step reads.
  public private(set) var current: [Scalar]
  public private(set) var rng: DanceRandom

  /// Runs the model over all primer latents but the last (raw, e.g. consecutive training
  /// latents) to warm up the state; the last one is the input of the first `next()`.
  /// True for a model trained the original's way (`--stateless`): the state is reset to zero
  /// before every step, as the original's generation did.
  public let resetsStateEveryStep: Bool

  public init(
    model: SequenceModel<Scalar>, normalizer: LatentNormalizer, sampler: MDNSampler, seed: UInt64,
    primer: [[Scalar]], resetsStateEveryStep: Bool = false
  ) throws(MDNSamplerError) {
    guard let last = primer.last else { throw .emptyPrimer }
    let D = model.latentSize
    guard normalizer.dims == D else {
      throw .mismatch("the normalizer has \(normalizer.dims) dimensions; the model's latent has \(D)")
    }
    guard sampler.layout == model.layout else {
      throw .mismatch("the sampler's MDN layout differs from the model's")
    }
    for (i, z) in primer.enumerated() where z.count != D || !z.allSatisfy({ $0.isFinite }) {
      throw .mismatch("primer latent \(i) has \(z.count) values, not \(D) finite ones")
    }
    self.model = model
    self.normalizer = normalizer
    self.sampler = sampler
    self.resetsStateEveryStep = resetsStateEveryStep
    rng = DanceRandom(seed: seed)
    state = model.zeroState(batch: 1)
    for z in primer.dropLast() { _ = model.step(normalizer.normalize(z), state: &state) }
    current = normalizer.normalize(last)
  }

  /// The next raw latent.
  public mutating func next() -> [Scalar] {
    if resetsStateEveryStep { state = model.zeroState(batch: 1) }
    let row = model.step(current, state: &state)
    let s = sampler.sample(row, rng: &rng)
    current = s.z
    return normalizer.denormalize(current)
  }
}
