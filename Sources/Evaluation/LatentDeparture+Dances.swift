import Int8Runtime
import Trainer

// MARK: - LatentDeparture: the two dances

extension LatentDeparture {
  /// The int8–float distance at every step of each seed's dance (`distances`), the two dances
  /// generated as `eval --int8` generates them: seed s (at index i) from start
  /// i × N / seeds.count of the N starts both models store, the same temperatures, so both draw
  /// the same noise. Latents only, no frames; OpenBLAS on one thread, so the same inputs give
  /// the same distances.
  ///
  /// ```swift
  /// let d = try LatentDeparture.distances(
  ///   float: dance, int8: model, path: "models/tiny/model-int8.dnm", seeds: [1, 2, 3, 4],
  ///   steps: 300, temperatures: dance.defaultTemperatures)
  /// d.map { LatentDeparture.firstDeparture($0) }   // e.g. [112, 87, nil, 140]
  /// ```
  public static func distances(
    float dance: FloatDance, int8 model: Int8Model, path: String, seeds: [UInt64], steps: Int,
    temperatures: SamplingTemperatures
  ) throws -> [[Double]] {
    let startCount = min(dance.startCount, model.startCount)
    let float = try BLASThreads.singleThreaded {
      try DanceEvaluation.generate(
        dance, temperatures: temperatures, seeds: seeds, framesPerSeed: steps,
        startCount: startCount, decode: false)
    }
    return try seeds.enumerated().map { i, seed in
      var source = try Int8DanceSource(
        model: model, path: path, seed: seed,
        start: DanceEvaluation.start(seedIndex: i, seeds: seeds.count, startCount: startCount),
        temperatures: temperatures)
      let int8 = (0..<steps).map { _ in source.next() }
      return distances(int8, float.latents[i])
    }
  }
}
