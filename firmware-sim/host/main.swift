// MARK: - host reference for the firmware
//
// The same ProofStream.swift and Sources/Int8Runtime files as the firmware, built for the host:
// writes to stdout exactly the bytes the firmware writes to its UART, for test.sh to compare.
//
// usage: firmware-host MODEL.dnm FRAMES SEED raw|y4m

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

func fail(_ message: String) -> Never {
  fputs("firmware-host: \(message)\n", stderr)
  exit(1)
}

/// stdout through a 64 KB buffer.
struct StdoutSink: ByteSink {
  var buffer: [UInt8] = []
  mutating func write(_ byte: UInt8) {
    buffer.append(byte)
    if buffer.count >= 1 << 16 { flush() }
  }
  mutating func flush() {
    buffer.withUnsafeBytes { b in
      if !b.isEmpty && fwrite(b.baseAddress, 1, b.count, stdout) != b.count {
        fail("cannot write to stdout")
      }
    }
    buffer.removeAll(keepingCapacity: true)
  }
}

let arguments = CommandLine.arguments
guard arguments.count == 5, let frames = Int(arguments[2]), frames >= 0,
  let seed = UInt64(arguments[3])
else { fail("usage: firmware-host MODEL.dnm FRAMES SEED raw|y4m") }
let format: StreamFormat
switch arguments[4] {
case "raw": format = .raw
case "y4m": format = .y4m
default: fail("format must be raw or y4m, got \(arguments[4])")
}

// Read the whole file into 16-byte aligned memory, as the container reader requires.
let path = arguments[1]
guard let file = fopen(path, "rb") else { fail("\(path): cannot open") }
fseek(file, 0, SEEK_END)
let size = ftell(file)
fseek(file, 0, SEEK_SET)
guard size >= 0 else { fail("\(path): cannot read its size") }
let memory = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
defer { memory.deallocate() }
guard fread(memory, 1, size, file) == size else { fail("\(path): cannot read") }
fclose(file)

let report: ModelReport
do throws(ProofError) {
  report = try readModelReport(UnsafeRawBufferPointer(start: memory, count: size))
} catch {
  switch error {
  case .container(let reason): fail("\(path): \(reason.message)")
  case .frameSize: fail("\(path): no frame size (metadata preset.frame_height, preset.frame_width)")
  }
}
var sink = StdoutSink()
writeProofStream(report, StreamParameters(frames: frames, seed: seed, format: format), to: &sink) {
  _ in
}
sink.flush()
fflush(stdout)
