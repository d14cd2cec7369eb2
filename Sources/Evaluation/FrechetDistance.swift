import Trainer

// MARK: - FrechetDistance

/// The Fréchet distance between Gaussians fitted to two sets of D-dimensional vectors (the
/// measure behind FID, here on VAE latents and latent velocities):
///
///     FD = ‖μ1 − μ2‖² + Tr(S1 + S2 − 2·(S1·S2)^½)
///
/// μ are sample means and S sample covariances (divided by n − 1). The trace of (S1·S2)^½ is
/// computed as Tr(A^½) with A = S1^½·S2·S1^½, which has the same eigenvalues as S1·S2 but is
/// symmetric positive semi-definite: S1^½ comes from a Jacobi eigendecomposition of S1
/// (eigenvalues clamped at 0), A is symmetrised, and Tr(A^½) = Σ √max(λᵢ(A), 0). The covariance
/// term is mathematically ≥ 0; a rounding residue below 0 is reported as 0.
///
/// Finite samples are biased upwards: two sets of 1,000 draws from the same 128-D standard
/// normal are about 8.2 apart (measured), so compare distances at equal sample sizes only.
///
/// ```swift
/// // 1-D: FD = (m1 − m2)² + (s1 − s2)²
/// let r = try FrechetDistance.compute([[0], [2]], [[5], [9]])
/// // means 1 and 7, sample sds √2 and √8: r.meanTerm = 36, r.covarianceTerm = 2, r.distance = 38
/// ```
public enum FrechetDistance {
  public struct Result: Sendable, Equatable, Codable {
    /// ‖μ1 − μ2‖²
    public var meanTerm: Double
    /// Tr(S1 + S2 − 2·(S1·S2)^½), at least 0
    public var covarianceTerm: Double
    /// meanTerm + covarianceTerm
    public var distance: Double

    public init(meanTerm: Double, covarianceTerm: Double) {
      self.meanTerm = meanTerm
      self.covarianceTerm = covarianceTerm
      self.distance = meanTerm + covarianceTerm
    }
  }

  /// The Fréchet distance between the vector sets `a` and `b` (each at least 2 vectors of the
  /// same dimension, all values finite).
  public static func compute(_ a: [[Double]], _ b: [[Double]]) throws -> Result {
    let (muA, covA, d) = try moments(a, name: "first set")
    let (muB, covB, dB) = try moments(b, name: "second set")
    guard d == dB else {
      throw EvaluationError("Fréchet distance: sets differ in dimension (\(d) vs \(dB))")
    }
    var meanTerm: Double = 0
    for i in 0..<d { meanTerm += (muA[i] - muB[i]) * (muA[i] - muB[i]) }
    let traceRoot = traceOfSquareRootOfProduct(covA, covB, size: d)
    var traceA: Double = 0, traceB: Double = 0
    for i in 0..<d {
      traceA += covA[i * d + i]
      traceB += covB[i * d + i]
    }
    return Result(meanTerm: meanTerm, covarianceTerm: max(0, traceA + traceB - 2 * traceRoot))
  }

  // MARK: - Pieces

  /// Sample mean [D] and covariance [D, D] (row-major, divided by n − 1) of `vectors`.
  public static func meanAndCovariance(_ vectors: [[Double]]) throws -> (mean: [Double], covariance: [Double])
  {
    let (mu, cov, _) = try moments(vectors, name: "set")
    return (mu, cov)
  }

  /// Tr((S1·S2)^½) for symmetric PSD S1, S2 (row-major size x size), as Tr((S1^½ S2 S1^½)^½).
  public static func traceOfSquareRootOfProduct(_ s1: [Double], _ s2: [Double], size d: Int)
    -> Double
  {
    if d == 0 { return 0 }
    let root1 = SymmetricEigen(s1, size: d).reconstructed { max($0, 0).squareRoot() }
    var t = [Double](repeating: 0, count: d * d)
    var product = [Double](repeating: 0, count: d * d)
    // t = S1^½ · S2; product = t · S1^½
    Double.gemm(
      transA: false, transB: false, m: d, n: d, k: d, alpha: 1, a: root1, lda: d, b: s2, ldb: d,
      beta: 0, c: &t, ldc: d)
    Double.gemm(
      transA: false, transB: false, m: d, n: d, k: d, alpha: 1, a: t, lda: d, b: root1, ldb: d,
      beta: 0, c: &product, ldc: d)
    let eigen = SymmetricEigen(product, size: d)  // symmetrises (A + Aᵀ)/2 first
    var sum: Double = 0
    for lambda in eigen.values { sum += max(lambda, 0).squareRoot() }
    return sum
  }

  static func moments(_ vectors: [[Double]], name: String) throws -> ([Double], [Double], Int) {
    guard vectors.count >= 2 else {
      throw EvaluationError(
        "Fréchet distance: \(name) has \(vectors.count) vector(s); at least 2 are needed")
    }
    let d = vectors[0].count
    guard d > 0 else { throw EvaluationError("Fréchet distance: \(name) has vectors of dimension 0") }
    let n = vectors.count
    var centred = [Double](repeating: 0, count: n * d)
    var mu = [Double](repeating: 0, count: d)
    for (r, v) in vectors.enumerated() {
      guard v.count == d else {
        throw EvaluationError(
          "Fréchet distance: \(name) mixes dimensions (\(d) and \(v.count) at vector \(r))")
      }
      for i in 0..<d {
        guard v[i].isFinite else {
          throw EvaluationError("Fréchet distance: \(name) has a non-finite value at vector \(r)")
        }
        mu[i] += v[i]
      }
    }
    for i in 0..<d { mu[i] /= Double(n) }
    for (r, v) in vectors.enumerated() {
      for i in 0..<d { centred[r * d + i] = v[i] - mu[i] }
    }
    // cov [d, d] = centredᵀ [d, n] · centred [n, d] / (n − 1)
    var cov = [Double](repeating: 0, count: d * d)
    Double.gemm(
      transA: true, transB: false, m: d, n: d, k: n, alpha: 1 / Double(n - 1), a: centred, lda: d,
      b: centred, ldb: d, beta: 0, c: &cov, ldc: d)
    return (mu, cov, d)
  }
}
