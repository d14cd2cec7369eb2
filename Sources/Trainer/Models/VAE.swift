import Int8Runtime

// MARK: - VAETrainingError

/// What can stop VAE training; each description is one line naming the thing and the problem.
public enum VAETrainingError: Error, CustomStringConvertible, Equatable {
  case invalidPreset(name: String, reason: String)
  case nonFiniteLoss(bce: Double, kl: Double)
  case nonFiniteGradient(parameter: String)
  case badFrame(index: Int, pixels: Int, expected: Int)
  case noFrames
  case badBatchSize(Int)
  case badState(String)

  public var description: String {
    switch self {
    case .invalidPreset(let name, let reason): return "preset '\(name)': \(reason)"
    case .nonFiniteLoss(let bce, let kl):
      return "VAE loss is not finite (reconstruction \(bce), KL \(kl)); update skipped"
    case .nonFiniteGradient(let parameter):
      return "gradient of \(parameter) is not finite; update skipped"
    case .badFrame(let index, let pixels, let expected):
      return "frame \(index) has \(pixels) pixels, the preset needs \(expected)"
    case .noFrames: return "no training frames"
    case .badBatchSize(let b): return "batch size \(b) must be positive"
    case .badState(let reason): return "cannot resume VAE training: \(reason)"
    }
  }
}

/// The losses of one training step, per example (means over the batch).
public struct VAEStepLoss: Sendable, Equatable {
  /// Binary cross-entropy summed over the pixels.
  public var bce: Double
  /// KL divergence summed over the latent (before the KL weight).
  public var kl: Double
  /// bce + klWeight · kl, the minimised value.
  public var total: Double
}

// MARK: - VAE

/// The DanceNet variational autoencoder exactly as `ModelPreset.encoderLayers` and
/// `decoderLayers` describe it, with forward and backward passes for training.
///
/// Encoder: [conv3x3 relu, maxpool 2] x steps, flatten, dense (linear), z_mean and z_log_var
/// heads; z = mean + e^(logVar/2)·eps. Decoder: dense relu, reshape, per-pixel dense (linear),
/// conv3x3 relu, [upsample 2 + conv3x3 relu] (fused, sub-pixel form) x (steps - 1),
/// upsample 2 + conv3x3 to one channel, sigmoid. Tensors are NHWC; parameter names are the
/// LayerSpec names plus `.kernel` / `.bias` (e.g. "encoder.conv1.kernel" [3, 3, 1, 128]).
///
/// A model instance keeps its large activations between steps and is not safe to use from two
/// threads at once.
///
/// ```swift
/// let vae = try VAE<Float>(preset: .paper, seed: 7)
/// vae.parameters.count                         // 3,468,673 (1,724,128 + 1,744,545)
/// var rng = DanceRandom(seed: 1)
/// let loss = try vae.lossAndGradients(pixels, batch: 32, rng: &rng)   // grads in parameters
/// let (mean, logVar) = vae.encode(pixels, batch: 32)                  // [32, 128] each
/// let frames = vae.decode(mean, batch: 32)                            // [32, 120, 208, 1] in [0, 1]
/// ```
public final class VAE<Scalar: TrainScalar> {
  public let preset: ModelPreset
  public let parameters: Parameters<Scalar>
  /// Each runs with its 2x2 max pooling fused (`Conv3x3.forwardPooled`).
  public let encoderConvs: [Conv3x3<Scalar>]
  public let encoderDense: Dense<Scalar>
  public let zMean: Dense<Scalar>
  public let zLogVar: Dense<Scalar>
  public let decoderDense: Dense<Scalar>
  public let expand: PerPixelDense<Scalar>
  /// conv1 at the bottleneck size, then the upsampling convolutions; the last one is linear
  /// with one channel (its sigmoid is applied by `decode` and inside the loss).
  public let decoderConvs: [Conv3x3<Scalar>]

  /// A training step splits its batch into this many parts, run at once on separate threads
  /// (each with single-threaded BLAS) and summed in a fixed order. Fixed rather than taken from
  /// the core count, so that results do not depend on the machine.
  public static var trainingParts: Int { 2 }

  /// Per part: activations kept for backward, reused between steps, and the part's gradients.
  private let workspaces: [VAEWorkspace<Scalar>]
  /// The largest convolution input or output of one example, in elements.
  private let largestTensor: Int

  /// All parameters, deterministically from `seed`: Glorot-uniform kernels, zero biases,
  /// initialised in layer order. `strategy` picks how convolutions become matrix products
  /// (all strategies give the same values up to rounding).
  public init(preset: ModelPreset, seed: UInt64, strategy: ConvolutionStrategy = .automatic)
    throws
  {
    if let reason = preset.validationError {
      throw VAETrainingError.invalidPreset(name: preset.name, reason: reason)
    }
    self.preset = preset
    let p = Parameters<Scalar>()
    parameters = p
    var rng = DanceRandom(seed: seed)

    var convs: [Conv3x3<Scalar>] = []
    var (rows, cols, channels) = (preset.frameHeight, preset.frameWidth, 1)
    for (i, width) in preset.encoderChannels.enumerated() {
      convs.append(
        Conv3x3(
          "encoder.conv\(i + 1)", rows: rows, cols: cols, inChannels: channels,
          outChannels: width, activation: .relu, strategy: strategy, in: p, rng: &rng))
      (rows, cols, channels) = (rows / 2, cols / 2, width)
    }
    encoderConvs = convs
    encoderDense = Dense(
      "encoder.dense", inputs: preset.bottleneckSize, outputs: preset.encoderHidden, in: p,
      rng: &rng)
    zMean = Dense(
      "encoder.z_mean", inputs: preset.encoderHidden, outputs: preset.latentSize, in: p, rng: &rng)
    zLogVar = Dense(
      "encoder.z_log_var", inputs: preset.encoderHidden, outputs: preset.latentSize, in: p,
      rng: &rng)

    decoderDense = Dense(
      "decoder.dense", inputs: preset.latentSize, outputs: preset.bottleneckSize, in: p, rng: &rng)
    expand = PerPixelDense(
      "decoder.expand", rows: rows, cols: cols, inChannels: channels,
      outChannels: preset.decoderExpand, in: p, rng: &rng)
    channels = preset.decoderExpand
    var dconvs: [Conv3x3<Scalar>] = []
    for (i, width) in preset.decoderChannels.enumerated() {
      let conv = Conv3x3<Scalar>(
        "decoder.conv\(i + 1)", rows: rows, cols: cols, inChannels: channels, outChannels: width,
        activation: .relu, upsampleInput: i > 0, strategy: strategy, in: p, rng: &rng)
      dconvs.append(conv)
      (rows, cols, channels) = (conv.outputRows, conv.outputCols, width)
    }
    dconvs.append(
      Conv3x3(
        "decoder.conv\(preset.decoderChannels.count + 1)", rows: rows, cols: cols,
        inChannels: channels, outChannels: 1, activation: .linear, upsampleInput: true,
        strategy: strategy, in: p, rng: &rng))
    decoderConvs = dconvs

    workspaces = (0..<Self.trainingParts).map { k in
      VAEWorkspace(
        parameters: k == 0 ? p : p.mirror(), encoderSteps: convs.count,
        decoderConvs: dconvs.count)
    }
    largestTensor = max(
      convs.reduce(0) { max($0, $1.inputCount, $1.pooledCount) },
      dconvs.reduce(0) { max($0, $1.inputCount, $1.outputCount) })
  }

  // MARK: - Public entry points
  //
  // Each is pre-specialised for Float and Double (`@_specialize`), so that the whole pass is
  // compiled for a concrete type even when the caller is generic or in another module
  // (unspecialised generic inner loops are many times slower).

  /// One training step on pixels [batch, H, W, 1] in [0, 1]: forward, loss, backward.
  /// Overwrites `parameters.grads`; draws the reparameterisation noise from `rng`.
  /// Throws `VAETrainingError.nonFiniteLoss` / `.nonFiniteGradient` instead of returning
  /// unusable gradients (the caller then skips the update).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func lossAndGradients(
    _ pixels: UnsafePointer<Scalar>, batch: Int, rng: inout DanceRandom, klWeight: Scalar = 1
  ) throws -> VAEStepLoss {
    return try trainingStep(pixels, batch: batch, rng: &rng, klWeight: klWeight)
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func lossAndGradients(
    _ pixels: [Scalar], batch: Int, rng: inout DanceRandom, klWeight: Scalar = 1
  ) throws -> VAEStepLoss {
    precondition(batch > 0 && pixels.count == batch * preset.pixelsPerFrame, "pixel count")
    return try pixels.withUnsafeBufferPointer {
      try lossAndGradients($0.baseAddress!, batch: batch, rng: &rng, klWeight: klWeight)
    }
  }

  /// pixels [batch, H, W, 1] -> (mean, logVar), each [batch, latentSize].
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func encode(_ pixels: [Scalar], batch: Int) -> (mean: [Scalar], logVar: [Scalar]) {
    precondition(batch > 0 && pixels.count == batch * preset.pixelsPerFrame, "pixel count")
    return encodePass(pixels, batch: batch)
  }

  /// z [batch, latentSize] -> pixels [batch, H, W, 1] in [0, 1].
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func decode(_ z: [Scalar], batch: Int) -> [Scalar] {
    precondition(batch > 0 && z.count == batch * preset.latentSize, "latent count")
    return decodePass(z, batch: batch)
  }

  /// The training loss of `batch` frames (pixels in [0, 1]) with z = the encoder's mean, no
  /// sampling noise and no gradients: the same `VAELoss` binary cross-entropy (from the
  /// decoder's logits) and KL divergence that `lossAndGradients` minimises, per example, so the
  /// held-out curve and the training curve come from one definition.
  ///
  /// ```swift
  /// let l = vae.meanLoss(pixels, batch: 32, klWeight: 1)   // l.bce, l.kl, l.total = bce + kl
  /// ```
  public func meanLoss(_ pixels: [Scalar], batch: Int, klWeight: Scalar = 1) -> VAEStepLoss {
    precondition(batch > 0 && pixels.count == batch * preset.pixelsPerFrame, "pixel count")
    let losses = inParts(batch: batch) { k, range, ws -> (bce: Scalar, kl: Scalar) in
      pixels.withUnsafeBufferPointer { px in
        let x = px.baseAddress! + range.lowerBound * preset.pixelsPerFrame
        let enc = encoderForward(x, batch: range.count, ws)
        _ = decoderForward(enc.mean, batch: range.count, ws)
        let bce = VAELoss.binaryCrossEntropy(
          logits: ws.decoderOutputs[decoderConvs.count - 1].pointer, targets: x,
          count: range.count * preset.pixelsPerFrame, batch: batch)
        let kl = VAELoss.klDivergence(mean: enc.mean, logVar: enc.logVar, batch: batch)
        return (bce, kl.loss)
      }
    }
    let bce = losses.reduce(0) { $0 + $1.bce }
    let kl = losses.reduce(0) { $0 + $1.kl }
    return VAEStepLoss(bce: Double(bce), kl: Double(kl), total: Double(bce + klWeight * kl))
  }

  // MARK: - Forward passes

  private struct EncoderTrace {
    var flat: [Scalar]  // [batch, bottleneckSize], the last pool's output
    var hidden: [Scalar]  // [batch, encoderHidden]
    var mean: [Scalar]  // [batch, latent]
    var logVar: [Scalar]  // [batch, latent]
  }

  /// x [batch, H, W, 1] -> conv/pool activations (kept in the buffers) and the latent heads.
  private func encoderForward(
    _ x: UnsafePointer<Scalar>, batch: Int, _ ws: VAEWorkspace<Scalar>
  ) -> EncoderTrace {
    let p = ws.parameters
    var input = x
    for k in encoderConvs.indices {
      let count = batch * encoderConvs[k].pooledCount
      let pooled = ws.poolOutputs[k].reserve(count)
      encoderConvs[k].forwardPooled(
        input, into: pooled, argmax: ws.poolWinners[k].reserve(count), batch: batch, p,
        scratch: ws.scratch)
      input = UnsafePointer(pooled)
    }
    let flat = Array(UnsafeBufferPointer(start: input, count: batch * preset.bottleneckSize))
    let hidden = encoderDense.forward(flat, batch: batch, p)
    return EncoderTrace(
      flat: flat, hidden: hidden, mean: zMean.forward(hidden, batch: batch, p),
      logVar: zLogVar.forward(hidden, batch: batch, p))
  }

  private struct DecoderTrace {
    var bottleneck: [Scalar]  // relu(dense(z)) [batch, h, w, c]
    var expanded: [Scalar]  // per-pixel dense [batch, h, w, decoderExpand]
  }

  /// z [batch, latent] -> decoder activations; the logits [batch, H, W, 1] are
  /// `decoderOutputs.last`.
  private func decoderForward(_ z: [Scalar], batch: Int, _ ws: VAEWorkspace<Scalar>)
    -> DecoderTrace
  {
    let p = ws.parameters
    let bottleneck = Activation.relu.forward(decoderDense.forward(z, batch: batch, p))
    let expanded = expand.forward(bottleneck, batch: batch, p)
    expanded.withUnsafeBufferPointer { pe in
      var input = pe.baseAddress!
      for k in decoderConvs.indices {
        let out = ws.decoderOutputs[k].reserve(batch * decoderConvs[k].outputCount)
        decoderConvs[k].forward(input, into: out, batch: batch, p, scratch: ws.scratch)
        input = UnsafePointer(out)
      }
    }
    return DecoderTrace(bottleneck: bottleneck, expanded: expanded)
  }

  private func encodePass(_ pixels: [Scalar], batch: Int) -> (
    mean: [Scalar], logVar: [Scalar]
  ) {
    let parts = inParts(batch: batch) { k, range, ws in
      pixels.withUnsafeBufferPointer {
        encoderForward(
          $0.baseAddress! + range.lowerBound * preset.pixelsPerFrame, batch: range.count, ws)
      }
    }
    return (parts.flatMap(\.mean), parts.flatMap(\.logVar))
  }

  private func decodePass(_ z: [Scalar], batch: Int) -> [Scalar] {
    let latent = preset.latentSize
    let parts = inParts(batch: batch) { k, range, ws -> [Scalar] in
      _ = decoderForward(
        Array(z[(range.lowerBound * latent)..<(range.upperBound * latent)]), batch: range.count,
        ws)
      let logits = ws.decoderOutputs[decoderConvs.count - 1].pointer
      return (0..<(range.count * preset.pixelsPerFrame)).map { Activation.sigmoid(logits[$0]) }
    }
    return parts.flatMap { $0 }
  }

  /// Runs `body(part, images, workspace)` on up to `trainingParts` consecutive slices of the
  /// batch at once (see `DataParallel`), the other workspaces sharing the model's values.
  private func inParts<R>(
    batch: Int, _ body: (Int, Range<Int>, VAEWorkspace<Scalar>) -> R
  ) -> [R] {
    let parts = min(Self.trainingParts, batch)
    let bounds = (0...parts).map { $0 * batch / parts }
    for k in 1..<parts { workspaces[k].parameters.values = parameters.values }  // shared, no copy
    defer { for k in 1..<parts { workspaces[k].parameters.values = [] } }
    return DataParallel.run(parts: parts) { k in body(k, bounds[k]..<bounds[k + 1], workspaces[k]) }
  }

  // MARK: - Training step

  private func trainingStep(
    _ x: UnsafePointer<Scalar>, batch: Int, rng: inout DanceRandom, klWeight: Scalar
  ) throws -> VAEStepLoss {
    let eps: [Scalar] = VAELoss.noise(count: batch * preset.latentSize, rng: &rng)
    let losses = inParts(batch: batch) { k, range, ws -> (bce: Scalar, kl: Scalar) in
      partStep(
        x + range.lowerBound * preset.pixelsPerFrame, count: range.count,
        eps: Array(eps[(range.lowerBound * preset.latentSize)..<(range.upperBound * preset.latentSize)]),
        normalizer: batch, klWeight: klWeight, ws)
    }
    // Part 0 wrote into the model's gradients; add the others' in order.
    for ws in workspaces.dropFirst().prefix(losses.count - 1) {
      parameters.grads.withUnsafeMutableBufferPointer { g in
        ws.parameters.grads.withUnsafeBufferPointer { pg in
          for i in 0..<g.count { g[i] += pg[i] }
        }
      }
    }
    let bce = losses.reduce(0) { $0 + $1.bce }
    let kl = losses.reduce(0) { $0 + $1.kl }
    let total = bce + klWeight * kl
    guard total.isFinite else {
      throw VAETrainingError.nonFiniteLoss(bce: Double(bce), kl: Double(kl))
    }
    if let name = parameters.firstNonFiniteGradient() {
      throw VAETrainingError.nonFiniteGradient(parameter: name)
    }
    return VAEStepLoss(bce: Double(bce), kl: Double(kl), total: Double(total))
  }

  /// Forward and backward of `count` images into `ws.parameters.grads` (zeroed first); losses
  /// and gradients are divided by `normalizer` (the whole batch), so parts add up.
  private func partStep(
    _ x: UnsafePointer<Scalar>, count batch: Int, eps: [Scalar], normalizer: Int,
    klWeight: Scalar, _ ws: VAEWorkspace<Scalar>
  ) -> (bce: Scalar, kl: Scalar) {
    let p = ws.parameters
    p.zeroGrads()
    var dy = ws.gradientA.reserve(batch * largestTensor)
    var spare = ws.gradientB.reserve(batch * largestTensor)

    // Forward: encoder, z = mean + e^(logVar/2)·eps, decoder.
    let enc = encoderForward(x, batch: batch, ws)
    let z = VAELoss.reparameterize(mean: enc.mean, logVar: enc.logVar, eps: eps)
    let dec = decoderForward(z, batch: batch, ws)

    // Loss; dlogits [batch, H, W, 1] goes to dy.
    let outputs = ws.decoderOutputs
    let bce = VAELoss.binaryCrossEntropy(
      logits: outputs[outputs.count - 1].pointer, targets: x,
      count: batch * preset.pixelsPerFrame, batch: normalizer, gradient: dy)
    let kl = VAELoss.klDivergence(
      mean: enc.mean, logVar: enc.logVar, batch: normalizer, weight: klWeight)

    // Decoder backward: upsampling convolutions, conv1, per-pixel dense, dense relu.
    for k in decoderConvs.indices.reversed() where k > 0 {
      decoderConvs[k].backward(
        dy, input: outputs[k - 1].pointer, output: outputs[k].pointer, inputGradient: spare,
        batch: batch, p, scratch: ws.scratch)
      swap(&dy, &spare)
    }
    var dExpanded = [Scalar](repeating: 0, count: dec.expanded.count)
    dec.expanded.withUnsafeBufferPointer { pe in
      dExpanded.withUnsafeMutableBufferPointer { pd in
        decoderConvs[0].backward(
          dy, input: pe.baseAddress!, output: outputs[0].pointer,
          inputGradient: pd.baseAddress!, batch: batch, p, scratch: ws.scratch)
      }
    }
    let dBottleneck = Activation.relu.backward(
      y: dec.bottleneck, dy: expand.backward(dExpanded, input: dec.bottleneck, batch: batch, p))
    let dz = decoderDense.backward(dBottleneck, input: z, batch: batch, p)

    // Sampling and KL -> latent heads -> encoder dense.
    var (dMean, dLogVar) = VAELoss.reparameterizeBackward(dz, logVar: enc.logVar, eps: eps)
    for i in dMean.indices {
      dMean[i] += kl.dMean[i]
      dLogVar[i] += kl.dLogVar[i]
    }
    var dHidden = zMean.backward(dMean, input: enc.hidden, batch: batch, p)
    let dHidden2 = zLogVar.backward(dLogVar, input: enc.hidden, batch: batch, p)
    for i in dHidden.indices { dHidden[i] += dHidden2[i] }
    let dFlat = encoderDense.backward(dHidden, input: enc.flat, batch: batch, p)

    // Encoder backward: pooled convolutions from the last scale step to the first.
    dFlat.withUnsafeBufferPointer { dy.update(from: $0.baseAddress!, count: $0.count) }
    for k in encoderConvs.indices.reversed() {
      encoderConvs[k].backwardPooled(
        dy, input: k == 0 ? x : UnsafePointer(ws.poolOutputs[k - 1].pointer),
        pooled: ws.poolOutputs[k].pointer, argmax: ws.poolWinners[k].pointer,
        inputGradient: k == 0 ? nil : spare, batch: batch, p, scratch: ws.scratch)
      swap(&dy, &spare)
    }
    return (bce, kl.loss)
  }
}

// MARK: - VAEWorkspace

/// One part's working memory: the activations its backward pass needs (kept between steps so
/// the large ones are not faulted in anew every time) and the Parameters its gradients go to
/// (part 0 uses the model's own; the others use mirrors whose values share the model's array).
final class VAEWorkspace<Scalar: TrainScalar> {
  let parameters: Parameters<Scalar>
  let poolOutputs: [TensorBuffer<Scalar>]
  let poolWinners: [TensorBuffer<UInt8>]
  let decoderOutputs: [TensorBuffer<Scalar>]
  let gradientA = TensorBuffer<Scalar>()
  let gradientB = TensorBuffer<Scalar>()
  let scratch = ScratchMemory<Scalar>()

  init(parameters: Parameters<Scalar>, encoderSteps: Int, decoderConvs: Int) {
    self.parameters = parameters
    poolOutputs = (0..<encoderSteps).map { _ in TensorBuffer() }
    poolWinners = (0..<encoderSteps).map { _ in TensorBuffer() }
    decoderOutputs = (0..<decoderConvs).map { _ in TensorBuffer() }
  }
}

extension Parameters {
  /// Parameters with the same slots (names, shapes, offsets) and zero gradients; `values` is
  /// empty until a training step shares the model's values with it.
  func mirror() -> Parameters {
    let m = Parameters()
    for s in slots { m.add(s.name, shape: s.shape) }
    m.values = []
    return m
  }
}
