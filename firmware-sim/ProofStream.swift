// MARK: - ProofStream
//
// The byte stream the firmware writes to its UART today, written by the same code on the host
// (host/main.swift) so the two can be compared byte for byte: a report of the model container
// (read in place through `TensorContainer`, CRC-32 checked) and then `frames` frames of
// deterministic bytes from `DanceRandom(seed:)`, sized from the model's metadata.
//
// When the int8 generator lands, the frames come from it instead of from the generator's raw
// draws; the sinks, the formats and the comparison stay.
//
// Compiled into one module with Sources/Int8Runtime/*.swift (no `import`), for the firmware
// with Embedded Swift and for the host with plain swiftc: standard library only, no
// allocation, no existentials.

/// Where the stream goes: the UART on the firmware, a buffered stdout on the host.
protocol ByteSink {
  mutating func write(_ byte: UInt8)
}

/// `raw`: one report line, then the frames' gray8 bytes back to back.
/// `y4m`: a YUV4MPEG2 stream (mono, 10 frames per second, the report in a short `X` header
/// parameter), each frame after a `FRAME` line.
enum StreamFormat {
  case raw, y4m
}

struct StreamParameters {
  var frames: Int
  var seed: UInt64
  var format: StreamFormat
}

/// Why no stream was written.
enum ProofError: Error {
  case container(ContainerError)
  /// The metadata lacks `preset.frame_height` or `preset.frame_width` as a decimal 1...16384.
  case frameSize
}

/// The facts of the model that the report states (all read from the container).
struct ModelReport {
  var kind: UInt16
  var tensorCount: Int
  var metadataCount: Int
  var crc32: UInt32
  var frameWidth: Int
  var frameHeight: Int
}

/// Reads the container and its frame size, or throws.
func readModelReport(_ bytes: UnsafeRawBufferPointer) throws(ProofError) -> ModelReport {
  let container: TensorContainer
  do {
    container = try TensorContainer(bytes)
  } catch {
    throw .container(error)
  }
  guard let height = decimalMetadata(container, "preset.frame_height"),
    let width = decimalMetadata(container, "preset.frame_width")
  else { throw .frameSize }
  let n = bytes.count  // at least 68 in a valid container; the trailer is the last 4 bytes
  let crc =
    UInt32(bytes[n - 4]) | UInt32(bytes[n - 3]) << 8 | UInt32(bytes[n - 2]) << 16
    | UInt32(bytes[n - 1]) << 24
  return ModelReport(
    kind: container.kind.rawValue, tensorCount: container.tensorCount,
    metadataCount: container.metadataCount, crc32: crc, frameWidth: width, frameHeight: height)
}

/// Writes the whole stream: header (the report), then the frames. `frameDone(i)` runs after
/// frame i has been written.
func writeProofStream<Sink: ByteSink>(
  _ report: ModelReport, _ parameters: StreamParameters, to sink: inout Sink,
  frameDone: (Int) -> Void
) {
  switch parameters.format {
  case .raw:
    // dancenet-firmware kind=1 tensors=52 metadata=27 crc32=1a2b3c4d width=208 height=120 frames=3 seed=7
    sink.ascii("dancenet-firmware kind=")
    sink.decimal(UInt64(report.kind))
    sink.ascii(" tensors=")
    sink.decimal(UInt64(report.tensorCount))
    sink.ascii(" metadata=")
    sink.decimal(UInt64(report.metadataCount))
    sink.ascii(" crc32=")
    sink.hex32(report.crc32)
    sink.ascii(" width=")
    sink.decimal(UInt64(report.frameWidth))
    sink.ascii(" height=")
    sink.decimal(UInt64(report.frameHeight))
    sink.ascii(" frames=")
    sink.decimal(UInt64(parameters.frames))
    sink.ascii(" seed=")
    sink.decimal(parameters.seed)
    sink.write(0x0A)
  case .y4m:
    // YUV4MPEG2 W208 H120 F10:1 Ip A1:1 Cmono XDNCE=1:52:27:1a2b3c4d (kind, tensors, metadata,
    // CRC-32; ffmpeg reads at most 80 header bytes, so this stays short and leaves out the seed)
    sink.ascii("YUV4MPEG2 W")
    sink.decimal(UInt64(report.frameWidth))
    sink.ascii(" H")
    sink.decimal(UInt64(report.frameHeight))
    sink.ascii(" F10:1 Ip A1:1 Cmono XDNCE=")
    sink.decimal(UInt64(report.kind))
    sink.write(0x3A)
    sink.decimal(UInt64(report.tensorCount))
    sink.write(0x3A)
    sink.decimal(UInt64(report.metadataCount))
    sink.write(0x3A)
    sink.hex32(report.crc32)
    sink.write(0x0A)
  }

  // Each frame: width x height bytes, four per draw, least significant byte first; a frame
  // whose size is not a multiple of 4 uses the low bytes of one more draw and drops the rest.
  // The generator runs on across frames.
  var random = DanceRandom(seed: parameters.seed)
  let frameBytes = report.frameWidth * report.frameHeight
  for frame in 0..<parameters.frames {
    if parameters.format == .y4m { sink.ascii("FRAME\n") }
    var remaining = frameBytes
    while remaining > 0 {
      var word = random.next()
      for _ in 0..<min(4, remaining) {
        sink.write(UInt8(truncatingIfNeeded: word))
        word >>= 8
      }
      remaining -= min(4, remaining)
    }
    frameDone(frame)
  }
}

/// A metadata value that is a decimal 1...16384 (the format's bound on every size), or nil.
func decimalMetadata(_ container: TensorContainer, _ key: String) -> Int? {
  guard let value = container.metadataValue(forKey: key), value.count >= 1, value.count <= 5
  else { return nil }
  var n = 0
  for b in value {
    guard b >= 0x30 && b <= 0x39 else { return nil }
    n = n * 10 + Int(b - 0x30)
  }
  return n >= 1 && n <= 16384 ? n : nil
}

// MARK: - Text without String (no allocation)

extension ByteSink {
  mutating func ascii(_ text: StaticString) {
    text.withUTF8Buffer { bytes in
      for b in bytes { write(b) }
    }
  }

  /// `value` in decimal, without leading zeros.
  mutating func decimal(_ value: UInt64) {
    var divisor: UInt64 = 1
    while value / divisor >= 10 { divisor *= 10 }
    while divisor > 0 {
      write(0x30 + UInt8(value / divisor % 10))
      divisor /= 10
    }
  }

  /// Eight lowercase hexadecimal digits.
  mutating func hex32(_ value: UInt32) {
    for shift in stride(from: 28, through: 0, by: -4) {
      let d = UInt8(truncatingIfNeeded: value >> UInt32(shift)) & 0xF
      write(d < 10 ? 0x30 + d : 0x57 + d)
    }
  }
}
