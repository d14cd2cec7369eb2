import Int8Runtime
import RealModule

// MARK: - SequenceTrainer

/// Trains a `SequenceModel` on clips of latents with truncated backpropagation through time.
///
/// Data: clips of consecutive latents (a frames folder is one clip, in numeric order; a folder of
/// folders is several). The trainer normalises them (`LatentNormalizer`, fitted on these training
/// clips unless one is given) and concatenates them: N frames. A pair z_t -> z_{t+1} exists only
/// inside a clip.
///
/// Streams and windows (stateful, the default): B streams start at evenly spaced offsets
/// shift + b·N/B (mod N), where `shift` is drawn per epoch, and each walks its own contiguous
/// N/B frames, so that every pair is trained on exactly once per epoch. A stream's walk is cut
/// into windows of up to T pairs; a window never crosses a clip boundary: it ends early there
/// (the rest of the window is padding with weight 0), and the stream's next window starts the
/// next clip with its state reset to zero. A full window passes its final (h, c) to the stream's
/// next window. All B streams step together: one optimiser update per window.
///
/// Stateless ablation (`Options.stateless`, the original's way): windows of length 1 from zero state,
/// i.e. independent pairs z_t -> z_{t+1}, with B·T streams so that each update sees as many pairs
/// as in stateful training (16 × 16 = 256 by default; the original's batch was 1024).
///
/// Per update: zero grads, forward + backward (dropout masks drawn in training only), then the
/// NaN/Inf guard: a non-finite loss or gradient skips the update (nothing reaches the weights),
/// resets every stream's state and is counted; `maxConsecutiveNonFinite` skips in a row stop
/// training with an error. Otherwise gradients are clipped to a global L2 norm of `clipNorm` and
/// Adam steps.
///
/// Determinism and resume: epoch e draws everything from `DanceRandom(seed: epochSeed(seed, e))`:
/// first the shift, `next(below: N)`; then, update by update: for each stream in order whose window
/// carries state, one `next(below: 100)` when `stateResetPercent` > 0; B·T·D `gaussianQ12()` for the input noise when `inputNoise` > 0 (row-major over the window, padding
/// included); the dropout masks. With these options 0 nothing extra is drawn. Stream
/// states and the skip counter start fresh each epoch, so a run resumed at an epoch boundary from
/// (weights, `optimizer.stateArrays`, `optimizer.steps`) ends bit-identical to an uninterrupted run.
/// Training and held-out NLL run with OpenBLAS on one thread (`BLASThreads`), as the VAE's
/// steps do, so the bytes do not depend on the OpenBLAS thread count either (tiny preset, 2
/// epochs: held-out NLL 34.504993546 on one thread and 34.505237614 on two before this).
///
/// ```swift
/// let model = SequenceModel<Float>(preset: .tiny, seed: 1)
/// var trainer = try SequenceTrainer(model: model, trainingClips: clips, options: .init())
/// for e in 0..<10 {
///   let r = try trainer.trainEpoch(e) { print($0.step, $0.loss) }
///   print(r.meanLoss, try trainer.evaluate(heldOut: held, mode: .stateful))
/// }
/// ```
public struct SequenceTrainer<Scalar: TrainScalar> {
  public struct Options: Sendable, Equatable {
    /// T, pairs per window (truncated BPTT length). 16 (1.6 s at 10 fps): on the tiny preset
    /// 16 × 16 windows (4× the updates per epoch) generalised better than 16 × 64.
    public var windowLength = 16
    /// B, parallel streams: 16 × 16 = 256 pairs per update.
    public var streams = 16
    /// Adam's learning rate; 5e-4 is the original's.
    public var learningRate = 5e-4
    /// Global gradient-norm clip. 1.0 as in Sketch-RNN: the loss is a mean per pair, so typical
    /// norms are O(1) and the clip only bites on the rare exploding step.
    public var clipNorm = 1.0
    /// Dropout after each LSTM in training, percent; nil takes the preset's.
    public var dropoutPercent: Int? = nil
    /// The original's first-order ablation: windows of one step from zero state.
    public var stateless = false
    /// The axes of the normalised latents the model sees (`LatentNormalizer.Axes`); used when
    /// the trainer fits its own normalizer.
    public var latentAxes = LatentNormalizer.Axes.standard
    /// Standard deviation of Gaussian noise added to every training input latent, in normalised
    /// units (targets stay clean); 0 = none. It keeps the model from leaning on exact input
    /// values and, at generation, from the small errors of its own samples.
    public var inputNoise = 0.0
    /// Chance, percent, that a stream drops its carried state and starts a window from zero;
    /// 0 = never (state is carried within an epoch's walk).
    public var stateResetPercent = 0
    public var seed: UInt64 = 1
    /// Non-finite steps in a row that stop training.
    public var maxConsecutiveNonFinite = 5

    public init() {}

    /// Nil when usable, else a one-line reason.
    public var validationError: String? {
      if windowLength < 1 { return "window length \(windowLength) must be at least 1" }
      if streams < 1 { return "streams \(streams) must be at least 1" }
      if !(learningRate.isFinite && learningRate > 0) {
        return "learning rate \(learningRate) must be positive"
      }
      if !(clipNorm.isFinite && clipNorm > 0) { return "gradient clip \(clipNorm) must be positive" }
      if let d = dropoutPercent, d < 0 || d >= 100 { return "dropout \(d)% must be in 0..<100" }
      if !(inputNoise.isFinite && inputNoise >= 0) {
        return "input noise \(inputNoise) must be 0 or more"
      }
      if stateResetPercent < 0 || stateResetPercent > 100 {
        return "state reset chance \(stateResetPercent)% must be in 0...100"
      }
      if maxConsecutiveNonFinite < 1 { return "max consecutive non-finite steps must be >= 1" }
      return nil
    }
  }

  /// Reported after every update (or skip).
  public struct StepReport: Sendable {
    public let epoch: Int
    public let step: Int
    public let stepsInEpoch: Int
    /// Weighted mean NLL of the window (before the update).
    public let loss: Double
    /// Global gradient norm before clipping (non-finite when skipped).
    public let gradientNorm: Double
    /// Why the update was skipped (a non-finite loss or gradient, named), or nil if it was applied.
    public let problem: String?
    public var skipped: Bool { problem != nil }
  }

  public struct EpochReport: Sendable {
    public let epoch: Int
    /// Mean training NLL per pair over the updates that were not skipped.
    public let meanLoss: Double
    public let steps: Int
    public let skippedSteps: Int
    public let pairs: Int
  }

  public let model: SequenceModel<Scalar>
  public let normalizer: LatentNormalizer
  public let options: Options
  public var optimizer: Adam<Scalar>
  /// Skipped (non-finite) updates since this trainer was made.
  public private(set) var skippedSteps = 0

  /// Normalised frames of all clips, concatenated: [N, D].
  let frames: [Scalar]
  /// For each frame, the index one past the last frame of its clip.
  let clipEnd: [Int]
  public var frameCount: Int { clipEnd.count }

  public init(
    model: SequenceModel<Scalar>, trainingClips: [[[Scalar]]], normalizer: LatentNormalizer? = nil,
    options: Options
  ) throws(SequenceTrainerError) {
    if let why = options.validationError { throw .invalidOptions(why) }
    let D = model.latentSize
    try SequenceTrainer.validate(trainingClips, dims: D, what: "training")
    let norm: LatentNormalizer
    if let normalizer {
      norm = normalizer
    } else {
      do throws(LatentNormalizerError) {
        norm = try LatentNormalizer.fit(clips: trainingClips, axes: options.latentAxes)
      } catch {
        throw .invalidData(error.description)
      }
    }
    guard norm.dims == D else {
      throw .invalidData("normalizer has \(norm.dims) dimensions; the model's latent has \(D)")
    }
    var frames: [Scalar] = []
    var clipEnd: [Int] = []
    for clip in trainingClips {
      let end = clipEnd.count + clip.count
      for z in clip {
        frames.append(contentsOf: norm.normalize(z))
        clipEnd.append(end)
      }
    }
    self.model = model
    self.normalizer = norm
    self.options = options
    self.frames = frames
    self.clipEnd = clipEnd
    optimizer = Adam(count: model.parameters.count, learningRate: Scalar(options.learningRate))
  }

  static func validate(_ clips: [[[Scalar]]], dims: Int, what: String) throws(SequenceTrainerError) {
    var pairs = 0
    for (c, clip) in clips.enumerated() {
      for (f, z) in clip.enumerated() {
        guard z.count == dims else {
          throw .invalidData(
            "\(what) latent \(f) of clip \(c) has \(z.count) values; the model expects \(dims)")
        }
        guard z.allSatisfy({ $0.isFinite }) else {
          throw .invalidData("\(what) latent \(f) of clip \(c) has a non-finite value")
        }
      }
      pairs += max(clip.count - 1, 0)
    }
    guard pairs > 0 else {
      throw .invalidData("\(what) data has no pair of consecutive latents (need a clip of 2+ frames)")
    }
  }

  /// The seed of epoch `epoch`'s generator.
  public static func epochSeed(_ seed: UInt64, _ epoch: Int) -> UInt64 {
    seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch + 1)
  }

  // MARK: - Windows

  /// One planned window of a stream: `length` pairs starting at global frame `start` (frames
  /// of all clips concatenated); `reset` zeroes the stream's state before it.
  public struct PlannedWindow: Equatable, Sendable {
    public let start: Int
    public let length: Int
    public let reset: Bool
  }

  /// Pair z_t -> z_{t+1} exists (both frames in one clip).
  public func isPairStart(_ t: Int) -> Bool { t + 1 < clipEnd[t] }

  /// Window length and stream count actually used (stateless: 1 and B·T).
  public var effectiveWindow: (streams: Int, length: Int) {
    options.stateless
      ? (options.streams * options.windowLength, 1) : (options.streams, options.windowLength)
  }

  /// Each stream's windows in epoch `epoch` (see the type's documentation); the number of
  /// updates in the epoch is the longest list.
  public func plan(epoch: Int) -> [[PlannedWindow]] {
    var rng = DanceRandom(seed: SequenceTrainer.epochSeed(options.seed, epoch))
    return plan(shift: Int(rng.next(below: UInt32(frameCount))))
  }

  func plan(shift: Int) -> [[PlannedWindow]] {
    let N = frameCount
    let (B, T) = effectiveWindow
    let carry = !options.stateless
    return (0..<B).map { b in
      let first = b * N / B
      let segment = (b + 1) * N / B - first
      var windows: [PlannedWindow] = []
      var p = 0
      var carrying = false
      while p < segment {
        let t = (shift + first + p) % N
        if !isPairStart(t) {
          p += 1
          carrying = false
          continue
        }
        // Consecutive pair starts t, t+1, ... stay inside t's clip, so they never wrap past N.
        var length = 1
        while length < T && p + length < segment && isPairStart(t + length) { length += 1 }
        windows.append(PlannedWindow(start: t, length: length, reset: !carrying))
        carrying = carry && length == T
        p += length
      }
      return windows
    }
  }

  // MARK: - Training

  /// One pass over the training pairs; see the type's documentation for the order of things.
  // Specialised for Float in this module, so callers in other modules (the benchmark) run the
  // optimised body rather than unspecialised generic code.
  @_specialize(where Scalar == Float)
  public mutating func trainEpoch(_ epoch: Int, onStep: (StepReport) -> Void = { _ in })
    throws(SequenceTrainerError) -> EpochReport
  {
    try BLASThreads.singleThreaded { () throws(SequenceTrainerError) -> EpochReport in
      try trainEpochOnOneBLASThread(epoch, onStep: onStep)
    }
  }

  private mutating func trainEpochOnOneBLASThread(_ epoch: Int, onStep: (StepReport) -> Void)
    throws(SequenceTrainerError) -> EpochReport
  {
    let D = model.latentSize
    let (B, T) = effectiveWindow
    let dropout = options.dropoutPercent ?? model.preset.dropoutPercent
    let p = model.parameters
    var rng = DanceRandom(seed: SequenceTrainer.epochSeed(options.seed, epoch))
    let plan = plan(shift: Int(rng.next(below: UInt32(frameCount))))
    let steps = plan.map(\.count).max() ?? 0
    var state = model.zeroState(batch: B)
    var consecutive = 0
    var (lossSum, weightSum, skipped, pairs) = (0.0, 0.0, 0, 0)
    for s in 0..<steps {
      var window = SequenceModel<Scalar>.Window(
        inputs: [Scalar](repeating: 0, count: B * T * D),
        targets: [Scalar](repeating: 0, count: B * T * D),
        weights: [Scalar](repeating: 0, count: B * T), batch: B, steps: T)
      for b in 0..<B {
        guard s < plan[b].count else {
          state.reset(stream: b)
          continue
        }
        let w = plan[b][s]
        if w.reset {
          state.reset(stream: b)
        } else if options.stateResetPercent > 0,
          rng.next(below: 100) < UInt32(options.stateResetPercent)
        {
          state.reset(stream: b)
        }
        for tau in 0..<w.length {
          let row = b * T + tau
          let src = (w.start + tau) * D
          for d in 0..<D {
            window.inputs[row * D + d] = frames[src + d]
            window.targets[row * D + d] = frames[src + D + d]
          }
          window.weights![row] = 1
        }
      }
      if options.inputNoise > 0 {
        let sigma = Scalar(options.inputNoise)
        for i in window.inputs.indices {
          window.inputs[i] += sigma * Scalar(rng.gaussianQ12()) / 4096
        }
      }
      let masks = model.dropoutMasks(batch: B, steps: T, percent: dropout, rng: &rng)
      let r = model.trainingStep(window, state: state, dropoutMasks: masks)
      if r.weightTotal == 0 { continue }
      // NaN/Inf guard, then clipping: `clipGradients` returns the norm before clipping and
      // leaves the gradients alone when that norm is not finite.
      var problem: String? = nil
      var norm = Scalar.nan
      if !r.loss.isFinite {
        problem = "the loss is \(r.loss)"
      } else {
        norm = p.clipGradients(maxNorm: Scalar(options.clipNorm))
        if !norm.isFinite {
          problem =
            p.firstNonFiniteGradient().map { "a gradient of \($0) is not finite" }
            ?? "the gradient norm overflows"
        }
      }
      onStep(
        StepReport(
          epoch: epoch, step: s, stepsInEpoch: steps, loss: Double(r.loss),
          gradientNorm: Double(norm), problem: problem))
      if let problem {
        skipped += 1
        skippedSteps += 1
        consecutive += 1
        state = model.zeroState(batch: B)
        if consecutive >= options.maxConsecutiveNonFinite {
          throw .nonFinite(
            "sequence training stopped at epoch \(epoch) step \(s): \(consecutive) updates in a row "
              + "were skipped because \(problem); lower the learning rate or check the latents")
        }
        continue
      }
      consecutive = 0
      optimizer.step(p)
      state = r.finalState
      lossSum += Double(r.loss) * Double(r.weightTotal)
      weightSum += Double(r.weightTotal)
      pairs += Int(r.weightTotal)
    }
    return EpochReport(
      epoch: epoch, meanLoss: weightSum > 0 ? lossSum / weightSum : .nan, steps: steps,
      skippedSteps: skipped, pairs: pairs)
  }

  // MARK: - Evaluation

  /// Mean NLL per pair on held-out raw clips (normalised with this trainer's normalizer).
  public func evaluate(heldOut clips: [[[Scalar]]], mode: SequenceEvaluationMode)
    throws(SequenceTrainerError) -> Double
  {
    try SequenceTrainer.validate(clips, dims: model.latentSize, what: "held-out")
    return BLASThreads.singleThreaded {
      model.meanNLL(
        clips: normalizer.normalize(clips: clips), mode: mode, windowLength: options.windowLength)
    }
  }

  /// The latents of each clip cut by `ClipSplit` (the project's one rule: the last
  /// `heldOutPercent`% of every clip is held out, a contiguous tail, as Keras' `validation_split`
  /// also holds out the end). A part shorter than 2 frames (no pair) is dropped.
  ///
  /// ```swift
  /// let (train, held) = SequenceTrainer<Float>.split(clips, heldOutPercent: 20)
  /// // a 100-frame clip -> frames 0..<80 and 80..<100
  /// ```
  public static func split(_ clips: [[[Scalar]]], heldOutPercent: Int)
    -> (training: [[[Scalar]]], heldOut: [[[Scalar]]])
  {
    let cut = ClipSplit(clipLengths: clips.map(\.count), heldOutPercent: heldOutPercent)
    var training: [[[Scalar]]] = []
    var heldOut: [[[Scalar]]] = []
    for (c, clip) in clips.enumerated() {
      if cut.trainRanges[c].count >= 2 { training.append(Array(clip[cut.trainRanges[c]])) }
      if cut.heldOutRanges[c].count >= 2 { heldOut.append(Array(clip[cut.heldOutRanges[c]])) }
    }
    return (training, heldOut)
  }
}

/// How held-out NLL treats the LSTM state.
public enum SequenceEvaluationMode: Sendable, Equatable {
  /// One run per clip from zero state, carrying (h, c) from step to step (generation's way).
  case stateful
  /// Every pair from zero state (the original's way).
  case stateless
}

// MARK: - Held-out NLL

extension SequenceModel {
  /// Mean NLL per pair z_t -> z_{t+1} over clips of normalised latents, accumulated in Double.
  /// Stateful: each clip runs from zero state in windows of `windowLength`, state carried
  /// between windows. Stateless: all pairs from zero state, in batches of up to 512.
  public func meanNLL(clips: [[[Scalar]]], mode: SequenceEvaluationMode, windowLength: Int = 64)
    -> Double
  {
    let D = latentSize
    var sum = 0.0
    var count = 0.0
    switch mode {
    case .stateful:
      for clip in clips where clip.count >= 2 {
        var state = zeroState(batch: 1)
        var t = 0
        while t < clip.count - 1 {
          let L = min(windowLength, clip.count - 1 - t)
          let w = Window(
            inputs: Array(clip[t..<(t + L)].joined()),
            targets: Array(clip[(t + 1)..<(t + L + 1)].joined()),
            batch: 1, steps: L)
          let r = windowLoss(w, state: state)
          sum += Double(r.loss) * Double(r.weightTotal)
          count += Double(r.weightTotal)
          state = r.finalState
          t += L
        }
      }
    case .stateless:
      var pairs: [(input: [Scalar], target: [Scalar])] = []
      for clip in clips where clip.count >= 2 {
        for t in 0..<(clip.count - 1) {
          pairs.append((clip[t], clip[t + 1]))
        }
      }
      var start = 0
      while start < pairs.count {
        let chunk = pairs[start..<min(start + 512, pairs.count)]
        let w = Window(
          inputs: Array(chunk.map(\.input).joined()), targets: Array(chunk.map(\.target).joined()),
          batch: chunk.count, steps: 1)
        let r = windowLoss(w, state: zeroState(batch: chunk.count))
        sum += Double(r.loss) * Double(r.weightTotal)
        count += Double(r.weightTotal)
        start += chunk.count
      }
    }
    precondition(D > 0)
    return count > 0 ? sum / count : .nan
  }
}

/// Why sequence training could not start or had to stop, as one line.
public enum SequenceTrainerError: Error, Equatable, CustomStringConvertible {
  case invalidOptions(String)
  case invalidData(String)
  case nonFinite(String)

  public var description: String {
    switch self {
    case .invalidOptions(let why): return "sequence training options: \(why)"
    case .invalidData(let why): return "sequence training data: \(why)"
    case .nonFinite(let why): return why
    }
  }
}
