import Evaluation
import FloatRandom
import Foundation
import Int8Runtime
import Testing
import Trainer

// MARK: - Helpers

/// `count` vectors of dimension `d`, each entry scale · N(0, 1) + shift (DanceRandom).
private func randomSet(_ count: Int, _ d: Int, seed: UInt64, scale: Double = 1, shift: Double = 0)
  -> [[Double]]
{
  var rng = DanceRandom(seed: seed)
  return (0..<count).map { _ in
    (0..<d).map { _ in shift + scale * (DanceRandomFloats.gaussian(&rng) as Double) }
  }
}

/// A random symmetric n x n matrix, row-major.
private func randomSymmetric(_ n: Int, seed: UInt64) -> [Double] {
  var rng = DanceRandom(seed: seed)
  var m = [Double](repeating: 0, count: n * n)
  for i in 0..<n {
    for j in i..<n {
      let x: Double = 2 * DanceRandomFloats.uniform(&rng) - 1
      m[i * n + j] = x
      m[j * n + i] = x
    }
  }
  return m
}

/// Points μ ± a_i·e_i (2D points): sample mean μ and covariance exactly diag(2a_i² / (2D − 1)).
private func axisCross(mean: [Double], halfWidths a: [Double]) -> [[Double]] {
  var out: [[Double]] = []
  for i in a.indices {
    for sign in [1.0, -1.0] {
      var p = mean
      p[i] += sign * a[i]
      out.append(p)
    }
  }
  return out
}

private func sampleMeanAndSD(_ x: [Double]) -> (Double, Double) {
  let m = x.reduce(0, +) / Double(x.count)
  let v = x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count - 1)
  return (m, v.squareRoot())
}

@Suite struct EvalFrechetTests {
  // MARK: - Jacobi eigen solver

  @Test func twoByTwoHandCase() {
    let e = SymmetricEigen([2, 1, 1, 2], size: 2)
    #expect(abs(e.values[0] - 3) < 1e-14 && abs(e.values[1] - 1) < 1e-14)
    let v0 = e.vector(0)
    #expect(abs(abs(v0[0]) - 0.5.squareRoot()) < 1e-14 && abs(v0[0] - v0[1]) < 1e-14)
  }

  @Test(arguments: [(5, UInt64(1)), (17, 2), (48, 3)])
  func randomSymmetricMatrixIsReconstructed(_ n: Int, _ seed: UInt64) {
    let m = randomSymmetric(n, seed: seed)
    let e = SymmetricEigen(m, size: n)
    let back = e.reconstructed()  // V diag(λ) Vᵀ
    var worst = 0.0
    for i in m.indices { worst = max(worst, abs(back[i] - m[i])) }
    #expect(worst < 1e-10)
    // V is orthonormal and the values descend.
    for i in 0..<n {
      for j in 0..<n {
        var dot = 0.0
        for k in 0..<n { dot += e.vectors[k * n + i] * e.vectors[k * n + j] }
        #expect(abs(dot - (i == j ? 1 : 0)) < 1e-12)
      }
    }
    for i in 1..<n { #expect(e.values[i] <= e.values[i - 1]) }
    #expect(e.sweeps > 0 && e.sweeps < 20)
  }

  @Test func diagonalMatrixNeedsNoSweep() {
    let e = SymmetricEigen([1, 0, 0, 0, 5, 0, 0, 0, -2], size: 3)
    #expect(e.values == [5, 1, -2])
    #expect(e.sweeps == 0)
    #expect(e.vector(0) == [0, 1, 0])
  }

  // MARK: - Fréchet distance, closed forms

  @Test func oneDimensionalHandCase() throws {
    // Means 1 and 7, sample variances 2 and 8: 36 + (√2 − √8)² = 36 + 2.
    let r = try FrechetDistance.compute([[0], [2]], [[5], [9]])
    #expect(abs(r.meanTerm - 36) < 1e-12)
    #expect(abs(r.covarianceTerm - 2) < 1e-12)
    #expect(abs(r.distance - 38) < 1e-12)
  }

  @Test func oneDimensionalRandomSetsMatchTheClosedForm() throws {
    let a = randomSet(40, 1, seed: 11, scale: 2, shift: 1)
    let b = randomSet(25, 1, seed: 12, scale: 0.5, shift: -3)
    let (m1, s1) = sampleMeanAndSD(a.map { $0[0] })
    let (m2, s2) = sampleMeanAndSD(b.map { $0[0] })
    let expected = (m1 - m2) * (m1 - m2) + (s1 - s2) * (s1 - s2)
    #expect(abs(try FrechetDistance.compute(a, b).distance - expected) < 1e-10)
  }

  @Test func diagonalCovariancesMatchTheClosedForm() throws {
    // Covariances diag(2a²/5): FD = ‖μ1 − μ2‖² + Σ (√(2a_i²/5) − √(2b_i²/5))².
    let a = axisCross(mean: [1, 2, 3], halfWidths: [1, 2, 3])
    let b = axisCross(mean: [0, 2, 5], halfWidths: [3, 0.5, 3])
    let (_, cov) = try FrechetDistance.meanAndCovariance(a)
    for (x, y) in zip(cov, [0.4, 0, 0, 0, 1.6, 0, 0, 0, 3.6]) { #expect(abs(x - y) < 1e-15) }
    var expected = 1.0 + 0 + 4
    for (x, y) in zip([1.0, 2, 3], [3.0, 0.5, 3]) {
      let d = (2 * x * x / 5).squareRoot() - (2 * y * y / 5).squareRoot()
      expected += d * d
    }
    #expect(abs(try FrechetDistance.compute(a, b).distance - expected) < 1e-12)
  }

  @Test func twoDimensionalCorrelatedSetsMatchTheClosedForm() throws {
    // For 2x2: Tr((S1 S2)^½) = √(Tr(S1 S2) + 2·√(det S1 · det S2)).
    var a = randomSet(30, 2, seed: 21)
    a = a.map { [$0[0], 0.8 * $0[0] + 0.3 * $0[1]] }
    var b = randomSet(50, 2, seed: 22, scale: 1.5, shift: 0.4)
    b = b.map { [$0[0] - 0.5 * $0[1], $0[1]] }
    let (mu1, s) = try FrechetDistance.meanAndCovariance(a)
    let (mu2, t) = try FrechetDistance.meanAndCovariance(b)
    let trST = s[0] * t[0] + s[1] * t[2] + s[2] * t[1] + s[3] * t[3]
    let det1 = s[0] * s[3] - s[1] * s[2], det2 = t[0] * t[3] - t[1] * t[2]
    let traceRoot = (trST + 2 * (det1 * det2).squareRoot()).squareRoot()
    let meanTerm = (mu1[0] - mu2[0]) * (mu1[0] - mu2[0]) + (mu1[1] - mu2[1]) * (mu1[1] - mu2[1])
    let expected = meanTerm + s[0] + s[3] + t[0] + t[3] - 2 * traceRoot
    #expect(abs(try FrechetDistance.compute(a, b).distance - expected) < 1e-10)
  }

  @Test func identicalSetsAreAtDistanceZero() throws {
    let a = randomSet(60, 12, seed: 31, scale: 3)
    #expect(abs(try FrechetDistance.compute(a, a).distance) < 1e-9)
    // Fewer samples than dimensions: rank-deficient covariance, still ~0.
    let thin = randomSet(5, 16, seed: 32)
    #expect(abs(try FrechetDistance.compute(thin, thin).distance) < 1e-6)
  }

  @Test func permutingSamplesAndSwappingSetsChangeNothing() throws {
    let a = randomSet(50, 8, seed: 41)
    let b = randomSet(70, 8, seed: 42, scale: 1.3, shift: 0.2)
    let d = try FrechetDistance.compute(a, b).distance
    var rng = DanceRandom(seed: 43)
    var shuffled = a
    for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
      shuffled.swapAt(i, Int(rng.next(below: UInt32(i + 1))))
    }
    #expect(shuffled != a)
    #expect(abs(try FrechetDistance.compute(shuffled, b).distance - d) < 1e-9 * d)
    #expect(abs(try FrechetDistance.compute(b, a).distance - d) < 1e-9 * d)
    #expect(d > 0.5)
  }

  @Test func badSetsThrowOneLine() {
    #expect(throws: EvaluationError("Fréchet distance: first set has 1 vector(s); at least 2 are needed")) {
      try FrechetDistance.compute([[1, 2]], [[1, 2], [3, 4]])
    }
    #expect(throws: EvaluationError("Fréchet distance: sets differ in dimension (2 vs 1)")) {
      try FrechetDistance.compute([[1, 2], [3, 4]], [[1], [2]])
    }
    #expect(throws: EvaluationError("Fréchet distance: second set has a non-finite value at vector 1")) {
      try FrechetDistance.compute([[1], [2]], [[1], [.nan]])
    }
  }
}
