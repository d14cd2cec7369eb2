// libFuzzer target: the int8 model reader (docs/INT8.md) on arbitrary bytes, checksum skipped so
// that mutations reach the model checks (the fuzz-only mode: a normal load always verifies the
// CRC); a model that loads is planned, given an arena and made to generate one frame with the
// streaming runtime. Built by scripts/fuzz.sh.

/// Arena cap: a plan over 4 MB is skipped (the tiny preset needs 9,888 bytes).
let arenaLimit = 4 << 20
/// Frame cap: generation is skipped above 512 × 512 pixels, to keep executions fast.
let pixelLimit = 512 * 512

/// Discards the rows, after touching them (so that AddressSanitizer checks every pixel).
struct DiscardingSink: FrameRowSink {
  var rows = 0
  var sum = 0
  mutating func take(row y: Int, pixels: UnsafeBufferPointer<UInt8>) {
    rows += 1
    for p in pixels { sum = sum &+ Int(p) }
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  // The reader refuses a buffer that is not 16-byte aligned: copy into one that is, of exactly
  // `size` bytes so that AddressSanitizer catches any read past the end.
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
  defer { buffer.deallocate() }
  if size > 0 { buffer.baseAddress!.copyMemory(from: data, byteCount: size) }
  guard let model = try? Int8Model(UnsafeRawBufferPointer(buffer), verifyChecksum: false) else {
    return 0
  }
  let preset = model.preset
  let plan = StreamingPlan(preset: preset)
  guard plan.totalBytes <= arenaLimit else { return 0 }
  guard preset.frameHeight * preset.frameWidth <= pixelLimit else { return 0 }
  let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: plan.totalBytes, alignment: 16)
  defer { arena.deallocate() }
  guard var generator = try? StreamingGenerator(model: model, seed: 7, options: .init(), arena: arena)
  else { return 0 }
  var sink = DiscardingSink()
  generator.nextFrame(&sink)
  if sink.rows != preset.frameHeight {
    fatalError("one frame gave \(sink.rows) rows, not \(preset.frameHeight)")
  }
  fuzzSink = fuzzSink &+ sink.sum
  return 0
}

/// Keeps the frame from being optimised away.
nonisolated(unsafe) var fuzzSink = 0
