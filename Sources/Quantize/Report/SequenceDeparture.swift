import Evaluation
import ImageIO
import Int8Runtime
import Trainer

// MARK: - SequenceDeparture

/// How many steps the int8 dance follows the float dance with the same noise: the report's
/// free-running figure beside the teacher-forced `SequenceAccuracy`. Both dances are generated
/// as `eval --int8` generates them (`LatentDeparture.distances`: same seeds, starts and default
/// temperatures), and the dance departs at the first step whose RMS latent distance per
/// dimension exceeds `LatentDeparture.threshold` (0.5 normalised units).
///
/// ```swift
/// let (d, distances) = try SequenceDeparture.measure(dance: dance, model: int8, path: path)
/// d.departureSteps     // e.g. [112, 87, nil, 140]: nil never departed in `steps`
/// d.medianDeparture    // 112 (nil counts as later than any step)
/// ```
public struct SequenceDeparture: Codable, Sendable, Equatable {
  public var seeds: [UInt64]
  public var steps: Int
  public var piTemperature: Double
  public var sigmaTemperature: Double
  public var threshold: Double
  /// Per seed, the first step above the threshold (null: none within `steps`).
  public var departureSteps: [Int?]
  @AlwaysEncoded public var medianDeparture: Int?
  @AlwaysEncoded public var earliestDeparture: Int?
  /// The distance averaged over every step of every seed.
  public var meanDistance: Double

  public static let plotFile = "departure.png"

  /// Both dances of `seeds` for `steps` steps; also returns the distances, per seed and step,
  /// for the plot.
  public static func measure(
    dance: FloatDance, model: Int8Model, path: String, seeds: [UInt64] = [1, 2, 3, 4],
    steps: Int = 300
  ) throws -> (departure: SequenceDeparture, distances: [[Double]]) {
    let temperatures = dance.defaultTemperatures
    let distances = try LatentDeparture.distances(
      float: dance, int8: model, path: path, seeds: seeds, steps: steps, temperatures: temperatures)
    let departures = distances.map { LatentDeparture.firstDeparture($0) }
    let all = distances.flatMap { $0 }
    let departure = SequenceDeparture(
      seeds: seeds, steps: steps, piTemperature: temperatures.pi, sigmaTemperature: temperatures.sigma,
      threshold: LatentDeparture.threshold, departureSteps: departures,
      medianDeparture: LatentDeparture.median(departures),
      earliestDeparture: departures.compactMap { $0 }.min(),
      meanDistance: all.reduce(0, +) / Double(max(all.count, 1)))
    return (departure, distances)
  }

  /// The distance of every seed over time, with the threshold (`Int8DanceComparison`'s plot).
  public static func plot(_ distances: [[Double]], seeds: [UInt64]) -> RGBImage {
    var options = Int8DanceComparison.Options()
    options.plottedSeeds = seeds.count
    return Int8DanceComparison.departurePlot(distances, seeds: seeds, options: options)
  }
}
