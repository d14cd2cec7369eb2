import Int8Runtime
import ModelFiles

// MARK: - Options, progress, state

/// The VAE's optimiser: RMSprop (the original's choice) or Adam.
public enum VAEOptimizerKind: String, Sendable, CaseIterable {
  case rmsprop, adam
}

/// How a `VAETrainer` runs (the original's defaults: RMSprop, lr 1e-3, batch 100, KL weight 1).
public struct VAETrainingOptions: Sendable, Equatable {
  public var batchSize: Int
  public var optimizer: VAEOptimizerKind
  public var learningRate: Double
  public var klWeight: Double
  /// Seeds each epoch's shuffle and reparameterisation noise (see `VAETrainer.epochRandom`).
  public var seed: UInt64

  public init(
    batchSize: Int = 100, optimizer: VAEOptimizerKind = .rmsprop, learningRate: Double = 1e-3,
    klWeight: Double = 1, seed: UInt64 = 0
  ) {
    self.batchSize = batchSize
    self.optimizer = optimizer
    self.learningRate = learningRate
    self.klWeight = klWeight
    self.seed = seed
  }
}

/// Reported after every step.
public struct VAETrainingProgress: Sendable {
  /// Zero-based epoch and step within it.
  public var epoch: Int
  public var step: Int
  public var stepsPerEpoch: Int
  public var loss: VAEStepLoss
  /// Examples per second over this epoch so far (wall clock).
  public var examplesPerSecond: Double
}

/// Everything a resumed run needs to end bit-identical to an uninterrupted one, taken at an
/// epoch boundary: the epoch count, the seed and batch size (they fix every later epoch's
/// shuffle and noise), the optimiser's state and the parameters.
public struct VAETrainerState<Scalar: TrainScalar> {
  public var epochsDone: Int
  public var seed: UInt64
  public var batchSize: Int
  public var optimizer: VAEOptimizerKind
  public var optimizerSteps: Int
  public var optimizerArrays: [String: [Scalar]]
  public var parameterValues: [Scalar]

  public init(
    epochsDone: Int, seed: UInt64, batchSize: Int, optimizer: VAEOptimizerKind,
    optimizerSteps: Int, optimizerArrays: [String: [Scalar]], parameterValues: [Scalar]
  ) {
    self.epochsDone = epochsDone
    self.seed = seed
    self.batchSize = batchSize
    self.optimizer = optimizer
    self.optimizerSteps = optimizerSteps
    self.optimizerArrays = optimizerArrays
    self.parameterValues = parameterValues
  }
}

// MARK: - VAETrainer

/// Trains a `VAE` on gray frames, epoch by epoch.
///
/// Epoch e draws everything random from `DanceRandom(seed: seed &+ (e + 1) &* 0x9E3779B97F4A7C15)`:
/// first a Fisher–Yates shuffle of the frame order, then each step's reparameterisation noise.
/// Because nothing random carries over from one epoch to the next, resuming from a
/// `VAETrainerState` taken after epoch e continues exactly as the uninterrupted run.
/// A step whose loss or gradient is not finite throws (the update is not applied).
///
/// ```swift
/// let vae = try VAE<Float>(preset: .paper, seed: 7)
/// let trainer = try VAETrainer(model: vae, options: VAETrainingOptions(batchSize: 32, seed: 7))
/// try trainer.trainEpoch(frames: frames) { print($0.epoch, $0.step, $0.loss.total) }
/// let checkpoint = trainer.state          // save it; later: try trainer2.restore(checkpoint)
/// ```
public final class VAETrainer<Scalar: TrainScalar> {
  public let model: VAE<Scalar>
  public private(set) var options: VAETrainingOptions
  /// Epochs completed so far.
  public private(set) var epochsDone = 0
  private var optimizer: VAEOptimizer<Scalar>
  /// One batch of pixels [batchSize, H, W, 1], reused every step.
  private var batchPixels: [Scalar] = []

  public init(model: VAE<Scalar>, options: VAETrainingOptions = VAETrainingOptions()) throws {
    guard options.batchSize > 0 else { throw VAETrainingError.badBatchSize(options.batchSize) }
    self.model = model
    self.options = options
    optimizer = VAEOptimizer(
      options.optimizer, count: model.parameters.count, learningRate: Scalar(options.learningRate))
  }

  /// The generator of epoch `epoch` (shuffle first, then noise).
  public static func epochRandom(seed: UInt64, epoch: Int) -> DanceRandom {
    DanceRandom(seed: seed &+ (UInt64(epoch) &+ 1) &* 0x9E37_79B9_7F4A_7C15)
  }

  /// The frame order of epoch `epoch` of `count` frames (Fisher–Yates with `rng`).
  static func shuffledOrder(count: Int, rng: inout DanceRandom) -> [Int] {
    var order = Array(0..<count)
    if count < 2 { return order }
    for i in stride(from: count - 1, to: 0, by: -1) {
      let j = Int(rng.next(below: UInt32(i + 1)))
      order.swapAt(i, j)
    }
    return order
  }

  // MARK: - Training

  /// Runs one epoch over `frames` (each `preset.pixelsPerFrame` gray bytes, row-major; pixel
  /// value / 255 is the input and the target). The last batch may be smaller. Returns the mean
  /// loss per example over the epoch.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  @discardableResult
  public func trainEpoch(
    frames: [[UInt8]], progress: ((VAETrainingProgress) -> Void)? = nil
  ) throws -> VAEStepLoss {
    let expected = model.preset.pixelsPerFrame
    guard !frames.isEmpty else { throw VAETrainingError.noFrames }
    for (i, f) in frames.enumerated() where f.count != expected {
      throw VAETrainingError.badFrame(index: i, pixels: f.count, expected: expected)
    }
    return try runEpoch(frames, progress)
  }

  /// `epochs` more epochs; `afterEpoch` sees each epoch's mean loss (a place to checkpoint).
  public func train(
    frames: [[UInt8]], epochs: Int, progress: ((VAETrainingProgress) -> Void)? = nil,
    afterEpoch: ((Int, VAEStepLoss) throws -> Void)? = nil
  ) throws {
    for _ in 0..<epochs {
      let loss = try trainEpoch(frames: frames, progress: progress)
      try afterEpoch?(epochsDone - 1, loss)
    }
  }

  private func runEpoch(
    _ frames: [[UInt8]], _ progress: ((VAETrainingProgress) -> Void)?
  ) throws -> VAEStepLoss {
    let epoch = epochsDone
    let pixels = model.preset.pixelsPerFrame
    let batchSize = options.batchSize
    let klWeight = Scalar(options.klWeight)
    var rng = Self.epochRandom(seed: options.seed, epoch: epoch)
    let order = Self.shuffledOrder(count: frames.count, rng: &rng)
    let steps = (frames.count + batchSize - 1) / batchSize
    if batchPixels.count != batchSize * pixels {
      batchPixels = [Scalar](repeating: 0, count: batchSize * pixels)
    }
    var sum = VAEStepLoss(bce: 0, kl: 0, total: 0)
    let clock = ContinuousClock()
    let start = clock.now
    var seen = 0
    for step in 0..<steps {
      let members = order[(step * batchSize)..<min(frames.count, (step + 1) * batchSize)]
      let batch = members.count
      let scale = 1 / Scalar(255)
      batchPixels.withUnsafeMutableBufferPointer { dst in
        for (b, index) in members.enumerated() {
          frames[index].withUnsafeBufferPointer { src in
            for i in 0..<pixels { dst[b * pixels + i] = Scalar(src[i]) * scale }
          }
        }
      }
      let loss = try batchPixels.withUnsafeBufferPointer {
        try model.lossAndGradients($0.baseAddress!, batch: batch, rng: &rng, klWeight: klWeight)
      }
      optimizer.step(model.parameters)
      seen += batch
      sum.bce += loss.bce * Double(batch)
      sum.kl += loss.kl * Double(batch)
      sum.total += loss.total * Double(batch)
      if let progress {
        let elapsed = clock.now - start
        let seconds =
          Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        progress(
          VAETrainingProgress(
            epoch: epoch, step: step, stepsPerEpoch: steps, loss: loss,
            examplesPerSecond: seconds > 0 ? Double(seen) / seconds : 0))
      }
    }
    epochsDone += 1
    let n = Double(frames.count)
    return VAEStepLoss(bce: sum.bce / n, kl: sum.kl / n, total: sum.total / n)
  }

  // MARK: - Checkpoint state

  /// The state after the last completed epoch (take it between epochs).
  public var state: VAETrainerState<Scalar> {
    var arrays: [String: [Scalar]] = [:]
    for (name, values) in optimizer.stateArrays { arrays[name] = values }
    return VAETrainerState(
      epochsDone: epochsDone, seed: options.seed, batchSize: options.batchSize,
      optimizer: options.optimizer, optimizerSteps: optimizer.steps, optimizerArrays: arrays,
      parameterValues: model.parameters.values)
  }

  /// Continues from `state`: parameters, optimiser, epoch count, seed and batch size.
  public func restore(_ state: VAETrainerState<Scalar>) throws {
    guard state.parameterValues.count == model.parameters.count else {
      throw VAETrainingError.badState(
        "checkpoint has \(state.parameterValues.count) parameters, the model has "
          + "\(model.parameters.count)")
    }
    guard state.batchSize > 0 else { throw VAETrainingError.badBatchSize(state.batchSize) }
    guard state.epochsDone >= 0 else {
      throw VAETrainingError.badState("negative epoch count \(state.epochsDone)")
    }
    var restored = VAEOptimizer<Scalar>(
      state.optimizer, count: model.parameters.count,
      learningRate: Scalar(options.learningRate))
    guard restored.restoreState(state.optimizerArrays) else {
      throw VAETrainingError.badState("optimizer state does not fit \(state.optimizer.rawValue)")
    }
    restored.steps = state.optimizerSteps
    optimizer = restored
    model.parameters.values = state.parameterValues
    options.seed = state.seed
    options.batchSize = state.batchSize
    options.optimizer = state.optimizer
    epochsDone = state.epochsDone
  }
}

// MARK: - VAEOptimizer

/// RMSprop or Adam behind one value, so the trainer can hold either. (Two optionals rather than
/// an enum with payloads: mutating a payload in place would copy its multi-megabyte arrays.)
struct VAEOptimizer<Scalar: TrainScalar> {
  private var rmsprop: RMSprop<Scalar>?
  private var adam: Adam<Scalar>?

  init(_ kind: VAEOptimizerKind, count: Int, learningRate: Scalar) {
    switch kind {
    case .rmsprop: rmsprop = RMSprop(count: count, learningRate: learningRate)
    case .adam: adam = Adam(count: count, learningRate: learningRate)
    }
  }

  mutating func step(_ p: Parameters<Scalar>) {
    if rmsprop != nil { rmsprop!.step(p) } else { adam!.step(p) }
  }

  var stateArrays: [(String, [Scalar])] { rmsprop?.stateArrays ?? adam!.stateArrays }

  mutating func restoreState(_ arrays: [String: [Scalar]]) -> Bool {
    rmsprop != nil ? rmsprop!.restoreState(arrays) : adam!.restoreState(arrays)
  }

  var steps: Int {
    get { rmsprop?.steps ?? adam!.steps }
    set {
      if rmsprop != nil { rmsprop!.steps = newValue } else { adam!.steps = newValue }
    }
  }
}
