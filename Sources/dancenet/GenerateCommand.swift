import ArgumentParser
import Foundation
import ImageIO
import ModelFiles
import Trainer

// MARK: - generate

struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Generate a dance: DIR/1.png ... from a trained model.",
    discussion: """
      --float runs the float reference generator (the int8 runtime comes with the quantizer). \
      The LSTM state is primed on the real latents before start latent K and carried from frame \
      to frame; noise comes from the integer generator DanceRandom, so float and int8 \
      generation can share it.
      """)

  @Option(help: "Model folder (holding model.dnm) or a .dnm file.") var model: String
  @Flag(help: "Use the float model (the reference the int8 path is measured against).") var float = false
  @Option(help: "Frames to generate.") var frames: Int = 100
  @Option(help: "Seed of the sampling noise.") var seed: UInt64 = 1
  @Option(help: "Mixture temperature: divides the MDN logits (default: the model's, else 1).")
  var piTemp: Double?
  @Option(help: "Sigma temperature: scales each Gaussian's spread (default: the model's, else 1).")
  var sigmaTemp: Double?
  @Option(help: "Index of the stored start latent to begin from.") var start: Int = 0
  @Option(help: "Output folder for the PNG frames.") var out: String
  @Option(help: "Also write a contact sheet of the dance to this PNG.") var contactSheet: String?

  func validate() throws {
    guard float else {
      throw ValidationError(
        "only --float generation exists so far (the int8 runtime comes with the quantizer)")
    }
    guard (1...1_000_000).contains(frames) else { throw ValidationError("--frames must be in 1...1000000") }
    if let e = SamplingTemperatures.problem(pi: piTemp ?? 1, sigma: sigmaTemp ?? 1) {
      throw ValidationError(e)
    }
    guard start >= 0 else { throw ValidationError("--start must be 0 or more") }
  }

  func run() throws {
    try CLI.reporting {
      let path = ModelDirectory.modelFile(model)
      let dance = try FloatDance.load(from: path)
      let pi = piTemp ?? dance.defaultTemperatures.pi
      let sigma = sigmaTemp ?? dance.defaultTemperatures.sigma
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
}
