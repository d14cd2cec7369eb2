import Foundation
import Trainer

// MARK: - EvalReport

/// Every figure of `dancenet eval`, with a Markdown rendering (`markdown()`, in
/// EvalReportMarkdown.swift) and its JSON twin (`json()`).
///
/// JSON rules: keys sorted, two-space pretty printing, so the same report gives the same bytes.
/// Non-finite numbers (a diverged model's NLL, an identical pair's PSNR) are written as the
/// strings "inf", "-inf" and "nan"; a figure that was not measured (an optional that is nil) is
/// written as null, so every key is always present.
///
/// ```swift
/// let data = try report.json()                    // {"dance": {...}, "generation": {...}, ...}
/// let back = try EvalReport.decode(json: data)    // == report
/// let text = report.markdown()                    // "# dancenet evaluation ..."
/// ```
public struct EvalReport: Sendable, Equatable, Codable {
  // MARK: - Sections

  /// What was evaluated.
  public struct Inputs: Sendable, Equatable, Codable {
    /// The model folder, as given.
    public var model: String
    /// The data folder, as given (or "synthetic").
    public var data: String
    /// Frames held out from training and used here.
    public var heldOutFrames: Int
    /// Latent size D.
    public var latentDimension: Int

    public init(model: String, data: String, heldOutFrames: Int, latentDimension: Int) {
      self.model = model
      self.data = data
      self.heldOutFrames = heldOutFrames
      self.latentDimension = latentDimension
    }
  }

  /// VAE reconstruction of held-out frames (`ImageMetrics`).
  public struct Reconstruction: Sendable, Equatable, Codable {
    public var frames: Int
    /// Mean PSNR in dB, each frame capped at `ImageMetrics.psnrCapDB`.
    public var psnrDB: Double
    /// Mean SSIM (Wang et al. 2004, 11x11 Gaussian window, σ 1.5).
    public var ssim: Double

    public init(frames: Int, psnrDB: Double, ssim: Double) {
      self.frames = frames
      self.psnrDB = psnrDB
      self.ssim = ssim
    }
  }

  /// MDN negative log-likelihood of the next latent on held-out windows.
  public struct SequenceLikelihood: Sendable, Equatable, Codable {
    public var windows: Int
    public var stepsPerWindow: Int
    /// Predicted steps scored in all (windows × steps per window).
    public var steps: Int
    /// Mean NLL per step in nats, LSTM state carried through each window.
    public var nllPerStepStateful: Double
    /// The same with the state reset before every step (the original's first-order use), if
    /// measured.
    public var nllPerStepStateless: Double?

    public init(
      windows: Int, stepsPerWindow: Int, steps: Int, nllPerStepStateful: Double,
      nllPerStepStateless: Double?
    ) {
      self.windows = windows
      self.stepsPerWindow = stepsPerWindow
      self.steps = steps
      self.nllPerStepStateful = nllPerStepStateful
      self.nllPerStepStateless = nllPerStepStateless
    }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(windows, forKey: .windows)
      try c.encode(stepsPerWindow, forKey: .stepsPerWindow)
      try c.encode(steps, forKey: .steps)
      try c.encode(nllPerStepStateful, forKey: .nllPerStepStateful)
      try c.encode(nllPerStepStateless, forKey: .nllPerStepStateless)
    }
  }

  /// How the generated dance was made.
  public struct Generation: Sendable, Equatable, Codable {
    public var seeds: [UInt64]
    /// Frames generated from each seed (one clip per seed).
    public var framesPerSeed: Int
    /// All generated frames (seeds × frames per seed).
    public var frames: Int
    /// Divides the MDN mixture logits.
    public var piTemperature: Double
    /// Scales the MDN standard deviations.
    public var sigmaTemperature: Double

    public init(
      seeds: [UInt64], framesPerSeed: Int, piTemperature: Double, sigmaTemperature: Double
    ) {
      self.seeds = seeds
      self.framesPerSeed = framesPerSeed
      self.frames = seeds.count * framesPerSeed
      self.piTemperature = piTemperature
      self.sigmaTemperature = sigmaTemperature
    }
  }

  /// Generated dance against held-out real dance.
  public struct DanceComparison: Sendable, Equatable, Codable {
    /// Real held-out frames compared against.
    public var realFrames: Int
    /// Fréchet distance between generated and real latents.
    public var latentFrechet: FrechetDistance.Result
    /// Fréchet distance between generated and real latent velocities (frame-to-frame differences).
    public var velocityFrechet: FrechetDistance.Result
    /// Loop radius r (latent units of `LoopMeasure`) and minimum lag in frames.
    public var loopRadius: Double
    public var loopMinLag: Int
    public var loopGenerated: LoopMeasure.Result
    public var loopReal: LoopMeasure.Result
    /// Mean |latent velocity| (`LatentVelocities.meanSpeed`), generated and real.
    public var latentSpeedGenerated: Double?
    public var latentSpeedReal: Double?
    /// Mean absolute frame-to-frame pixel change, 0...255 (`PixelChange`), generated and real.
    public var pixelChangeGenerated: Double?
    public var pixelChangeReal: Double?

    public init(
      realFrames: Int, latentFrechet: FrechetDistance.Result,
      velocityFrechet: FrechetDistance.Result, loopRadius: Double, loopMinLag: Int,
      loopGenerated: LoopMeasure.Result, loopReal: LoopMeasure.Result,
      latentSpeedGenerated: Double?, latentSpeedReal: Double?, pixelChangeGenerated: Double?,
      pixelChangeReal: Double?
    ) {
      self.realFrames = realFrames
      self.latentFrechet = latentFrechet
      self.velocityFrechet = velocityFrechet
      self.loopRadius = loopRadius
      self.loopMinLag = loopMinLag
      self.loopGenerated = loopGenerated
      self.loopReal = loopReal
      self.latentSpeedGenerated = latentSpeedGenerated
      self.latentSpeedReal = latentSpeedReal
      self.pixelChangeGenerated = pixelChangeGenerated
      self.pixelChangeReal = pixelChangeReal
    }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(realFrames, forKey: .realFrames)
      try c.encode(latentFrechet, forKey: .latentFrechet)
      try c.encode(velocityFrechet, forKey: .velocityFrechet)
      try c.encode(loopRadius, forKey: .loopRadius)
      try c.encode(loopMinLag, forKey: .loopMinLag)
      try c.encode(loopGenerated, forKey: .loopGenerated)
      try c.encode(loopReal, forKey: .loopReal)
      try c.encode(latentSpeedGenerated, forKey: .latentSpeedGenerated)
      try c.encode(latentSpeedReal, forKey: .latentSpeedReal)
      try c.encode(pixelChangeGenerated, forKey: .pixelChangeGenerated)
      try c.encode(pixelChangeReal, forKey: .pixelChangeReal)
    }
  }

  /// A picture written beside the report, linked by a file name relative to the report.
  public struct Picture: Sendable, Equatable, Codable {
    public var title: String
    public var file: String

    public init(title: String, file: String) {
      self.title = title
      self.file = file
    }
  }

  // MARK: - Fields

  public var inputs: Inputs
  public var reconstruction: Reconstruction
  public var sequence: SequenceLikelihood
  public var generation: Generation
  public var dance: DanceComparison
  /// For example a contact sheet of generated frames and a plot of latent speed over time.
  public var pictures: [Picture]

  public init(
    inputs: Inputs, reconstruction: Reconstruction, sequence: SequenceLikelihood,
    generation: Generation, dance: DanceComparison, pictures: [Picture]
  ) {
    self.inputs = inputs
    self.reconstruction = reconstruction
    self.sequence = sequence
    self.generation = generation
    self.dance = dance
    self.pictures = pictures
  }

  // MARK: - JSON twin

  /// Strings standing for non-finite numbers in the JSON twin.
  public static let nonFiniteStrings = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

  /// The JSON twin: sorted keys, pretty-printed, ending in a newline.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    let s = Self.nonFiniteStrings
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: s.positiveInfinity, negativeInfinity: s.negativeInfinity, nan: s.nan)
    var data = try encoder.encode(self)
    data.append(0x0A)
    return data
  }

  /// Reads a JSON twin back.
  public static func decode(json data: Data) throws -> EvalReport {
    let decoder = JSONDecoder()
    let s = nonFiniteStrings
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: s.positiveInfinity, negativeInfinity: s.negativeInfinity, nan: s.nan)
    do {
      return try decoder.decode(EvalReport.self, from: data)
    } catch let DecodingError.dataCorrupted(context) {
      throw EvaluationError("evaluation report JSON: \(describe(context))")
    } catch let DecodingError.keyNotFound(key, context) {
      throw EvaluationError("evaluation report JSON: missing key \(key.stringValue) at \(describe(context))")
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
      throw EvaluationError("evaluation report JSON: \(describe(context))")
    } catch {
      throw EvaluationError("evaluation report JSON: not a valid report")
    }
  }

  static func describe(_ context: DecodingError.Context) -> String {
    let path = context.codingPath.map(\.stringValue).joined(separator: ".")
    let detail = context.debugDescription.split(separator: "\n").first.map(String.init) ?? ""
    return (path.isEmpty ? "top level" : path) + (detail.isEmpty ? "" : ": " + detail)
  }
}
