// MARK: - firmware-facts: what run.sh needs to know about a model before it links the firmware
//
// Built for the host from the same Sources/Int8Runtime files as the firmware (one module, no
// import), cached by run.sh. Prints shell assignments on stdout, for `eval`:
//
//   $ firmware-facts models/tiny/model-int8.dnm --pi-temp 0.3
//   preset=tiny width=208 height=120 arena=9696 fps=25 pi_q16=19661 sigma_q16=65536
//
// - arena: StreamingPlan(model:).totalBytes, the streaming generator's arena (the firmware
//   checks it again: StreamingGenerator refuses a smaller arena).
// - fps: the y4m frame rate as `dancenet generate` resolves it (ModelFrameRate): metadata
//   `provenance.fps` of the int8 file, else of model.dnm beside it, else 25.
// - pi_q16, sigma_q16: the sampling temperatures as `dancenet generate` passes them to the
//   integer generator: a flag is parsed as the CLI parses it (Swift's `Double(text)`, range
//   checks of SamplingTemperatures.problem, then round(τ · 65536) with ties away from zero);
//   without a flag, the model's `generation.*_temperature` through DecimalQ16 (Int8ModelFile's
//   rule, at most 10), else 65536.
//
// The model is read WITHOUT its CRC-32 check (only its header, metadata and preset): a damaged
// model is the firmware's to refuse, with its own message.
//
// usage: firmware-facts MODEL.dnm [--pi-temp T] [--sigma-temp T]
// Exit status: 0; 1 the model cannot be read; 2 a bad flag value.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

func fail(_ message: String, status: Int32) -> Never {
  fputs("firmware-sim: \(message)\n", stderr)
  exit(status)
}

// MARK: - Arguments

var arguments = Array(CommandLine.arguments.dropFirst())
guard let path = arguments.first else { fail("usage: firmware-facts MODEL.dnm [--pi-temp T] [--sigma-temp T]", status: 2) }
arguments.removeFirst()
var piFlag: Double? = nil
var sigmaFlag: Double? = nil
while arguments.count >= 2 {
  let (flag, text) = (arguments[0], arguments[1])
  arguments.removeFirst(2)
  // As swift-argument-parser reads a Double option: LosslessStringConvertible, i.e. Double(text).
  guard let value = Double(text) else { fail("\(flag) must be a number, got '\(text)'", status: 2) }
  switch flag {
  case "--pi-temp": piFlag = value
  case "--sigma-temp": sigmaFlag = value
  default: fail("unknown flag '\(flag)'", status: 2)
  }
}
if !arguments.isEmpty { fail("\(arguments[0]) needs a value", status: 2) }

// The CLI's checks (SamplingTemperatures.problem) and its rule (GenerateCommand.runInt8).
let pi = piFlag ?? 1
let sigma = sigmaFlag ?? 1
if !(0.01...10.0).contains(pi) { fail("pi-temperature \(pi) must be in 0.01...10", status: 2) }
if !(0.0...10.0).contains(sigma) { fail("sigma-temperature \(sigma) must be in 0...10", status: 2) }
func cliQ16(_ t: Double) -> UInt32 { UInt32((t * 65536).rounded()) }

// MARK: - Files

/// The whole file in 16-byte aligned memory (the container reader requires it), or nil when it
/// does not exist. Never freed: the tool ends right after.
func readFile(_ path: String) -> UnsafeRawBufferPointer? {
  guard let file = fopen(path, "rb") else { return nil }
  defer { fclose(file) }
  fseek(file, 0, SEEK_END)
  let size = ftell(file)
  fseek(file, 0, SEEK_SET)
  guard size >= 0 else { fail("\(path): cannot read its size", status: 1) }
  let memory = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
  guard fread(memory, 1, size, file) == size else { fail("\(path): cannot read", status: 1) }
  return UnsafeRawBufferPointer(start: memory, count: size)
}

/// The container of `bytes`, its CRC-32 unchecked.
func container(_ bytes: UnsafeRawBufferPointer, _ path: String) -> TensorContainer {
  do throws(ContainerError) {
    return try TensorContainer(bytes, verifyChecksum: false)
  } catch {
    fail("\(path): \(error.message)", status: 1)
  }
}

guard let modelBytes = readFile(path) else { fail("\(path): no such model file", status: 1) }
let model = container(modelBytes, path)
if model.kind != .int8Model { fail("\(path): \(Int8ModelError.wrongKind(model.kind).description)", status: 1) }
let int8Model: Int8Model
do throws(Int8ModelError) {
  int8Model = try Int8Model(model)
} catch {
  fail("\(path): \(error.description)", status: 1)
}
let preset = int8Model.preset

// MARK: - Temperatures

/// Int8ModelFile's default: DecimalQ16 of the metadata value, at most 10; 1 when absent.
func metadataTemperature(_ key: String) -> UInt32 {
  guard let v = model.metadataValue(forKey: key) else { return 65536 }
  guard let q = DecimalQ16.parse(v), q <= 10 * 65536 else {
    fail("\(path): metadata \(key) is '\(MetadataValues.text(v))', not a decimal in 0...10", status: 1)
  }
  return q
}
let piQ16 = piFlag.map(cliQ16) ?? metadataTemperature("generation.pi_temperature")
let sigmaQ16 = sigmaFlag.map(cliQ16) ?? metadataTemperature("generation.sigma_temperature")

// MARK: - Frame rate (ModelFrameRate.resolve over GenerateModelChoice.frameRateFiles)

func recordedFPS(_ c: TensorContainer, _ path: String) -> Int? {
  guard let value = c.metadataValue(forKey: "provenance.fps") else { return nil }
  guard let fps = MetadataValues.decimal(value, limit: 1000), fps >= 1 else {
    fail(
      "\(path): metadata provenance.fps is '\(MetadataValues.text(value))', not a whole number in 1...1000",
      status: 1)
  }
  return fps
}
let slash = path.lastIndex(of: "/")
let folder = slash.map { String(path[..<$0]) } ?? "."
let floatPath = (folder.isEmpty ? "" : folder) + "/model.dnm"
var fps = recordedFPS(model, path)
if fps == nil, let floatBytes = readFile(floatPath) {
  // ModelFrameRate checks this file's CRC-32 (the float model is not the firmware's to refuse).
  do throws(ContainerError) {
    fps = recordedFPS(try TensorContainer(floatBytes), floatPath)
  } catch {
    fail("\(floatPath): \(error.message)", status: 1)
  }
}

// MARK: - Output
let arena = StreamingPlan(model: int8Model).totalBytes
// The preset name goes into a shell assignment: letters, digits, '-' and '_' only.
let safeName = preset.name.utf8.allSatisfy { b in
  (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D || b == 0x5F
}
print(
  "preset=\(safeName && !preset.name.isEmpty ? preset.name : "other") width=\(preset.frameWidth) height=\(preset.frameHeight) arena=\(arena) "
    + "fps=\(fps ?? 25) pi_q16=\(piQ16) sigma_q16=\(sigmaQ16)")
