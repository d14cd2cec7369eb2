// MARK: - firmware main (QEMU mps2-an386, Embedded Swift)
//
// Opens the int8 model in flash as an `Int8Model` (CRC-32 and every load-time check, weights read
// in place), starts the streaming generator in the linker script's arena, and writes the frames
// to UART0 in the host's raw or y4m bytes (`dancenet generate`'s). Ends QEMU through semihosting:
// status 0, or 1 when the model or an option is refused (the reason goes to the debug console,
// i.e. run.sh's stderr). Measurements (clock ticks, stack, heap and arena use) also go to the
// debug console.
//
// The parameters are constants in config.c, which run.sh generates at build time (firmware has
// no command line), so the Swift object does not depend on them. The temperatures arrive already
// in Q16, resolved by run.sh exactly as the host resolves them. The C side (firmware.h) is this
// module's bridging header.
//
// Probe mode (fw_config_probe = 1; run.sh links it with a big heap): load the model, start the
// generator, report the heap it took and stop before any frame; run.sh then sizes the heap of
// the real image to exactly that.

uart_init()
clock_start()

var debug = DebugSink()

/// Ends with status 1 after "firmware: WHAT: WHY (heap used N of N bytes)".
func refuse(_ what: StaticString, _ why: String) -> Never {
  debug.ascii("firmware: ")
  debug.ascii(what)
  debug.ascii(": ")
  debug.text(why)
  debug.labelled(" (heap used ", UInt64(heap_peak()))
  debug.labelled(" of ", UInt64(heap_size()))
  debug.ascii(" bytes)\n")
  fw_exit(Int32(FW_EXIT_BAD_MODEL))
}

if fw_config_format > 1 || fw_config_fps < 1 || fw_config_fps > 1000 || fw_config_frames < 1 {
  debug.ascii("firmware: bad parameters in config.c\n")
  fw_exit(Int32(FW_EXIT_BAD_CONFIG))
}
let format: StreamFormat = fw_config_format == 1 ? .y4m : .raw

// MARK: - Load (the model's checks run here, on the emulated CPU)
let blob = UnsafeRawBufferPointer(start: model_blob_start(), count: model_blob_size())
let loadStart = clock_ticks()
let model: Int8Model
do throws(Int8ModelError) {
  model = try Int8Model(blob)
} catch {
  refuse("model", error.description)
}
let loadTicks = clock_ticks() &- loadStart

// MARK: - Generator (plans the arena, checks it is big enough, primes the LSTM state)
let arena = UnsafeMutableRawBufferPointer(start: arena_start(), count: arena_size())
let options = Int8Generator.Options(
  start: Int(fw_config_start), piTemperatureQ16: fw_config_pi_q16,
  sigmaTemperatureQ16: fw_config_sigma_q16)
let primeStart = clock_ticks()
var generator: StreamingGenerator
do throws(Int8ModelError) {
  generator = try StreamingGenerator(model: model, seed: fw_config_seed, options: options, arena: arena)
} catch {
  refuse("generator", error.description)
}
let primeTicks = clock_ticks() &- primeStart

if fw_config_probe != 0 {
  // firmware: probe: heap 4704 bytes; arena plan 9696 bytes; stack 9752 bytes
  debug.labelled("firmware: probe: heap ", UInt64(heap_peak()))
  debug.labelled(" bytes; arena plan ", UInt64(generator.plan.totalBytes))
  debug.labelled(" bytes; stack ", UInt64(stack_used()))
  debug.ascii(" bytes\n")
  fw_exit(Int32(FW_EXIT_OK))
}

// MARK: - Frames
var uart = UARTSink()
var rows = UARTRowSink()
let p = model.preset
writeStreamHeader(format, width: p.frameWidth, height: p.frameHeight, fps: Int(fw_config_fps), to: &uart)
var firstFrameTicks: UInt64 = 0
var lastFrameTicks: UInt64 = 0
let streamStart = clock_ticks()
for frame in 0..<Int(fw_config_frames) {
  writeFrameHeader(format, to: &uart)
  let start = clock_ticks()
  generator.nextFrame(&rows)
  lastFrameTicks = clock_ticks() &- start
  if frame == 0 { firstFrameTicks = lastFrameTicks }
}
let streamTicks = clock_ticks() &- streamStart

// firmware: model 252868 bytes checked in T ticks; generator ready in T ticks; 3 frames in T
// ticks (first T, last T; rows out T; UART busy N polls); stack N of N bytes; heap N of N bytes;
// arena N of N bytes
debug.labelled("firmware: model ", UInt64(blob.count))
debug.labelled(" bytes checked in ", loadTicks)
debug.labelled(" ticks; generator ready in ", primeTicks)
debug.labelled(" ticks; ", UInt64(fw_config_frames))
debug.labelled(" frames in ", streamTicks)
debug.labelled(" ticks (first ", firstFrameTicks)
debug.labelled(", last ", lastFrameTicks)
debug.labelled("; rows out ", rows.outputTicks)
debug.labelled("; UART busy ", UInt64(uart_waits()))
debug.labelled(" polls); stack ", UInt64(stack_used()))
debug.labelled(" of ", UInt64(stack_size()))
debug.labelled(" bytes; heap ", UInt64(heap_peak()))
debug.labelled(" of ", UInt64(heap_size()))
debug.labelled(" bytes; arena ", UInt64(generator.plan.totalBytes))
debug.labelled(" of ", UInt64(arena_size()))
debug.ascii(" bytes\n")
fw_exit(Int32(FW_EXIT_OK))
