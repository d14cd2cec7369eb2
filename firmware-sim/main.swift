// MARK: - firmware main (QEMU mps2-an386, Embedded Swift)
//
// Reads the model blob in flash through `TensorContainer` (CRC-32 included), then writes the
// proof stream (ProofStream.swift) to UART0 and ends QEMU through semihosting: status 0, or
// 1 when the model is refused (the reason goes to the debug console, i.e. run.sh's stderr).
// Measurements (clock ticks, stack and heap use) also go to the debug console.
//
// The parameters (frames, seed, format) are constants in config.c, which run.sh generates at
// build time (firmware has no command line); the Swift object therefore does not depend on
// them. The C side (firmware.h) is this module's bridging header.

/// The UART as a `ByteSink`.
struct UARTSink: ByteSink {
  @inline(__always)
  mutating func write(_ byte: UInt8) { uart_putc(byte) }
}

/// The semihosting debug console as a `ByteSink` (messages, never the stream).
struct DebugSink: ByteSink {
  @inline(__always)
  mutating func write(_ byte: UInt8) { debug_putc(byte) }
}

uart_init()
clock_start()

var debug = DebugSink()
if fw_config_format > 1 {
  debug.ascii("firmware: unknown format code in config.c\n")
  fw_exit(Int32(FW_EXIT_BAD_CONFIG))
}
let parameters = StreamParameters(
  frames: Int(fw_config_frames), seed: fw_config_seed, format: fw_config_format == 1 ? .y4m : .raw)

let model = UnsafeRawBufferPointer(start: model_blob_start(), count: model_blob_size())
let loadStart = clock_ticks()
let report: ModelReport
do throws(ProofError) {
  report = try readModelReport(model)
} catch {
  debug.ascii("firmware: model: ")
  switch error {
  case .container(let reason):
    for b in reason.message.utf8 { debug.write(b) }
  case .frameSize:
    debug.ascii("no frame size (metadata preset.frame_height, preset.frame_width)")
  }
  debug.ascii(" (heap used ")
  debug.decimal(UInt64(heap_peak()))
  debug.ascii(" of ")
  debug.decimal(UInt64(heap_size()))
  debug.ascii(" bytes)\n")
  fw_exit(Int32(FW_EXIT_BAD_MODEL))
}
let loadTicks = clock_ticks() &- loadStart

var uart = UARTSink()
var frameStart = clock_ticks()
var firstFrameTicks: UInt64 = 0
var lastFrameTicks: UInt64 = 0
let streamStart = frameStart
writeProofStream(report, parameters, to: &uart) { frame in
  let now = clock_ticks()
  if frame == 0 { firstFrameTicks = now &- frameStart }
  lastFrameTicks = now &- frameStart
  frameStart = now
}
let streamTicks = clock_ticks() &- streamStart

// firmware: model 1690276 bytes checked in T ticks; 3 frames in T ticks (first T, last T;
// UART busy N polls); stack N of N bytes; heap N of N bytes
debug.ascii("firmware: model ")
debug.decimal(UInt64(model.count))
debug.ascii(" bytes checked in ")
debug.decimal(loadTicks)
debug.ascii(" ticks; ")
debug.decimal(UInt64(parameters.frames))
debug.ascii(" frames in ")
debug.decimal(streamTicks)
debug.ascii(" ticks (first ")
debug.decimal(firstFrameTicks)
debug.ascii(", last ")
debug.decimal(lastFrameTicks)
debug.ascii("; UART busy ")
debug.decimal(UInt64(uart_waits()))
debug.ascii(" polls); stack ")
debug.decimal(UInt64(stack_used()))
debug.ascii(" of ")
debug.decimal(UInt64(stack_size()))
debug.ascii(" bytes; heap ")
debug.decimal(UInt64(heap_peak()))
debug.ascii(" of ")
debug.decimal(UInt64(heap_size()))
debug.ascii(" bytes\n")
fw_exit(Int32(FW_EXIT_OK))
