import Int8Runtime
import Testing
import Trainer

@Suite struct LatentNormalizerTests {
  /// Two clips of 4-D latents with different scales and offsets per dimension.
  static func clips() -> [[[Float]]] {
    var rng = DanceRandom(seed: 1)
    let scale: [Float] = [0.1, 1, 30, 5]  // all above the std floor (1e-3 × 30)
    let offset: [Float] = [3, -1, 100, 0]
    return [40, 25].map { n in
      (0..<n).map { _ in
        (0..<4).map { d in offset[d] + scale[d] * DanceRandomFloats.gaussian(&rng) }
      }
    }
  }

  @Test func fittedDataHasZeroMeanAndUnitStd() throws {
    let clips = LatentNormalizerTests.clips()
    let norm = try LatentNormalizer.fit(clips: clips)
    let all = norm.normalize(clips: clips).flatMap { $0 }
    for d in 0..<4 {
      let v = all.map { Double($0[d]) }
      let mean = v.reduce(0, +) / Double(v.count)
      let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)
      #expect(abs(mean) < 1e-4)
      #expect(abs(variance - 1) < 1e-3)
    }
  }

  @Test func normalizeThenDenormalizeRoundTrips() throws {
    let clips = LatentNormalizerTests.clips()
    let norm = try LatentNormalizer.fit(clips: clips)
    for z in clips[1] {
      let back = norm.denormalize(norm.normalize(z))
      for d in 0..<4 { #expect(abs(back[d] - z[d]) <= 1e-5 * max(1, abs(z[d]))) }
    }
  }

  @Test func constantDimensionGetsTheFloor() throws {
    let norm = try LatentNormalizer.fit(clips: [[[1.0, 10], [3.0, 10]]])
    #expect(norm.mean == [2, 10])
    #expect(norm.std == [1, Float(LatentNormalizer.relativeStdFloor)])
    #expect(norm.normalize([3.0, 10]) == [1, 0])
    let allConstant = try LatentNormalizer.fit(clips: [[[5.0], [5.0]]])
    #expect(allConstant.std == [1])
  }

  @Test func storedArraysRoundTrip() throws {
    let norm = try LatentNormalizer.fit(clips: LatentNormalizerTests.clips())
    let stored = Dictionary(uniqueKeysWithValues: norm.namedArrays.map { ($0.0, $0.1) })
    #expect(try LatentNormalizer(namedArrays: stored) == norm)
  }

  @Test func badStatisticsAndLatentsAreRejectedWithAMessage() {
    func message(_ body: () throws -> Void) -> String {
      do {
        try body()
        return ""
      } catch { return "\(error)" }
    }
    #expect(message { _ = try LatentNormalizer(mean: [0, 0], std: [1, 0]) }.contains("std[1]"))
    #expect(message { _ = try LatentNormalizer(mean: [0], std: [1, 1]) }.contains("same"))
    #expect(message { _ = try LatentNormalizer(namedArrays: [:]) }.contains("missing"))
    #expect(
      message { _ = try LatentNormalizer.fit(clips: [[[1.0, 2], [Double.nan, 1]]]) }
        .contains("latent 1 of clip 0"))
    #expect(message { _ = try LatentNormalizer.fit(clips: [[[1.0, 2], [1.0]]]) }.contains("expected 2"))
    #expect(message { _ = try LatentNormalizer.fit(clips: [[[Float]]]()) }.contains("no latents"))
  }
}
