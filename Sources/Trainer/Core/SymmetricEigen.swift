// MARK: - SymmetricEigen

/// Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method, in
/// Double precision.
///
/// Method (Golub & Van Loan, "Matrix Computations", §8.5): sweep over every pair p < q in row
/// order; each rotation J(p, q, θ) zeroes A[p][q] with t = tan θ the smaller root of
/// t² + 2τt − 1 = 0, τ = (A[q][q] − A[p][p]) / (2A[p][q]), c = 1/√(1+t²), s = t·c, and updates
/// A ← JᵀAJ, V ← VJ. Sweeps stop when the off-diagonal Frobenius norm is at most n·ε (ε =
/// 2.2e-16) times the matrix's Frobenius norm, or after 100 sweeps (convergence is quadratic: a
/// 128x128 covariance takes under 10). Then A = V·diag(values)·Vᵀ.
///
/// ```swift
/// let e = SymmetricEigen([2, 1,
///                         1, 2], size: 2)
/// e.values              // [3, 1]  (descending)
/// e.vector(0)           // ±[0.7071, 0.7071]
/// ```
public struct SymmetricEigen: Sendable {
  public let size: Int
  /// Eigenvalues in descending order.
  public let values: [Double]
  /// Row-major size x size; column j is the unit eigenvector of `values[j]`.
  public let vectors: [Double]
  /// Jacobi sweeps that were run.
  public let sweeps: Int

  /// Decomposes the symmetric row-major `matrix` (size x size). Only symmetry up to rounding is
  /// assumed: the matrix is first replaced by (A + Aᵀ)/2.
  public init(_ matrix: [Double], size n: Int) {
    precondition(n >= 0 && matrix.count == n * n, "matrix must be size x size")
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n { a[i * n + j] = 0.5 * (matrix[i * n + j] + matrix[j * n + i]) }
    }
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    var sweeps = 0
    a.withUnsafeMutableBufferPointer { a in
      v.withUnsafeMutableBufferPointer { v in
        var total: Double = 0
        for x in a { total += x * x }
        let relative = Double(max(n, 1)) * Double.ulpOfOne
        let tolerance = relative * relative * total
        while sweeps < 100 {
          var off: Double = 0
          for i in 0..<n {
            for j in 0..<n where j != i { off += a[i * n + j] * a[i * n + j] }
          }
          if off <= tolerance { break }
          sweeps += 1
          for p in 0..<n {
            for q in (p + 1)..<n {
              let apq = a[p * n + q]
              if apq == 0 { continue }
              let tau = (a[q * n + q] - a[p * n + p]) / (2 * apq)
              let t =
                (tau >= 0 ? 1.0 : -1.0) / (abs(tau) + (1 + tau * tau).squareRoot())
              let c = 1 / (1 + t * t).squareRoot()
              let s = t * c
              // A ← A J (columns p and q)
              for k in 0..<n {
                let akp = a[k * n + p], akq = a[k * n + q]
                a[k * n + p] = c * akp - s * akq
                a[k * n + q] = s * akp + c * akq
              }
              // A ← Jᵀ A (rows p and q)
              for k in 0..<n {
                let apk = a[p * n + k], aqk = a[q * n + k]
                a[p * n + k] = c * apk - s * aqk
                a[q * n + k] = s * apk + c * aqk
              }
              a[p * n + q] = 0
              a[q * n + p] = 0
              // V ← V J
              for k in 0..<n {
                let vkp = v[k * n + p], vkq = v[k * n + q]
                v[k * n + p] = c * vkp - s * vkq
                v[k * n + q] = s * vkp + c * vkq
              }
            }
          }
        }
      }
    }
    // Sort descending (stable on ties by original index), permuting columns of V alike.
    let order = (0..<n).sorted { i, j in
      a[i * n + i] != a[j * n + j] ? a[i * n + i] > a[j * n + j] : i < j
    }
    var sortedVectors = [Double](repeating: 0, count: n * n)
    for (newColumn, oldColumn) in order.enumerated() {
      for r in 0..<n { sortedVectors[r * n + newColumn] = v[r * n + oldColumn] }
    }
    self.size = n
    self.values = order.map { a[$0 * n + $0] }
    self.vectors = sortedVectors
    self.sweeps = sweeps
  }

  /// The unit eigenvector of `values[j]`.
  public func vector(_ j: Int) -> [Double] { (0..<size).map { vectors[$0 * size + j] } }

  /// V·diag(f(λ))·Vᵀ, row-major: a matrix function of the decomposed matrix.
  ///
  /// ```swift
  /// let root = e.reconstructed { max($0, 0).squareRoot() }   // the PSD square root
  /// ```
  public func reconstructed(mappingValues f: (Double) -> Double = { $0 }) -> [Double] {
    let n = size
    let mapped = values.map(f)
    var out = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in i..<n {
        var s: Double = 0
        for k in 0..<n { s += vectors[i * n + k] * mapped[k] * vectors[j * n + k] }
        out[i * n + j] = s
        out[j * n + i] = s
      }
    }
    return out
  }
}
