import ArgumentParser
import FileAccess
import Foundation
import ImageIO
import Int8Runtime
import ModelFiles
import Trainer

// MARK: - generate

/// `dancenet generate`: a dance from a trained model, streamed to stdout or written to a folder.
///
/// ```text
/// $ dancenet generate --model models/tiny --frames 250 --seed 1 | ffmpeg -f yuv4mpegpipe -i - dance.mp4
/// generate: 250 int8 frames (int8 runtime, pi-temperature 19661/65536, sigma-temperature
///   65536/65536) -> stdout (y4m, 208x120, 25 fps)
/// $ dancenet generate --model models/tiny --float --frames 100 --seed 1 --out dance   # dance/1.png ...
/// ```
struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Generate a dance: a y4m, pgm or raw stream on stdout, or DIR/1.png ... with --out.",
    discussion: """
      Generator: the int8 runtime on MODELDIR/model-int8.dnm whenever the model has one (`dancenet \
      quantize` writes it; --int8 names it explicitly), else the float model with a note on stderr. \
      --reference runs the reference integer generator and --float the float reference generator, \
      so the paths can be compared byte for byte (today the int8 runtime is the reference integer \
      generator). The LSTM state is primed on the real latents before start latent K and carried \
      from frame to frame; noise comes from the integer generator DanceRandom.

      Output: without --out, frames go to stdout as a stream (default y4m: YUV4MPEG2, Cmono, \
      for `| ffmpeg -f yuv4mpegpipe -i - dance.mp4`; pgm: binary P5 images, for `| ffmpeg -f \
      image2pipe -c:v pgm -i -`; raw: bare 8-bit gray frames, rows top to bottom). --out DIR \
      writes DIR/1.png ... (--format png, the default with --out), or with --format y4m|pgm|raw one \
      file DIR/dance.y4m (.pgm, .raw) that appears only complete. Messages go to stderr; a reader \
      that closes the pipe early (`| head -c 1000`) ends generation quietly with exit code 0.

      Frame rate (y4m header): --fps, else the model's `provenance.fps` (the int8 file's, else \
      the float file's next to it), else 25.

      --budget BYTES (131072, 128K, 1M) is the memory the integer runtime may plan for its arena; \
      a plan over budget ends the run before any output with exit code 2. The reference and float \
      generators plan no arena, so with them the budget is only parsed.
      """)

  @Option(help: "Model folder (holding model.dnm and model-int8.dnm) or a .dnm file.") var model: String
  @Flag(help: "Use the float model (the reference the int8 path is measured against).") var float = false
  @Flag(help: "Use the reference integer generator on the int8 model.") var reference = false
  @Flag(help: "Use the int8 runtime (the default when the model has an int8 file).") var int8 = false
  @Option(help: "Frames to generate.") var frames: Int = 100
  @Option(help: "Seed of the sampling noise.") var seed: UInt64 = 1
  @OptionGroup var temperatures: TemperatureOptions
  @Option(help: "Index of the stored start latent to begin from.") var start: Int = 0
  @Option(
    help: "y4m, pgm or raw (a stream; y4m without --out) or png (DIR/1.png ...; the default with --out).")
  var format: String?
  @Option(help: "Output folder: DIR/1.png ..., or DIR/dance.y4m (.pgm, .raw) with --format.") var out: String?
  @Option(help: "Frames per second in the y4m header (default: the model's provenance.fps, else 25).")
  var fps: Int?
  @Option(
    parsing: .unconditional, help: "Memory budget of the integer runtime's arena in bytes: 131072, 128K, 1M.")
  var budget: String?
  @Option(help: "Also write a contact sheet of the dance to this PNG.") var contactSheet: String?

  func validate() throws {
    guard [float, reference, int8].filter({ $0 }).count <= 1 else {
      throw ValidationError("--float, --reference and --int8 choose one generator; give at most one")
    }
    guard (1...1_000_000).contains(frames) else { throw ValidationError("--frames must be in 1...1000000") }
    guard start >= 0 else { throw ValidationError("--start must be 0 or more") }
    if let fps, !(1...FrameStreamFormat.maximumFPS).contains(fps) {
      throw ValidationError("--fps must be a whole number in 1...\(FrameStreamFormat.maximumFPS), got \(fps)")
    }
    if let format, FrameOutputFormat(rawValue: format) == nil {
      throw ValidationError("--format must be y4m, pgm, raw or png, got '\(format)'")
    }
    if outputFormat == .png && out == nil {
      throw ValidationError("--format png writes files: give --out DIR")
    }
    if let out, out.isEmpty { throw ValidationError("--out must name a folder") }
    if let contactSheet, contactSheet.isEmpty { throw ValidationError("--contact-sheet must name a file") }
  }

  /// --format, else png with --out and y4m without.
  var outputFormat: FrameOutputFormat {
    format.flatMap(FrameOutputFormat.init(rawValue:)) ?? (out == nil ? .y4m : .png)
  }

  func run() throws {
    try CLI.reporting {
      let budgetBytes = try budget.map { (text) throws(ByteCount.Invalid) in
        try ByteCount.parse(text, flag: "--budget")
      }
      if out == nil && StandardOutput.isTerminal {
        throw ValidationError(
          "stdout is a terminal: pipe the frames (| ffmpeg -f yuv4mpegpipe -i - dance.mp4) or give --out DIR")
      }
      let choice = try GenerateModelChoice(model: model, float: float, reference: reference, int8: int8)
      if let note = choice.note { CLI.printError(note) }
      StandardOutput.ignoreBrokenPipeSignal()
      do {
        switch choice.generator {
        case .float: try runFloat(choice, budget: budgetBytes)
        case .reference, .int8Runtime: try runInt8(choice, budget: budgetBytes)
        }
      } catch FrameStreamError.readerClosed {
        return  // `| head`: the reader has what it wanted
      }
    }
  }

  // MARK: - Output and budget

  /// The frame rate: --fps, else the model's, else 25.
  func frameRate(_ choice: GenerateModelChoice) throws(FileIOError) -> Int {
    if let fps { return fps }
    return try ModelFrameRate.resolve(choice.frameRateFiles).fps
  }

  /// Opens the output for frames of `width`×`height` (after the model loaded, so a bad model
  /// leaves no folder behind).
  func openOutput(_ choice: GenerateModelChoice, width: Int, height: Int) throws -> FrameOutput {
    try FrameOutput(
      format: outputFormat, folder: out, width: width, height: height, fps: try frameRate(choice),
      frames: frames, contactSheet: contactSheet)
  }

  /// Checks the generator's arena plan against --budget before any output: a plan over budget
  /// is one line and exit code 2. `plan` is nil for a generator without an arena plan (the
  /// reference integer generator, the float generator): then a given budget is only reported.
  func enforceBudget(_ budget: Int?, plan: StreamingPlan?, generatorName: String) throws {
    guard let budget else { return }
    guard let plan else {
      CLI.printError(
        "generate: note: the \(generatorName) plans no arena; --budget \(LayerTable.grouped(budget)) is not checked"
      )
      return
    }
    if let problem = plan.refusal(budget: budget) {
      CLI.printError("dancenet: \(model): \(problem)")
      throw ExitCode(Self.overBudgetExitCode)
    }
  }

  /// The exit code of an arena plan over --budget (1 is every other failure).
  static let overBudgetExitCode: Int32 = 2

  /// Runs the frame loop `body` and finishes `output`; returns where the frames went. A reader
  /// that closed the stream still gets the contact sheet of the frames so far, then the run ends
  /// quietly (`run` catches `readerClosed`).
  func writeFrames(to output: FrameOutput, _ body: () throws -> Void) throws -> String {
    do { try body() } catch FrameStreamError.readerClosed {
      try output.writeContactSheet()
      throw FrameStreamError.readerClosed
    }
    return try output.finish()
  }

  // MARK: - Float

  func runFloat(_ choice: GenerateModelChoice, budget: Int?) throws {
    let dance = try FloatDance.load(from: choice.path)
    try enforceBudget(budget, plan: nil, generatorName: "float generator")
    let chosen = temperatures.resolved(dance.defaultTemperatures)
    let p = dance.file.preset
    let output = try openOutput(choice, width: p.frameWidth, height: p.frameHeight)
    let place = try writeFrames(to: output) {
      try dance.generate(
        frames: frames, seed: seed, start: start, piTemperature: chosen.pi, sigmaTemperature: chosen.sigma
      ) { _, frame in
        try frame.pixels.withUnsafeBufferPointer { try output.write(frame: $0) }
      }
    }
    CLI.printError(
      "generate: \(frames) frames (pi-temperature \(chosen.pi), sigma-temperature \(chosen.sigma)) -> \(place)"
    )
  }

  // MARK: - Integer

  /// The int8 model through the streaming runtime (the default: one planned arena, rows straight
  /// into the output) or the reference integer generator (`--reference`): temperatures as Q16.
  func runInt8(_ choice: GenerateModelChoice, budget: Int?) throws {
    let file = try Int8ModelFile(path: choice.path)
    let q16 = { (t: Double) in UInt32((t * 65536).rounded()) }
    let options = Int8Generator.Options(
      start: start, piTemperatureQ16: temperatures.piTemp.map(q16) ?? file.defaultPiTemperatureQ16,
      sigmaTemperatureQ16: temperatures.sigmaTemp.map(q16) ?? file.defaultSigmaTemperatureQ16)
    let p = file.model.preset
    let name: String
    let place: String
    do {
      if choice.generator == .reference {
        name = "reference integer generator"
        var generator = try Int8Generator(model: file.model, seed: seed, options: options)
        try enforceBudget(budget, plan: nil, generatorName: name)
        let output = try openOutput(choice, width: p.frameWidth, height: p.frameHeight)
        var pixels = [UInt8](repeating: 0, count: p.pixelsPerFrame)
        place = try writeFrames(to: output) {
          for _ in 0..<frames {
            pixels.withUnsafeMutableBufferPointer { generator.nextFrame(into: $0) }
            try pixels.withUnsafeBufferPointer { try output.write(frame: $0) }
          }
        }
      } else {
        let plan = StreamingPlan(model: file.model)
        name = "int8 runtime, arena \(LayerTable.grouped(plan.totalBytes)) bytes"
        try enforceBudget(budget, plan: plan, generatorName: name)
        let arena = UnsafeMutableRawBufferPointer.allocate(
          byteCount: plan.totalBytes, alignment: StreamingPlan.alignment)
        defer { arena.deallocate() }
        var generator = try StreamingGenerator(model: file.model, seed: seed, options: options, arena: arena)
        let output = try openOutput(choice, width: p.frameWidth, height: p.frameHeight)
        var sink = OutputRowSink(output: output)
        place = try writeFrames(to: output) {
          for _ in 0..<frames {
            output.beginFrame()
            generator.nextFrame(&sink)
            try output.endFrame()
          }
        }
      }
    } catch let error as Int8ModelError {
      throw FileIOError(path: choice.path, error.description)
    }
    CLI.printError(
      "generate: \(frames) int8 frames (\(name), pi-temperature \(options.piTemperatureQ16)/65536, "
        + "sigma-temperature \(options.sigmaTemperatureQ16)/65536) -> \(place)")
  }
}

// MARK: - OutputRowSink

/// The streaming runtime's rows straight into the frame output.
struct OutputRowSink: FrameRowSink {
  let output: FrameOutput
  mutating func take(row y: Int, pixels: UnsafeBufferPointer<UInt8>) { output.append(row: pixels) }
}
