import FloatRandom
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

  /// The error's one line, or "" when `body` does not throw.
  static func message(_ body: () throws -> Void) -> String {
    do {
      try body()
      return ""
    } catch { return "\(error)" }
  }

  // MARK: - Principal axes

  /// Clips whose steps (after standardising) run along (1, 1, 0, 0)/√2 with a little noise in the
  /// other directions, while the positions spread in every dimension (clips start far apart).
  static func directedClips() -> [[[Double]]] {
    var rng = DanceRandom(seed: 2)
    func g() -> Double { DanceRandomFloats.gaussian(&rng) }
    return [50, 30, 40, 20, 30, 40].map { n in
      var z = (0..<4).map { _ in 20 * g() }
      return (0..<n).map { _ in
        let along = 3 * g()
        z = z.enumerated().map { d, v in
          v + (d < 2 ? along : 0) + 0.05 * g()
        }
        return z
      }
    }
  }

  @Test func principalAxisZeroFollowsTheSteps() throws {
    let norm = try LatentNormalizer.fit(clips: Self.directedClips(), axes: .principal)
    let r = try #require(norm.rotation)
    #expect(norm.axes == .principal)
    // Column 0 (entries 0, 4, 8, 12) is about (1, 1, 0, 0)/√2 in standardised units, sign
    // fixed so that its largest entry is positive.
    let axis0 = (0..<4).map { Double(r[$0 * 4]) }
    let s = Double(norm.std[1] / norm.std[0])
    let expected = [s, 1, 0, 0].map { $0 / (s * s + 1).squareRoot() }
    for d in 0..<4 { #expect(abs(axis0[d] - expected[d]) < 0.02, "axis 0 \(axis0)") }
    #expect(axis0.max()! > 0)
    // The standardised part is the standard fit's, bit for bit.
    let standard = try LatentNormalizer.fit(clips: Self.directedClips())
    #expect(norm.mean == standard.mean && norm.std == standard.std && standard.rotation == nil)
  }

  @Test func principalAxesKeepDistancesAndRoundTrip() throws {
    let clips = Self.directedClips()
    let norm = try LatentNormalizer.fit(clips: clips, axes: .principal)
    let standard = try LatentNormalizer.fit(clips: clips)
    func distance(_ a: [Double], _ b: [Double]) -> Double {
      zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }
    for t in 1..<clips[1].count {
      let a = clips[1][t - 1], b = clips[1][t]
      let rotated = distance(norm.normalize(a), norm.normalize(b))
      let plain = distance(standard.normalize(a), standard.normalize(b))
      #expect(abs(rotated - plain) <= 1e-5 * max(1, plain))
      let back = norm.denormalize(norm.normalize(b))
      for d in 0..<4 { #expect(abs(back[d] - b[d]) <= 1e-5 * max(1, abs(b[d]))) }
    }
    let stored = Dictionary(uniqueKeysWithValues: norm.namedArrays.map { ($0.0, $0.1) })
    #expect(stored[LatentNormalizer.rotationName]?.count == 16)
    #expect(try LatentNormalizer(namedArrays: stored) == norm)
    #expect(try LatentNormalizer.fit(clips: clips, axes: .principal) == norm)
  }

  @Test func badRotationsAreRejectedWithAMessage() {
    let ok: [Float] = [0, 1, 1, 0]
    #expect(Self.message { _ = try LatentNormalizer(mean: [0, 0], std: [1, 1], rotation: ok) } == "")
    #expect(
      Self.message { _ = try LatentNormalizer(mean: [0, 0], std: [1, 1], rotation: [1, 0, 0]) }
        .contains("need 2 x 2"))
    #expect(
      Self.message { _ = try LatentNormalizer(mean: [0, 0], std: [1, 1], rotation: [1, 0, 0.5, 1]) }
        .contains("not orthonormal"))
    #expect(
      Self.message { _ = try LatentNormalizer(mean: [0, 0], std: [1, 1], rotation: [.nan, 0, 0, 1]) }
        .contains("non-finite"))
    #expect(
      Self.message { _ = try LatentNormalizer.fit(clips: [[[1.0, 2]], [[3.0, 1]]], axes: .principal) }
        .contains("2 or more frames"))
  }

  @Test func badStatisticsAndLatentsAreRejectedWithAMessage() {
    #expect(Self.message { _ = try LatentNormalizer(mean: [0, 0], std: [1, 0]) }.contains("std[1]"))
    #expect(Self.message { _ = try LatentNormalizer(mean: [0], std: [1, 1]) }.contains("same"))
    #expect(Self.message { _ = try LatentNormalizer(namedArrays: [:]) }.contains("missing"))
    #expect(
      Self.message { _ = try LatentNormalizer.fit(clips: [[[1.0, 2], [Double.nan, 1]]]) }
        .contains("latent 1 of clip 0"))
    #expect(
      Self.message { _ = try LatentNormalizer.fit(clips: [[[1.0, 2], [1.0]]]) }
        .contains("expected 2"))
    #expect(Self.message { _ = try LatentNormalizer.fit(clips: [[[Float]]]()) }.contains("no latents"))
  }
}
