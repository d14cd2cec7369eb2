import Foundation
import Trainer

// MARK: - EvalReport

/// Every figure of `dancenet eval`, with a Markdown rendering (`markdown()`, in
/// EvalReportMarkdown.swift) and its JSON twin (`json()`).
///
/// JSON rules: keys sorted, two-space pretty printing, so the same report gives the same bytes.
/// Every stored property is encoded by the synthesized `Codable` conformances, so a new field
/// cannot be left out. Non-finite numbers (a diverged model's NLL, an identical pair's PSNR) are
/// written as the strings "inf", "-inf" and "nan"; a figure that was not measured (an optional,
/// marked `@AlwaysEncoded`) is written as null, so every key is always present.
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
    @AlwaysEncoded public var nllPerStepStateless: Double?

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
    /// True when the temperatures are the model file's defaults (`generation.*`), false when
    /// the caller chose them.
    public var temperaturesFromModel: Bool

    public init(
      seeds: [UInt64], framesPerSeed: Int, piTemperature: Double, sigmaTemperature: Double,
      temperaturesFromModel: Bool
    ) {
      self.seeds = seeds
      self.framesPerSeed = framesPerSeed
      self.frames = seeds.count * framesPerSeed
      self.piTemperature = piTemperature
      self.sigmaTemperature = sigmaTemperature
      self.temperaturesFromModel = temperaturesFromModel
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
    @AlwaysEncoded public var latentSpeedGenerated: Double?
    @AlwaysEncoded public var latentSpeedReal: Double?
    /// Mean absolute frame-to-frame pixel change, 0...255 (`PixelChange`), generated and real.
    @AlwaysEncoded public var pixelChangeGenerated: Double?
    @AlwaysEncoded public var pixelChangeReal: Double?
    /// Large pixel jumps (`PixelJumps`): the threshold J (3 × the real median step change, nil
    /// without real steps) and the steps above it, generated and real.
    @AlwaysEncoded public var jumpThreshold: Double?
    public var jumpsGenerated: PixelJumps.Result
    public var jumpsReal: PixelJumps.Result

    public init(
      realFrames: Int, latentFrechet: FrechetDistance.Result,
      velocityFrechet: FrechetDistance.Result, loopRadius: Double, loopMinLag: Int,
      loopGenerated: LoopMeasure.Result, loopReal: LoopMeasure.Result,
      latentSpeedGenerated: Double?, latentSpeedReal: Double?, pixelChangeGenerated: Double?,
      pixelChangeReal: Double?, jumpThreshold: Double?, jumpsGenerated: PixelJumps.Result,
      jumpsReal: PixelJumps.Result
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
      self.jumpThreshold = jumpThreshold
      self.jumpsGenerated = jumpsGenerated
      self.jumpsReal = jumpsReal
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
  /// The same dance measures over a grid of temperatures, and the grid point the rule chose
  /// (`TemperatureSweep`); nil when no sweep was run.
  @AlwaysEncoded public var sweep: TemperatureSweep?
  /// For example a contact sheet of generated frames and a plot of latent speed over time.
  public var pictures: [Picture]

  public init(
    inputs: Inputs, reconstruction: Reconstruction, sequence: SequenceLikelihood,
    generation: Generation, dance: DanceComparison, sweep: TemperatureSweep?, pictures: [Picture]
  ) {
    self.inputs = inputs
    self.reconstruction = reconstruction
    self.sequence = sequence
    self.generation = generation
    self.dance = dance
    self.sweep = sweep
    self.pictures = pictures
  }

  // MARK: - JSON twin

  /// Strings standing for non-finite numbers in the JSON twin.
  public static let nonFiniteStrings = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

  /// The JSON twin: sorted keys, pretty-printed, ending in a newline.
  public func json() throws -> Data { try Self.encodeJSON(self) }

  /// Reads a JSON twin back.
  public static func decode(json data: Data) throws -> EvalReport {
    try decodeJSON(EvalReport.self, from: data, name: "evaluation report")
  }

  /// Any report section by the JSON twin's rules: sorted keys, pretty-printed, non-finite
  /// numbers as `nonFiniteStrings`, ending in a newline (also `Int8DanceComparison`'s twin).
  static func encodeJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    let s = Self.nonFiniteStrings
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: s.positiveInfinity, negativeInfinity: s.negativeInfinity, nan: s.nan)
    var data = try encoder.encode(value)
    data.append(0x0A)
    return data
  }

  /// Reads what `encodeJSON` wrote; a problem is one line "NAME JSON: ...".
  static func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, name: String) throws -> T {
    let decoder = JSONDecoder()
    let s = nonFiniteStrings
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: s.positiveInfinity, negativeInfinity: s.negativeInfinity, nan: s.nan)
    do {
      return try decoder.decode(T.self, from: data)
    } catch let DecodingError.dataCorrupted(context) {
      throw EvaluationError("\(name) JSON: \(describe(context))")
    } catch let DecodingError.keyNotFound(key, context) {
      throw EvaluationError("\(name) JSON: missing key \(key.stringValue) at \(describe(context))")
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
      throw EvaluationError("\(name) JSON: \(describe(context))")
    } catch {
      throw EvaluationError("\(name) JSON: not a valid report")
    }
  }

  static func describe(_ context: DecodingError.Context) -> String {
    let path = context.codingPath.map(\.stringValue).joined(separator: ".")
    let detail = context.debugDescription.split(separator: "\n").first.map(String.init) ?? ""
    return (path.isEmpty ? "top level" : path) + (detail.isEmpty ? "" : ": " + detail)
  }
}

// MARK: - AlwaysEncoded

/// An optional figure that the JSON twin always writes: its value, or null when it was not
/// measured (synthesized `Codable` would leave a nil out). Decoding accepts null.
///
/// ```swift
/// struct Figures: Codable { @AlwaysEncoded var psnr: Double? }
/// // Figures(psnr: nil) encodes as {"psnr": null}, not {}
/// ```
@propertyWrapper
public struct AlwaysEncoded<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
  public var wrappedValue: Value?

  public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    wrappedValue = c.decodeNil() ? nil : try c.decode(Value.self)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    if let v = wrappedValue { try c.encode(v) } else { try c.encodeNil() }
  }
}
