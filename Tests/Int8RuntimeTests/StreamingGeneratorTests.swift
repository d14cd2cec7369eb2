import Foundation
import Int8Runtime
import Testing

// MARK: - Helpers

/// An arena of `bytes` at a 16-byte boundary, painted with `canary`, freed after `body`.
private func withArena<R>(
  _ bytes: Int, canary: UInt8 = 0xA5, _ body: (UnsafeMutableRawBufferPointer) throws -> R
) rethrows -> R {
  let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes, 1), alignment: 16)
  defer { arena.deallocate() }
  arena.initializeMemory(as: UInt8.self, repeating: canary)
  return try body(UnsafeMutableRawBufferPointer(rebasing: arena[0..<bytes]))
}

/// The synthetic model's bytes, optionally with the sub-pixel form of every conv after an upsample.
private func modelBytes(_ synthetic: SyntheticInt8Model, subPixel: Bool) throws -> AlignedBytes {
  var builder = synthetic.builder
  if subPixel {
    let plain = AlignedBytes(builder.bytes())
    let model = try Int8Model(plain.buffer)
    let n = model.convs.count
    for i in 1...n {
      let conv = i < n ? model.convs[i] : model.pixelConv
      builder.int16(
        "decoder.conv\(i + 1).phase_weights",
        SubPixelPhaseWeights.shape(out: conv.outChannels, in: conv.inChannels),
        SubPixelPhaseWeights.make(from: conv))
    }
  }
  return AlignedBytes(builder.bytes())
}

private func referenceFrames(_ model: Int8Model, seed: UInt64, options: Int8Generator.Options, count: Int)
  throws -> [[UInt8]]
{
  var gen = try Int8Generator(model: model, seed: seed, options: options)
  return (0..<count).map { _ in
    var frame = [UInt8](repeating: 0, count: model.preset.pixelsPerFrame)
    frame.withUnsafeMutableBufferPointer { gen.nextFrame(into: $0) }
    return frame
  }
}

private func streamingFrames(
  _ model: Int8Model, seed: UInt64, options: Int8Generator.Options, count: Int,
  arena: UnsafeMutableRawBufferPointer
) throws -> [[UInt8]] {
  var gen = try StreamingGenerator(model: model, seed: seed, options: options, arena: arena)
  return (0..<count).map { _ in
    var frame = [UInt8](repeating: 0, count: model.preset.pixelsPerFrame)
    frame.withUnsafeMutableBufferPointer { gen.nextFrame(into: $0) }
    return frame
  }
}

/// A small preset with other shapes than the shipped ones: two scale steps, odd widths.
private let oddPreset = ModelPreset(
  name: "odd", frameHeight: 24, frameWidth: 36, latentSize: 7, encoderChannels: [5, 3], encoderHidden: 9,
  decoderExpand: 11, decoderChannels: [6, 5], lstmLayers: 3, lstmUnits: 13, dropoutPercent: 0, denseUnits: 10,
  mixtures: 3)

// MARK: - Bit-exact against the reference generator

@Test(arguments: [false, true], [false, true])
func streamingFramesEqualTheReferenceFrames(subPixel: Bool, stateless: Bool) throws {
  var synthetic = SyntheticInt8Model(seed: 3)
  if stateless { synthetic.builder.metadata["sequence.mode"] = "stateless" }
  let bytes = try modelBytes(synthetic, subPixel: subPixel)
  try withExtendedLifetime(bytes) {
    let model = try Int8Model(bytes.buffer)
    #expect((model.subPixelPhases[0] != nil) == subPixel)
    let options = Int8Generator.Options(start: 1, piTemperatureQ16: 40_000, sigmaTemperatureQ16: 70_000)
    let expected = try referenceFrames(model, seed: 9, options: options, count: 3)
    let plan = StreamingPlan(model: model)
    let got = try withArena(plan.totalBytes) {
      try streamingFrames(model, seed: 9, options: options, count: 3, arena: $0)
    }
    #expect(got == expected)
    #expect(Set(got[0]).count > 10)
  }
}

@Test(arguments: [false, true])
func otherShapesStreamTheReferenceFrames(subPixel: Bool) throws {
  let bytes = try modelBytes(
    SyntheticInt8Model(preset: oddPreset, seed: 5, starts: 2, primers: 0), subPixel: subPixel)
  try withExtendedLifetime(bytes) {
    let model = try Int8Model(bytes.buffer)
    let expected = try referenceFrames(model, seed: 2, options: .init(), count: 4)
    let got = try withArena(StreamingPlan(preset: oddPreset).totalBytes) {
      try streamingFrames(model, seed: 2, options: .init(), count: 4, arena: $0)
    }
    #expect(got == expected)
  }
}

/// 12-bit activations (decoder.expand and every conv; `ActivationBits`): int16 windows, the
/// same bytes as the reference, through the sub-pixel phases or by indexing, on two presets.
@Test(arguments: [false, true], [ModelPreset.tiny, oddPreset])
func wideActivationsStreamTheReferenceFrames(subPixel: Bool, preset: ModelPreset) throws {
  let bytes = try modelBytes(
    SyntheticInt8Model(preset: preset, seed: 6, starts: 2, primers: 1, wide: true), subPixel: subPixel)
  try withExtendedLifetime(bytes) {
    let model = try Int8Model(bytes.buffer)
    #expect(model.decoderBits.wideLayerNames.count == 1 + preset.decoderChannels.count)
    let expected = try referenceFrames(model, seed: 4, options: .init(start: 1), count: 3)
    let plan = StreamingPlan(model: model)
    // Every activation window is twice the 8-bit plan's.
    let narrow = StreamingPlan(preset: preset)
    for (wide, int8) in zip(plan.buffers, narrow.buffers) where wide.name.hasSuffix(".rows") {
      #expect(wide.bytes == 2 * int8.bytes, "\(wide.name)")
    }
    let got = try withArena(plan.totalBytes) {
      try streamingFrames(model, seed: 4, options: .init(start: 1), count: 3, arena: $0)
    }
    #expect(got == expected)
    #expect(Set(got[0]).count > 10)
  }
}

/// Latents at and beyond the trained range drive every layer into its clamps (relu floors and the
/// int8 or 12-bit and pixel ceilings): the streaming decoder still gives the reference's bytes.
@Test(arguments: [false, true], [false, true])
func saturatingLatentsDecodeAsTheReference(subPixel: Bool, wide: Bool) throws {
  let bytes = try modelBytes(SyntheticInt8Model(seed: 4, wide: wide), subPixel: subPixel)
  try withExtendedLifetime(bytes) {
    let model = try Int8Model(bytes.buffer)
    var reference = try Int8Generator(model: model, seed: 1)
    var rng = DanceRandom(seed: 12)
    let latents: [[Int16]] = [
      [Int16](repeating: 32767, count: 32), [Int16](repeating: -32768, count: 32),
      (0..<32).map { $0 % 2 == 0 ? 32767 : -32768 }, randomInt16(32, &rng, magnitude: 20000),
    ]
    try withArena(StreamingPlan(model: model).totalBytes) { arena in
      let streaming = try StreamingGenerator(model: model, seed: 1, arena: arena)
      for z in latents {
        var expected = [UInt8](repeating: 0, count: 120 * 208)
        z.withUnsafeBufferPointer { zp in
          expected.withUnsafeMutableBufferPointer { reference.decode(latent: zp, into: $0) }
        }
        var sink = CollectingSink()
        z.withUnsafeBufferPointer { streaming.decode(latent: $0, &sink) }
        #expect(sink.pixels == expected)
        #expect(sink.rows == Array(0..<120))
      }
      // The clamps were reached: some layer output sits at its ceiling.
      let ceiling: Int16 = wide ? 2047 : 127
      #expect(reference.lastDecoderOutputs.dropFirst().contains { $0.contains(ceiling) })
    }
  }
}

@Test func theShippedTinyModelStreamsItsReferenceFrames() throws {
  let bytes = try shippedInt8Model("tiny")
  try withExtendedLifetime(bytes) {
    let model = try Int8Model(bytes.buffer)
    let options = Int8Generator.Options(start: 3, piTemperatureQ16: 19661, sigmaTemperatureQ16: 65536)
    let expected = try referenceFrames(model, seed: 1, options: options, count: 3)
    let got = try withArena(StreamingPlan(model: model).totalBytes) {
      try streamingFrames(model, seed: 1, options: options, count: 3, arena: $0)
    }
    #expect(got == expected)
  }
}

// MARK: - The arena

@Test func thePlansMeetTheMemoryTargets() {
  let tiny = StreamingPlan(preset: .tiny)
  let paper = StreamingPlan(preset: .paper)
  #expect(tiny.totalBytes <= 16 * 1024, "tiny arena \(tiny.totalBytes)")
  #expect(paper.totalBytes <= 64 * 1024, "paper arena \(paper.totalBytes)")
  #expect(tiny.totalBytes == 9_888)  // the worked example in StreamingPlan's documentation
  // The paper model with 12-bit decoder.expand, conv1 and conv2 (the shipped choice) stays
  // inside the 128 KB must.
  let widePaper = StreamingPlan(
    preset: .paper, bits: DecoderActivationBits(expand: .wide, convs: [.wide, .wide, .int8]))
  #expect(widePaper.totalBytes <= 128 * 1024, "paper arena with 12-bit layers \(widePaper.totalBytes)")
  for plan in [tiny, paper] {
    for b in plan.buffers {
      #expect(b.offset % StreamingPlan.alignment == 0)
      #expect(b.offset + b.bytes <= plan.totalBytes)
    }
    // Buffers of the same or overlapping lifetimes never share bytes: run-long buffers overlap
    // nothing; step and frame buffers overlap only each other.
    for a in plan.buffers {
      for b in plan.buffers where a.name != b.name {
        let overlap = a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes
        if overlap { #expect(Set([a.lifetime, b.lifetime]) == [.step, .frame], "\(a.name) \(b.name)") }
      }
    }
  }
}

@Test func anArenaOneByteBelowThePlanIsRefusedAndThePlanItselfIsAccepted() throws {
  let bytes = try modelBytes(SyntheticInt8Model(), subPixel: false)
  try withExtendedLifetime(bytes) {
    let model = try Int8Model(bytes.buffer)
    let plan = StreamingPlan(model: model)
    withArena(plan.totalBytes - 1) { arena in
      _ = #expect(throws: Int8ModelError.arenaTooSmall(needed: plan.totalBytes, budget: plan.totalBytes - 1))
      {
        try StreamingGenerator(model: model, seed: 1, arena: arena)
      }
    }
    try withArena(plan.totalBytes) { arena in
      _ = try StreamingGenerator(model: model, seed: 1, arena: arena)
    }
    #expect(plan.refusal(budget: plan.totalBytes) == nil)
    #expect(
      Int8ModelError.arenaTooSmall(needed: 183_296, budget: 131_072).description
        == "needs 183,296 bytes of arena; the budget is 131,072")
  }
}

/// The high-water mark: an arena larger than the plan, painted with a canary; after generating,
/// every byte past the plan's total still holds the canary.
@Test func generatingNeverWritesPastThePlan() throws {
  let bytes = try modelBytes(SyntheticInt8Model(), subPixel: true)
  try withExtendedLifetime(bytes) {
    let model = try Int8Model(bytes.buffer)
    let plan = StreamingPlan(model: model)
    for canary: UInt8 in [0x00, 0xA5, 0xFF] {
      try withArena(plan.totalBytes + 4096, canary: canary) { arena in
        _ = try streamingFrames(model, seed: 3, options: .init(), count: 2, arena: arena)
        let highWater = (0..<arena.count).last { arena[$0] != canary }.map { $0 + 1 } ?? 0
        #expect(
          highWater <= plan.totalBytes, "wrote up to byte \(highWater) of a \(plan.totalBytes)-byte plan")
        #expect(highWater > plan.totalBytes - 256)  // the last buffer (the pixel row) is used
      }
    }
  }
}

private struct CollectingSink: FrameRowSink {
  var pixels: [UInt8] = []
  var rows: [Int] = []
  mutating func take(row y: Int, pixels row: UnsafeBufferPointer<UInt8>) {
    rows.append(y)
    pixels.append(contentsOf: row)
  }
}
