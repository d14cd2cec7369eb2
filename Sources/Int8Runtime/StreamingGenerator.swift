// MARK: - FrameRowSink

/// Where the streaming generator's pixel rows go: a stdout writer, a UART, a frame buffer.
/// Row y (0 ..< frameHeight, top to bottom) of frameWidth 8-bit gray pixels; the buffer is valid
/// only during the call.
public protocol FrameRowSink {
  mutating func take(row y: Int, pixels: UnsafeBufferPointer<UInt8>)
}

// MARK: - StreamingGenerator

/// The streaming integer generator: the reference generator's frames (`Int8Generator`), byte for
/// byte, in one arena of `StreamingPlan(model:).totalBytes` bytes that the caller provides, with no
/// heap allocation after load and no floating point. Per frame: one stateful sequence step (unit
/// by unit, `StreamingSequence`), the integer MDN sample (logits first, then only the chosen
/// component's means and sigmas), then the decoder row by row (`StreamingDecoder`), each finished
/// row handed to the sink.
///
/// The generator is a view: it keeps pointers into the arena and into the model's bytes, both of
/// which must outlive it (a memory-mapped file and a buffer on the host; flash and a static array
/// on the firmware).
///
/// ```swift
/// let plan = StreamingPlan(model: model)                      // tiny: 9,888 bytes
/// let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: plan.totalBytes, alignment: 16)
/// var gen = try StreamingGenerator(model: model, seed: 7, options: .init(), arena: arena)
/// var sink = MyRowWriter()                                     // a FrameRowSink
/// gen.nextFrame(&sink)                                          // 120 rows of 208 pixels
/// ```
public struct StreamingGenerator {
  public let model: Int8Model
  public let options: Int8Generator.Options
  public let plan: StreamingPlan
  public let sampler: IntegerMDNSampler
  public private(set) var rng: DanceRandom
  /// The component chosen at the last step.
  public private(set) var lastComponent = -1

  // MARK: Arena views
  let h: UnsafeMutablePointer<Int16>
  let c: UnsafeMutablePointer<Int16>
  let latent: UnsafeMutablePointer<Int16>
  let hNext: UnsafeMutablePointer<Int16>
  let denseOutput: UnsafeMutablePointer<Int16>
  let logits: UnsafeMutablePointer<Int32>
  let decoder: StreamingDecoder

  /// Plans the arena, checks that `arena` holds it (`Int8ModelError.arenaTooSmall` otherwise),
  /// zeroes the state and primes it as the reference does.
  public init(
    model: Int8Model, seed: UInt64, options: Int8Generator.Options = .init(),
    arena: UnsafeMutableRawBufferPointer
  ) throws(Int8ModelError) {
    let p = model.preset
    sampler = try options.sampler(for: model)
    guard p.decoderChannels.count <= StreamingDecoder.maxScaleSteps else {
      throw .invalidOption(
        "the streaming runtime decodes at most \(StreamingDecoder.maxScaleSteps) scale steps")
    }
    let plan = StreamingPlan(model: model)
    guard let base = arena.baseAddress, arena.count >= plan.totalBytes else {
      throw .arenaTooSmall(needed: plan.totalBytes, budget: arena.count)
    }
    guard Int(bitPattern: base) % StreamingPlan.alignment == 0 else {
      throw .invalidOption("the arena must start on a \(StreamingPlan.alignment)-byte boundary")
    }
    self.model = model
    self.options = options
    self.plan = plan
    rng = DanceRandom(seed: seed)
    func view<T>(_ i: Int, _ type: T.Type) -> UnsafeMutablePointer<T> {
      (base + plan.buffers[i].offset).assumingMemoryBound(to: T.self)
    }
    h = view(StreamingPlan.h, Int16.self)
    c = view(StreamingPlan.c, Int16.self)
    latent = view(StreamingPlan.latent, Int16.self)
    hNext = view(StreamingPlan.hNext, Int16.self)
    denseOutput = view(StreamingPlan.denseOutput, Int16.self)
    logits = view(StreamingPlan.logits, Int32.self)
    decoder = StreamingDecoder(model: model, plan: plan, arena: base)

    // MARK: Priming (as Int8Generator: one step per primer, no sampling, then the start latent)
    resetState()
    let D = p.latentSize
    for i in 0..<model.primerCount {
      let z = model.primer(start: options.start, i)
      for d in 0..<D { latent[d] = z[d] }
      sequenceStep()
    }
    let z = model.startLatent(options.start)
    for d in 0..<D { latent[d] = z[d] }
  }

  /// Zeroes h and c of every layer.
  public func resetState() {
    let n = model.preset.lstmLayers * model.preset.lstmUnits
    h.update(repeating: 0, count: n)
    c.update(repeating: 0, count: n)
  }

  func sequenceStep() {
    StreamingSequence.step(model, latent: latent, h: h, c: c, hNext: hNext, denseOutput: denseOutput)
  }

  // MARK: - Generation

  /// The current latent (latent format): the start latent, then each frame's sample.
  public var currentLatent: UnsafeBufferPointer<Int16> {
    UnsafeBufferPointer(start: latent, count: model.preset.latentSize)
  }

  /// One generated step: (stateless: zero state) the sequence step, then the sample into the
  /// current latent. Draws 1 + 12·D values.
  public mutating func nextLatent() {
    if model.isStateless { resetState() }
    sequenceStep()
    var rng = self.rng
    lastComponent = sampler.sample(
      head: model.mdn, input: UnsafeBufferPointer(start: denseOutput, count: model.preset.denseUnits),
      logits: UnsafeMutableBufferPointer(start: logits, count: model.preset.mixtures), rng: &rng,
      output: UnsafeMutableBufferPointer(start: latent, count: model.preset.latentSize))
    self.rng = rng
  }

  /// The next frame, row by row into `sink`.
  public mutating func nextFrame<Sink: FrameRowSink>(_ sink: inout Sink) {
    nextLatent()
    decoder.decode(latent: latent) { y, pixels in sink.take(row: y, pixels: pixels) }
  }

  /// The decoder alone: a latent (latent format, normalised) to rows into `sink`. Touches only the
  /// frame buffers, not the sequence state.
  public func decode<Sink: FrameRowSink>(latent z: UnsafeBufferPointer<Int16>, _ sink: inout Sink) {
    precondition(z.count == model.preset.latentSize, "decode latent size")
    decoder.decode(latent: z.baseAddress!) { y, pixels in sink.take(row: y, pixels: pixels) }
  }

  /// The next frame into a frameHeight × frameWidth buffer.
  public mutating func nextFrame(into pixels: UnsafeMutableBufferPointer<UInt8>) {
    precondition(pixels.count == model.preset.pixelsPerFrame, "frame buffer size")
    var sink = FrameBufferSink(pixels: pixels)
    nextFrame(&sink)
  }
}

// MARK: - FrameBufferSink

/// Rows into one whole-frame buffer.
struct FrameBufferSink: FrameRowSink {
  let pixels: UnsafeMutableBufferPointer<UInt8>
  mutating func take(row y: Int, pixels row: UnsafeBufferPointer<UInt8>) {
    let at = y * row.count
    for x in 0..<row.count { pixels[at + x] = row[x] }
  }
}
