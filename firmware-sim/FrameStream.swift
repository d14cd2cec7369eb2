// MARK: - FrameStream
//
// The host's stream formats (Sources/ImageIO/FrameStreamFormat.swift), byte for byte, written to
// the UART: `raw` is bare 8-bit gray frames, rows top to bottom; `y4m` is one stream header
// "YUV4MPEG2 W208 H120 F25:1 Ip A1:1 Cmono\n", then per frame "FRAME\n" and the pixels.

/// The stream's format (config.c: 0 raw, 1 y4m).
enum StreamFormat {
  case raw, y4m
}

/// The bytes before the first frame: y4m's stream header, nothing for raw.
func writeStreamHeader<Sink: ByteSink>(
  _ format: StreamFormat, width: Int, height: Int, fps: Int, to sink: inout Sink
) {
  guard format == .y4m else { return }
  sink.ascii("YUV4MPEG2 W")
  sink.decimal(UInt64(width))
  sink.ascii(" H")
  sink.decimal(UInt64(height))
  sink.ascii(" F")
  sink.decimal(UInt64(fps))
  sink.ascii(":1 Ip A1:1 Cmono\n")
}

/// The bytes before each frame's pixels: y4m's "FRAME\n", nothing for raw.
func writeFrameHeader<Sink: ByteSink>(_ format: StreamFormat, to sink: inout Sink) {
  if format == .y4m { sink.ascii("FRAME\n") }
}

/// The streaming generator's rows straight to the UART. Counts the clock ticks spent writing
/// them, so that the frame's compute can be told apart from its output.
struct UARTRowSink: FrameRowSink {
  var outputTicks: UInt64 = 0

  mutating func take(row y: Int, pixels: UnsafeBufferPointer<UInt8>) {
    let start = clock_ticks()
    uart_write(pixels.baseAddress, pixels.count)
    outputTicks &+= clock_ticks() &- start
  }
}
