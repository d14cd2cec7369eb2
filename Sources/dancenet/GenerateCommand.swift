import ArgumentParser
import FileAccess
import Foundation
import ImageIO
import Int8Runtime
import ModelFiles
import Trainer

// MARK: - generate

struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Generate a dance: DIR/1.png ... from a trained model.",
    discussion: """
      --float runs the float reference generator; --int8 runs the reference integer generator on \
      MODELDIR/model-int8.dnm (`dancenet quantize` writes it; docs/INT8.md specifies every \
      integer operation). The LSTM state is primed on the real latents before start latent K and carried from frame \
      to frame; noise comes from the integer generator DanceRandom, so float and int8 \
      generation can share it.
      """)

  @Option(help: "Model folder (holding model.dnm) or a .dnm file.") var model: String
  @Flag(help: "Use the float model (the reference the int8 path is measured against).") var float = false
  @Flag(help: "Use the int8 model (MODELDIR/model-int8.dnm) through the reference integer generator.")
  var int8 = false
  @Option(help: "Frames to generate.") var frames: Int = 100
  @Option(help: "Seed of the sampling noise.") var seed: UInt64 = 1
  @OptionGroup var temperatures: TemperatureOptions
  @Option(help: "Index of the stored start latent to begin from.") var start: Int = 0
  @Option(help: "Output folder for the PNG frames.") var out: String
  @Option(help: "Also write a contact sheet of the dance to this PNG.") var contactSheet: String?

  func validate() throws {
    guard float != int8 else {
      throw ValidationError("choose --float or --int8 (the streaming int8 runtime comes next)")
    }
    guard (1...1_000_000).contains(frames) else { throw ValidationError("--frames must be in 1...1000000") }
    guard start >= 0 else { throw ValidationError("--start must be 0 or more") }
  }

  func run() throws {
    if int8 { return try CLI.reporting { try runInt8() } }
    try CLI.reporting {
      let path = ModelDirectory.modelFile(model)
      let dance = try FloatDance.load(from: path)
      let chosen = temperatures.resolved(dance.defaultTemperatures)
      let (pi, sigma) = (chosen.pi, chosen.sigma)
      try ModelDirectory(out).create()
      var sheet: [GrayImage] = []
      let every = ContactSheet.stride(frameCount: frames, tiles: 48)
      try dance.generate(
        frames: frames, seed: seed, start: start, piTemperature: pi, sigmaTemperature: sigma
      ) { i, frame in
        try PNGFile.write(frame, to: "\(out)/\(i + 1).png")
        if i % every == 0 { sheet.append(frame) }
      }
      if let contactSheet { try PNGFile.write(ContactSheet.make(sheet, columns: 8), to: contactSheet) }
      CLI.printError(
        "generate: \(frames) frames (pi-temperature \(pi), sigma-temperature \(sigma)) -> \(out)")
    }
  }

  /// The reference integer generator on the int8 file: the same flags, temperatures as Q16.
  func runInt8() throws {
    let path = model.hasSuffix(".dnm") ? model : ModelDirectory(model).file("model-int8.dnm")
    let file = try Int8ModelFile(path: path)
    let q16 = { (t: Double) in UInt32((t * 65536).rounded()) }
    let options = Int8Generator.Options(
      start: start, piTemperatureQ16: temperatures.piTemp.map(q16) ?? file.defaultPiTemperatureQ16,
      sigmaTemperatureQ16: temperatures.sigmaTemp.map(q16) ?? file.defaultSigmaTemperatureQ16)
    var generator: Int8Generator
    do { generator = try Int8Generator(model: file.model, seed: seed, options: options) } catch {
      throw FileIOError(path: path, error.description)
    }
    let p = file.model.preset
    try ModelDirectory(out).create()
    var sheet: [GrayImage] = []
    let every = ContactSheet.stride(frameCount: frames, tiles: 48)
    var pixels = [UInt8](repeating: 0, count: p.pixelsPerFrame)
    for i in 0..<frames {
      pixels.withUnsafeMutableBufferPointer { generator.nextFrame(into: $0) }
      let frame = GrayImage(width: p.frameWidth, height: p.frameHeight, pixels: pixels)
      try PNGFile.write(frame, to: "\(out)/\(i + 1).png")
      if i % every == 0 { sheet.append(frame) }
    }
    if let contactSheet { try PNGFile.write(ContactSheet.make(sheet, columns: 8), to: contactSheet) }
    CLI.printError(
      "generate: \(frames) int8 frames (pi-temperature \(options.piTemperatureQ16)/65536, "
        + "sigma-temperature \(options.sigmaTemperatureQ16)/65536) -> \(out)")
  }
}
