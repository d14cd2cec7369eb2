// MARK: - Int8Generator

/// The reference integer generator: the float generator (`FloatDance` / `LatentGenerator` in
/// Trainer) step for step, in integers, written to be read and trusted rather than to be small or
/// fast. The streaming runtime must reproduce its frames byte for byte.
///
/// - init: zero state; one LSTM step on each stored primer of start K (oldest first, no sampling,
///   no reset even for a stateless model, as the float generator primes); the start latent K
///   becomes the current latent.
/// - each frame: (stateless: zero h and c) one step of the LSTM stack on the current latent,
///   sequence.dense, then `IntegerMDNSampler` (1 + 12·D draws); the new current latent is the
///   sample; the decoder turns it into
///   frameHeight × frameWidth pixels, rows top to bottom.
///
/// Buffers are allocated once here; `nextFrame` allocates nothing.
///
/// ```swift
/// var gen = try Int8Generator(model: model, seed: 7,
///                             options: .init(start: 0, piTemperatureQ16: 65536, sigmaTemperatureQ16: 65536))
/// var frame = [UInt8](repeating: 0, count: model.preset.pixelsPerFrame)
/// frame.withUnsafeMutableBufferPointer { gen.nextFrame(into: $0) }   // 120 × 208 gray pixels
/// ```
public struct Int8Generator {
  /// Generation settings; temperatures are Q16 (65536 = 1.0), parsed from decimals by the host.
  public struct Options: Equatable, Sendable {
    /// Which stored start latent (and its primers) to begin from.
    public var start: Int
    /// τπ: divides the mixture logits; 0 picks the largest logit.
    public var piTemperatureQ16: UInt32
    /// τσ: scales every standard deviation; below 2^20 (16.0).
    public var sigmaTemperatureQ16: UInt32

    public init(start: Int = 0, piTemperatureQ16: UInt32 = 65536, sigmaTemperatureQ16: UInt32 = 65536) {
      self.start = start
      self.piTemperatureQ16 = piTemperatureQ16
      self.sigmaTemperatureQ16 = sigmaTemperatureQ16
    }

    /// The integer sampler these options give on `model`, after checking that the model can
    /// serve them (the start exists, τσ is below 16): both generators start here.
    public func sampler(for model: Int8Model) throws(Int8ModelError) -> IntegerMDNSampler {
      guard start >= 0 && start < model.startCount else {
        throw .invalidOption(
          "start \(start) does not exist: the model stores \(model.startCount) start latents")
      }
      guard sigmaTemperatureQ16 < IntegerMDNSampler.sigmaTemperatureLimitQ16 else {
        throw .invalidOption("sigma-temperature must be below 16")
      }
      return IntegerMDNSampler(
        piTemperatureQ16: piTemperatureQ16, sigmaTemperatureQ16: sigmaTemperatureQ16,
        latentFractionBits: model.latentFractionBits, sigma: model.sigma, softmax: model.softmax)
    }
  }

  public let model: Int8Model
  public let options: Options
  public let sampler: IntegerMDNSampler
  public private(set) var rng: DanceRandom

  // MARK: Sequence state and scratch
  /// h and c of every layer, [L, U] each (h Q15, c Q(cf) of its layer)
  var h: [Int16]
  var c: [Int16]
  var gates: [Int16]
  var denseOutput: [Int16]
  var logits: [Int32]
  var sample: [Int16]
  /// The current latent (latent format), the input of the next step.
  public private(set) var current: [Int16]
  /// The component chosen at the last step.
  public private(set) var lastComponent = -1

  // MARK: Decoder buffers, one per layer output
  var bottleneck: [Int8]
  /// decoder.expand's and the convs' outputs: 8- or 12-bit values (`Int8Model.decoderBits`) in int16.
  var expanded: [Int16]
  var convOutputs: [[Int16]]
  var upsampled: [[Int16]]

  public init(model: Int8Model, seed: UInt64, options: Options = Options()) throws(Int8ModelError) {
    let p = model.preset
    sampler = try options.sampler(for: model)
    self.model = model
    self.options = options
    rng = DanceRandom(seed: seed)
    let D = p.latentSize
    let U = p.lstmUnits
    h = [Int16](repeating: 0, count: p.lstmLayers * U)
    c = [Int16](repeating: 0, count: p.lstmLayers * U)
    gates = [Int16](repeating: 0, count: 4 * U)
    denseOutput = [Int16](repeating: 0, count: p.denseUnits)
    logits = [Int32](repeating: 0, count: p.mixtures)
    sample = [Int16](repeating: 0, count: D)
    current = [Int16](repeating: 0, count: D)

    let shape = p.bottleneckShape
    bottleneck = [Int8](repeating: 0, count: p.bottleneckSize)
    expanded = [Int16](repeating: 0, count: shape[0] * shape[1] * p.decoderExpand)
    convOutputs = []
    upsampled = []
    var rows = shape[0]
    var cols = shape[1]
    for width in p.decoderChannels {
      convOutputs.append([Int16](repeating: 0, count: rows * cols * width))
      upsampled.append([Int16](repeating: 0, count: 4 * rows * cols * width))
      rows *= 2
      cols *= 2
    }

    // MARK: Priming
    for i in 0..<model.primerCount {
      let z = model.primer(start: options.start, i)
      for d in 0..<D { current[d] = z[d] }
      sequenceStep()
    }
    let z = model.startLatent(options.start)
    for d in 0..<D { current[d] = z[d] }
  }

  // MARK: - Sequence model

  /// One step of the LSTM stack on `current`; leaves the dense output in `denseOutput`.
  mutating func sequenceStep() {
    let U = model.preset.lstmUnits
    let model = self.model
    current.withUnsafeBufferPointer { x in
      h.withUnsafeMutableBufferPointer { hAll in
        c.withUnsafeMutableBufferPointer { cAll in
          gates.withUnsafeMutableBufferPointer { g in
            for (l, layer) in model.lstms.enumerated() {
              let input =
                l == 0 ? x : UnsafeBufferPointer(rebasing: UnsafeBufferPointer(hAll)[((l - 1) * U)..<(l * U)])
              LSTMCellKernel.step(
                layer, input: input, h: UnsafeMutableBufferPointer(rebasing: hAll[(l * U)..<((l + 1) * U)]),
                c: UnsafeMutableBufferPointer(rebasing: cAll[(l * U)..<((l + 1) * U)]), gates: g,
                sigmoid: model.sigmoid, tanh: model.tanh)
            }
          }
        }
      }
    }
    let top = (model.preset.lstmLayers - 1) * U
    h.withUnsafeBufferPointer { hAll in
      denseOutput.withUnsafeMutableBufferPointer { out in
        DenseKernel.run(
          model.sequenceDense, input: UnsafeBufferPointer(rebasing: hAll[top..<(top + U)]), output: out,
          relu: true)
      }
    }
  }

  // MARK: - Teacher forcing (measuring the sequence model on given latents)

  /// One step of the LSTM stack and sequence.dense on `input` (latent format) instead of the
  /// current latent: the state advances; `sequenceOutput` holds the dense output the MDN head
  /// reads. No sampling, no draw.
  public mutating func step(input: [Int16]) {
    precondition(input.count == current.count, "step input is not one latent")
    current = input
    sequenceStep()
  }

  /// sequence.dense's output of the last step (int16, relu), the MDN head's input.
  public var sequenceOutput: [Int16] { denseOutput }

  /// h of every LSTM layer after the last step, [L, U] (Q15), for measuring
  /// (`Int8SequenceProbe` in Quantize reads it as reals).
  public var lstmHidden: [Int16] { h }

  /// c of every LSTM layer after the last step, [L, U], each in its layer's cell format.
  public var lstmCells: [Int16] { c }

  /// Zeroes h and c of every layer.
  public mutating func resetState() {
    for i in h.indices { h[i] = 0 }
    for i in c.indices { c[i] = 0 }
  }

  /// Advances by one generated step: `current` becomes the next latent (latent format) and
  /// `lastComponent` the chosen mixture component. Draws 1 + 12·D values from `rng`.
  public mutating func nextLatent() {
    if model.isStateless { resetState() }
    sequenceStep()
    let sampler = self.sampler
    let head = model.mdn
    var rng = self.rng
    let k = denseOutput.withUnsafeBufferPointer { x in
      logits.withUnsafeMutableBufferPointer { l in
        sample.withUnsafeMutableBufferPointer { z in
          sampler.sample(head: head, input: x, logits: l, rng: &rng, output: z)
        }
      }
    }
    self.rng = rng
    lastComponent = k
    for d in current.indices { current[d] = sample[d] }
  }

  // MARK: - Frames

  /// Generates the next frame: one sequence step and sample, then the decoder.
  public mutating func nextFrame(into pixels: UnsafeMutableBufferPointer<UInt8>) {
    nextLatent()
    let z = current
    z.withUnsafeBufferPointer { decode(latent: $0, into: pixels) }
  }

  /// The decoder alone: a latent (latent format, normalised) to frameHeight × frameWidth pixels.
  /// The decoder's integer outputs of the last `decode`, for measuring them: decoder.dense's
  /// bottleneck, decoder.expand's output, then each conv's output at its own resolution.
  public var lastDecoderOutputs: [[Int16]] { [bottleneck.map { Int16($0) }, expanded] + convOutputs }

  public mutating func decode(
    latent z: UnsafeBufferPointer<Int16>, into pixels: UnsafeMutableBufferPointer<UInt8>
  ) {
    let p = model.preset
    let model = self.model
    precondition(z.count == p.latentSize && pixels.count == p.pixelsPerFrame, "decode buffer sizes")
    bottleneck.withUnsafeMutableBufferPointer { b in
      DenseKernel.run(
        model.decoderDense, input: z, output: b, outputZeroPoint: model.decoderDenseZeroPoint, relu: true)
    }
    bottleneck.withUnsafeBufferPointer { b in
      expanded.withUnsafeMutableBufferPointer { e in
        PerPixelDenseKernel.run(
          model.expand, input: b, inputZeroPoint: model.decoderDenseZeroPoint, output: e,
          outputZeroPoint: model.expandZeroPoint, outputBits: model.decoderBits.expand, relu: false)
      }
    }
    var rows = p.bottleneckShape[0]
    var cols = p.bottleneckShape[1]
    var zeroPoint = model.expandZeroPoint
    for i in model.convs.indices {
      let input = i == 0 ? expanded : upsampled[i - 1]
      input.withUnsafeBufferPointer { x in
        convOutputs[i].withUnsafeMutableBufferPointer { y in
          Conv3x3Kernel.run(
            model.convs[i], requantization: model.convRequantizations[i], input: x, rows: rows, cols: cols,
            inputZeroPoint: zeroPoint, output: y, outputZeroPoint: model.convZeroPoints[i],
            outputBits: model.decoderBits.convs[i], relu: true)
        }
      }
      let channels = model.convs[i].outChannels
      convOutputs[i].withUnsafeBufferPointer { x in
        upsampled[i].withUnsafeMutableBufferPointer { y in
          Upsample2Kernel.run(input: x, rows: rows, cols: cols, channels: channels, output: y)
        }
      }
      zeroPoint = model.convZeroPoints[i]
      rows *= 2
      cols *= 2
    }
    upsampled[model.convs.count - 1].withUnsafeBufferPointer { x in
      PixelConvKernel.run(
        model.pixelConv, thresholds: model.pixelThresholds, input: x, rows: rows, cols: cols,
        inputZeroPoint: zeroPoint, output: pixels)
    }
  }
}
