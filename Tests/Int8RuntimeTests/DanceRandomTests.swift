import Int8Runtime
import Testing

@Suite struct DanceRandomTests {
  @Test func sameSeedSameStream() {
    var a = DanceRandom(seed: 7)
    var b = DanceRandom(seed: 7)
    for _ in 0..<1000 { #expect(a.next() == b.next()) }
    var c = DanceRandom(seed: 8)
    var d = DanceRandom(seed: 7)
    #expect((0..<8).map { _ in c.next() } != (0..<8).map { _ in d.next() })
  }

  @Test func boundedDrawsStayInRangeAndCoverIt() {
    var rng = DanceRandom(seed: 3)
    var seen = [Int](repeating: 0, count: 24)
    for _ in 0..<24_000 {
      let k = Int(rng.next(below: 24))
      #expect(k < 24)
      seen[k] += 1
    }
    // Each bucket expects 1000; 5 sigma is about 153.
    #expect(seen.allSatisfy { abs($0 - 1000) < 160 })
  }

  @Test func gaussianQ12HasUnitVarianceAndZeroMean() {
    var rng = DanceRandom(seed: 11)
    let n = 200_000
    var sum: Int64 = 0
    var sumSq: Int64 = 0
    for _ in 0..<n {
      let g = Int64(rng.gaussianQ12())
      #expect(abs(g) <= 24570)
      sum += g
      sumSq += g * g
    }
    let mean = sum / Int64(n)
    let variance = sumSq / Int64(n) - mean * mean
    // Standard error of the mean: 4096 / sqrt(n) ≈ 9; of the variance: ~0.3%.
    #expect(abs(mean) < 50)
    #expect(abs(variance - 4096 * 4096) < 4096 * 4096 / 50)
  }
}
