import Int8Runtime
import RealModule

// MARK: - SequenceModel

/// The stateful sequence model: stacked LSTMs (each followed by dropout in training), a relu
/// dense layer and a mixture density head over the next normalised latent.
///
/// ```text
/// z_t [D] -> lstm1 -> dropout -> ... -> lstmL -> dropout -> dense relu -> mdn (linear)
///        -> [K·D means | K·D log-sigmas | K logits]   (see MDNLayout)
/// ```
/// Parameter names follow `ModelPreset.sequenceLayers`: "sequence.lstm1.kernel", ...,
/// "sequence.dense.kernel", "sequence.mdn.kernel". Everything works in normalised latent space
/// (see `LatentNormalizer`); `LatentGenerator` wraps the model with normalisation for generation.
///
/// Windows are [B, T, D] (stream-major: stream b's T steps are contiguous); internally the model
/// runs time-major [T, B, ·] so that each LSTM step reads one contiguous [B, ·] block.
///
/// ```swift
/// let model = SequenceModel<Float>(preset: .tiny, seed: 1)
/// var state = model.zeroState(batch: 1)
/// let z = [Float](repeating: 0, count: 32)     // one normalised latent (tiny: D = 32)
/// let out = model.step(z, state: &state)      // MDN outputs [2·5·32 + 5 = 325]; state advanced
/// ```
public final class SequenceModel<Scalar: TrainScalar> {
  public let preset: ModelPreset
  public let parameters: Parameters<Scalar>
  public let lstms: [LSTM<Scalar>]
  public let dense: Dense<Scalar>
  public let head: Dense<Scalar>
  public let layout: MDNLayout

  public var latentSize: Int { preset.latentSize }

  /// Builds the layers in order (lstm1 ... lstmL, dense, mdn), each drawing its initial weights
  /// from one `DanceRandom(seed:)` in that order; every LSTM's forget-gate bias starts at
  /// `forgetBias` (see `LSTM.init`).
  public init(preset: ModelPreset, seed: UInt64, forgetBias: Scalar = 1) {
    self.preset = preset
    let p = Parameters<Scalar>()
    var rng = DanceRandom(seed: seed)
    var lstms: [LSTM<Scalar>] = []
    var inputs = preset.latentSize
    for i in 0..<preset.lstmLayers {
      lstms.append(
        LSTM(
          "sequence.lstm\(i + 1)", inputs: inputs, units: preset.lstmUnits, in: p, rng: &rng,
          forgetBias: forgetBias))
      inputs = preset.lstmUnits
    }
    self.lstms = lstms
    layout = MDNLayout(mixtures: preset.mixtures, dims: preset.latentSize)
    dense = Dense(
      "sequence.dense", inputs: preset.lstmUnits, outputs: preset.denseUnits, in: p, rng: &rng)
    head = Dense("sequence.mdn", inputs: preset.denseUnits, outputs: layout.outputs, in: p, rng: &rng)
    parameters = p
  }

  // MARK: - State

  /// The carried state of B streams: one (h, c) per LSTM layer, each [B, units].
  public struct State: Equatable, Sendable {
    public var layers: [LSTM<Scalar>.State]
    public let batch: Int

    /// Zeroes stream `b`'s h and c in every layer (a new clip starts there).
    public mutating func reset(stream b: Int) {
      for l in layers.indices {
        let units = layers[l].h.count / batch
        for u in 0..<units {
          layers[l].h[b * units + u] = 0
          layers[l].c[b * units + u] = 0
        }
      }
    }
  }

  public func zeroState(batch: Int) -> State {
    State(layers: lstms.map { $0.zeroState(batch: batch) }, batch: batch)
  }

  // MARK: - Windows

  /// A window of B streams × T steps: inputs z_t and targets z_{t+1}, both [B, T, D] normalised;
  /// weights [B, T] are 1 for a real pair and 0 for padding (nil: all 1).
  public struct Window {
    public var inputs: [Scalar]
    public var targets: [Scalar]
    public var weights: [Scalar]?
    public let batch: Int
    public let steps: Int

    public init(inputs: [Scalar], targets: [Scalar], weights: [Scalar]? = nil, batch: Int, steps: Int) {
      self.inputs = inputs
      self.targets = targets
      self.weights = weights
      self.batch = batch
      self.steps = steps
    }
  }

  /// Dropout masks for one window, one [T, B, units] mask per LSTM layer in layer order, drawn as
  /// `Dropout.mask` describes; nil when the preset's dropout is 0 (nothing is drawn).
  public func dropoutMasks(batch: Int, steps: Int, percent: Int, rng: inout DanceRandom)
    -> [[Scalar]]?
  {
    if percent == 0 { return nil }
    return lstms.map {
      Dropout.mask(count: steps * batch * $0.units, percent: percent, rng: &rng)
    }
  }

  /// Forward and backward over one window from `state`: zeroes and fills `parameters.grads`.
  /// Returns the weighted mean NLL, the total weight, the final state (after all T steps,
  /// padding included) and the gradient wrt `window.inputs` [B, T, D].
  public func trainingStep(_ window: Window, state: State, dropoutMasks: [[Scalar]]?)
    -> (loss: Scalar, weightTotal: Scalar, finalState: State, inputGradient: [Scalar])
  {
    let p = parameters
    p.zeroGrads()
    let run = forward(window, state: state, dropoutMasks: dropoutMasks)
    let (B, T, D) = (window.batch, window.steps, latentSize)
    let nll = MDNLoss.negativeLogLikelihood(
      outputs: run.mdnOutputs, targets: toTimeMajor(window.targets, batch: B, steps: T, width: D),
      rows: T * B, layout: layout,
      weights: window.weights.map { toTimeMajor($0, batch: B, steps: T, width: 1) })
    // backward: head -> relu dense -> (dropout, lstm) from the top layer down
    let dDense = head.backward(nll.dOutputs, input: run.denseOutput, batch: T * B, p)
    let dDensePre = Activation.relu.backward(y: run.denseOutput, dy: dDense)
    var d = dense.backward(dDensePre, input: run.topOutput, batch: T * B, p)
    for l in stride(from: lstms.count - 1, through: 0, by: -1) {
      if let masks = dropoutMasks { d = Dropout.backward(d, mask: masks[l]) }
      d = lstms[l].backward(d, cache: run.caches[l], p)
    }
    return (
      nll.loss, nll.weightTotal, run.finalState, fromTimeMajor(d, batch: B, steps: T, width: D)
    )
  }

  /// Forward only, without dropout: (weighted mean NLL, total weight, final state).
  public func windowLoss(_ window: Window, state: State)
    -> (loss: Scalar, weightTotal: Scalar, finalState: State)
  {
    let run = forward(window, state: state, dropoutMasks: nil)
    let (B, T, D) = (window.batch, window.steps, latentSize)
    let nll = MDNLoss.negativeLogLikelihood(
      outputs: run.mdnOutputs, targets: toTimeMajor(window.targets, batch: B, steps: T, width: D),
      rows: T * B, layout: layout,
      weights: window.weights.map { toTimeMajor($0, batch: B, steps: T, width: 1) })
    return (nll.loss, nll.weightTotal, run.finalState)
  }

  // MARK: - Generation

  /// One step for `state.batch` streams (1 for generation): z [B, D] normalised -> MDN outputs
  /// [B, 2KD + K]; `state` advances by one step. No dropout.
  public func step(_ z: [Scalar], state: inout State) -> [Scalar] {
    let B = state.batch
    precondition(z.count == B * latentSize, "step input is not [B, latentSize]")
    let window = Window(inputs: z, targets: [], batch: B, steps: 1)
    let run = forward(window, state: state, dropoutMasks: nil)
    state = run.finalState
    return run.mdnOutputs
  }

  // MARK: - Forward pass

  struct Run {
    /// per LSTM layer
    var caches: [LSTM<Scalar>.Cache]
    /// the last LSTM's output after dropout, [T·B, units]
    var topOutput: [Scalar]
    /// relu(dense), [T·B, denseUnits]
    var denseOutput: [Scalar]
    /// [T·B, 2KD + K], time-major rows
    var mdnOutputs: [Scalar]
    var finalState: State
  }

  func forward(_ window: Window, state: State, dropoutMasks: [[Scalar]]?) -> Run {
    let (B, T, D) = (window.batch, window.steps, latentSize)
    precondition(state.batch == B, "state is for \(state.batch) streams, window has \(B)")
    precondition(window.inputs.count == B * T * D, "window inputs are not [B, T, D]")
    let p = parameters
    var x = toTimeMajor(window.inputs, batch: B, steps: T, width: D)  // [T, B, D]
    var caches: [LSTM<Scalar>.Cache] = []
    var finalLayers: [LSTM<Scalar>.State] = []
    for (l, lstm) in lstms.enumerated() {
      let r = lstm.forward(x, steps: T, batch: B, initial: state.layers[l], p)
      caches.append(r.cache)
      finalLayers.append(r.final)
      x = dropoutMasks.map { Dropout.forward(r.outputs, mask: $0[l]) } ?? r.outputs  // [T, B, U]
    }
    let denseOutput = Activation.relu.forward(dense.forward(x, batch: T * B, p))  // [T·B, dense]
    let mdnOutputs = head.forward(denseOutput, batch: T * B, p)  // [T·B, 2KD + K]
    return Run(
      caches: caches, topOutput: x, denseOutput: denseOutput, mdnOutputs: mdnOutputs,
      finalState: State(layers: finalLayers, batch: B))
  }

  // MARK: - Layout helpers

  /// [B, T, W] -> [T, B, W]
  func toTimeMajor(_ a: [Scalar], batch B: Int, steps T: Int, width W: Int) -> [Scalar] {
    if B == 1 || T == 1 { return a }
    var out = [Scalar](repeating: 0, count: a.count)
    for b in 0..<B {
      for t in 0..<T {
        for w in 0..<W { out[(t * B + b) * W + w] = a[(b * T + t) * W + w] }
      }
    }
    return out
  }

  /// [T, B, W] -> [B, T, W]: the same axis swap with the roles of B and T exchanged.
  func fromTimeMajor(_ a: [Scalar], batch B: Int, steps T: Int, width W: Int) -> [Scalar] {
    toTimeMajor(a, batch: T, steps: B, width: W)
  }
}
