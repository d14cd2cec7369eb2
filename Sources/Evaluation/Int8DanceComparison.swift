import Foundation
import Trainer

// MARK: - Int8DanceComparison

/// `dancenet eval --int8`: the int8 dance beside the float dance, each measured against the
/// real held-out dance with the measures of `EvalReport` (Fréchet distances of latents and
/// velocities, loop fraction, latent speed, and with every frame decoded pixel change and large
/// jumps), plus how many steps the int8 dance follows the float dance of the same seed
/// (`LatentDeparture`). Written as `int8-report.md` and `int8-report.json` beside `report.md`.
///
/// Both dances use the same seeds, starts and temperatures: seed s (s = 1, 2, ...) starts from
/// stored start latent (s − 1) × N / seeds, where N is the number of starts both files store
/// (an int8 file may keep only the first of the float model's starts, `quantize --starts`).
/// With one seed the two draw the same noise, so they can be compared step by step.
///
/// Targets (issue 12): the int8 velocity Fréchet distance within 10 % of the float dance's
/// (`velocityFrechetRatio` in 0.9...1.1); the contact sheet `int8-generated.png` shows the
/// same clean figure as `generated.png` (both seed 1, start 0, the same frames).
///
/// ```swift
/// let (float, int8) = try DanceEvaluation.run(
///   modelPath: "models/tiny/model.dnm", int8: try Int8ModelFile(path: "models/tiny/model-int8.dnm"),
///   dataset: data, options: .init(), int8Options: .init(), outputFolder: "models/tiny/eval")
/// int8.velocityFrechetRatio   // e.g. 1.03
/// int8.medianDeparture        // e.g. 41: half the seeds follow the float dance for 40 steps
/// ```
public struct Int8DanceComparison: Sendable, Equatable, Codable {
  /// What the comparison decodes and draws.
  public struct Options: Sendable, Equatable {
    /// Decode every int8 frame (and every float frame) for the pixel measures. Off by default:
    /// the reference integer decoder takes about 1–2 s per `paper` frame.
    public var decodeEveryFrame = false
    /// Tiles of the int8 contact sheet (seed 1's dance, the same frames as `generated.png`).
    public var contactSheetTiles = 48
    /// Seeds drawn in the departure plot.
    public var plottedSeeds = 4
    /// RMS distance per dimension at which the int8 dance has departed.
    public var departureThreshold = LatentDeparture.threshold

    public init() {}

    /// Nil when usable, else one line.
    public var problem: String? {
      if contactSheetTiles < 1 { return "the int8 contact sheet needs at least 1 tile" }
      if plottedSeeds < 1 { return "the departure plot needs at least 1 seed" }
      if !(departureThreshold > 0) { return "the departure threshold must be above 0" }
      return nil
    }
  }

  // MARK: - Fields

  /// The float model and the int8 model, as given.
  public var floatModel: String
  public var int8Model: String
  /// f of the int8 latent format (`LatentFormat`).
  public var latentFractionBits: Int
  public var latentDimension: Int
  public var seeds: [UInt64]
  /// The stored start latent of each seed, the same in both dances.
  public var starts: [Int]
  public var framesPerSeed: Int
  public var piTemperature: Double
  public var sigmaTemperature: Double
  /// The same temperatures as the integer generator takes them (`Int8DanceSource.q16`).
  public var piTemperatureQ16: UInt32
  public var sigmaTemperatureQ16: UInt32
  /// Real held-out frames measured against.
  public var realFrames: Int
  /// The generated-side measures of each dance (the sweep's point type: temperatures and the
  /// measures); pixel change and jumps only when every frame was decoded.
  public var float: TemperatureSweep.Point
  public var int8: TemperatureSweep.Point
  /// The real dance's side of the same measures.
  public var loopRadius: Double
  public var loopReal: LoopMeasure.Result
  @AlwaysEncoded public var latentSpeedReal: Double?
  @AlwaysEncoded public var pixelChangeReal: Double?
  public var jumpsReal: PixelJumps.Result
  /// int8 velocity Fréchet distance / float velocity Fréchet distance (target 0.9...1.1).
  public var velocityFrechetRatio: Double
  /// `LatentDeparture.threshold` as used.
  public var departureThreshold: Double
  /// The first step whose int8–float distance exceeds the threshold, per seed (null: never).
  public var departureSteps: [Int?]
  @AlwaysEncoded public var earliestDeparture: Int?
  /// `LatentDeparture.median` of `departureSteps` (null: half the seeds or more never departed).
  @AlwaysEncoded public var medianDeparture: Int?
  /// The int8–float distance averaged over every step of every seed.
  public var meanDistance: Double
  /// Whether every frame of both dances was decoded (`Options.decodeEveryFrame`): the pixel
  /// measures need it.
  public var everyFrameDecoded: Bool
  /// Int8 frames decoded (contact sheet tiles, or every frame).
  public var decodedInt8Frames: Int
  public var pictures: [EvalReport.Picture]

  /// The velocity target: within 10 % of the float dance's.
  public var velocityFrechetWithinTarget: Bool { abs(velocityFrechetRatio - 1) <= 0.1 }

  // MARK: - JSON twin

  /// The JSON twin, by `EvalReport`'s rules (sorted keys, non-finite numbers as strings).
  public func json() throws -> Data { try EvalReport.encodeJSON(self) }

  /// Reads a JSON twin back.
  public static func decode(json data: Data) throws -> Int8DanceComparison {
    try EvalReport.decodeJSON(Int8DanceComparison.self, from: data, name: "int8 evaluation report")
  }
}
