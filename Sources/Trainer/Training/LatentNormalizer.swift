import ModelFiles
import RealModule

// MARK: - LatentNormalizer

/// Per-dimension standardisation of VAE latents for the sequence model: n = (z - mean) / std.
///
/// Fitted on the training latents only, stored in the model file (`namedArrays`), applied to every
/// latent that enters the sequence model and inverted on every latent that leaves it (the original
/// applied its scaler once and then fed unscaled samples back in).
///
/// Why mean/std and not the original's min-max to [0, 1]: min-max is set by the two most extreme
/// frames of each dimension, so one outlier frame squeezes all the others; the MDN's sigma clamp
/// (`MDNLayout.logSigmaMin`) is meant for data of unit spread in every dimension, which
/// standardisation gives; and VAE latents are close to Gaussian already (the KL term pulls them
/// towards N(0, 1)), so mean/std is the natural scale.
///
/// Std floor: a dimension whose std is below 1e-3 × the largest std of any dimension (a collapsed
/// latent unit) uses that floor instead, so it is not blown up into noise; if every dimension is
/// constant, std is 1. Statistics are computed in Double and stored as Float, the file's type, so
/// a model read back from its file normalises bit for bit as the one in memory.
///
/// ```swift
/// let n = try LatentNormalizer.fit(clips: [[[1.0, 10], [3.0, 10]]])
/// n.mean                     // [2, 10]
/// n.std                      // [1, 0.001]  (floor: 1e-3 × largest std)
/// n.normalize([3.0, 10])     // [1, 0]
/// n.denormalize([1.0, 0])    // [3, 10]
/// ```
///
/// Principal axes (`Axes.principal`, `train-seq --latent-axes principal`): the standardised
/// latent is also turned onto the principal axes of the training dance's frame-to-frame steps,
/// n = Rᵀ·((z - mean) / std), with R orthonormal (column j is axis j, the axes in order of
/// decreasing step variance). A dance moves along few directions of a large latent (the paper
/// preset's real steps keep 96.7% of their variance in 32 of 128 directions), and a mixture of
/// diagonal Gaussians can only say "no motion here" along its own axes: on standardised axes it
/// spreads every frame's noise over all 128. R is orthonormal, so distances, speeds and Fréchet
/// distances measured in normalised units are the same as without it.
///
/// ```swift
/// // Steps only along (1, 1)/√2 (after standardising): that becomes axis 0.
/// let p = try LatentNormalizer.fit(clips: [[[0.0, 0], [1, 1], [0, 0], [2, 2], [-1, -2]]], axes: .principal)
/// p.normalize(p.denormalize([1.0, 0]))  // [1, 0] (to Float rounding)
/// ```
public struct LatentNormalizer: Sendable, Equatable {
  public let mean: [Float]
  public let std: [Float]
  /// R, [D, D] row-major and orthonormal, or nil for none (the standardised axes).
  public let rotation: [Float]?

  /// Which axes the sequence model sees.
  public enum Axes: String, Sendable, CaseIterable {
    /// Each latent dimension standardised on its own.
    case standard
    /// Standardised, then turned onto the principal axes of the training steps.
    case principal

    /// Metadata key under which model files and checkpoints record it.
    public static let metadataKey = "sequence.latent_axes"
  }

  public var axes: Axes { rotation == nil ? .standard : .principal }

  /// Largest |RᵀR - I| entry accepted from a file.
  public static let orthonormalTolerance = FloatModelFile.orthonormalTolerance

  /// Relative floor on std: at least this fraction of the largest per-dimension std.
  public static let relativeStdFloor = 1e-3

  /// Names under which the two arrays are stored in a model file.
  public static let meanName = FloatModelFile.normalizationMean
  public static let stdName = FloatModelFile.normalizationStd
  public static let rotationName = FloatModelFile.normalizationRotation

  public var dims: Int { mean.count }

  /// A normalizer from stored statistics; every std must be positive and finite.
  public init(mean: [Float], std: [Float], rotation: [Float]? = nil) throws(LatentNormalizerError) {
    guard !mean.isEmpty, mean.count == std.count else {
      throw .invalid("mean has \(mean.count) entries and std \(std.count); need the same, non-zero")
    }
    for (d, s) in std.enumerated() where !(s.isFinite && s > 0) {
      throw .invalid("std[\(d)] is \(s); must be positive and finite")
    }
    for (d, m) in mean.enumerated() where !m.isFinite {
      throw .invalid("mean[\(d)] is \(m); must be finite")
    }
    if let r = rotation {
      let D = mean.count
      guard r.count == D * D else {
        throw .invalid("rotation has \(r.count) entries; need \(D) x \(D) = \(D * D)")
      }
      guard r.allSatisfy({ $0.isFinite }) else { throw .invalid("rotation has a non-finite entry") }
      if let why = FloatModelFile.orthonormalityProblem(r, dims: D) {
        throw .invalid("rotation is not orthonormal: \(why)")
      }
    }
    self.mean = mean
    self.std = std
    self.rotation = rotation
  }

  /// Fits mean and (population) std per dimension over every frame of every clip.
  ///
  /// With `axes: .principal` also R (see the type's notes): the eigenvectors of the covariance of
  /// the standardised steps z[t+1] - z[t] within each clip, in order of decreasing eigenvalue
  /// (ties by index), each with its largest-magnitude entry (the first, if tied) made positive,
  /// so the same clips give the same bytes. Needs a clip of 2 or more frames.
  public static func fit<S: TrainScalar>(clips: [[[S]]], axes: Axes = .standard)
    throws(LatentNormalizerError) -> LatentNormalizer
  {
    guard let first = clips.first(where: { !$0.isEmpty })?.first else {
      throw .invalid("no latents to fit on")
    }
    let dims = first.count
    var count = 0
    var sum = [Double](repeating: 0, count: dims)
    for (c, clip) in clips.enumerated() {
      for (f, z) in clip.enumerated() {
        guard z.count == dims else {
          throw .invalid("latent \(f) of clip \(c) has \(z.count) values; expected \(dims)")
        }
        for d in 0..<dims {
          guard z[d].isFinite else { throw .invalid("latent \(f) of clip \(c) is not finite") }
          sum[d] += Double(z[d])
        }
        count += 1
      }
    }
    let mean = sum.map { $0 / Double(count) }
    var squares = [Double](repeating: 0, count: dims)
    for clip in clips {
      for z in clip {
        for d in 0..<dims {
          let e = Double(z[d]) - mean[d]
          squares[d] += e * e
        }
      }
    }
    let std = squares.map { ($0 / Double(count)).squareRoot() }
    let largest = std.max() ?? 0
    let floor = largest > 0 ? relativeStdFloor * largest : 1
    let standard = try LatentNormalizer(
      mean: mean.map { Float($0) }, std: std.map { Float(max($0, floor)) })
    switch axes {
    case .standard: return standard
    case .principal:
      let r = try principalAxes(of: standard.normalize(clips: clips), dims: dims)
      return try LatentNormalizer(mean: standard.mean, std: standard.std, rotation: r)
    }
  }

  /// R for `fit`: eigenvectors of the step covariance of standardised clips, as Float.
  ///
  /// The covariance is summed here in plain Double loops rather than by
  /// `FrechetDistance.meanAndCovariance`, whose BLAS product may round differently with another
  /// OpenBLAS thread count: R sets every input the model is trained on, so it must be the same
  /// bytes on every machine of this kind (the shipped paper model's R was made by this code).
  static func principalAxes<S: TrainScalar>(of clips: [[[S]]], dims D: Int)
    throws(LatentNormalizerError) -> [Float]
  {
    var steps = 0
    var sum = [Double](repeating: 0, count: D)
    for clip in clips where clip.count >= 2 {
      for t in 0..<(clip.count - 1) {
        for d in 0..<D { sum[d] += Double(clip[t + 1][d] - clip[t][d]) }
        steps += 1
      }
    }
    guard steps > 0 else { throw .invalid("principal axes need a clip of 2 or more frames") }
    let mean = sum.map { $0 / Double(steps) }
    var cov = [Double](repeating: 0, count: D * D)
    var v = [Double](repeating: 0, count: D)
    for clip in clips where clip.count >= 2 {
      for t in 0..<(clip.count - 1) {
        for d in 0..<D { v[d] = Double(clip[t + 1][d] - clip[t][d]) - mean[d] }
        for i in 0..<D {
          for j in i..<D { cov[i * D + j] += v[i] * v[j] }
        }
      }
    }
    for i in 0..<D {
      for j in i..<D {
        cov[i * D + j] /= Double(steps)
        cov[j * D + i] = cov[i * D + j]
      }
    }
    let eigen = SymmetricEigen(cov, size: D)
    let order = (0..<D).sorted {
      eigen.values[$0] != eigen.values[$1] ? eigen.values[$0] > eigen.values[$1] : $0 < $1
    }
    var r = [Float](repeating: 0, count: D * D)
    for (column, k) in order.enumerated() {
      var axis = eigen.vector(k)
      var largest = 0
      for i in 1..<D where abs(axis[i]) > abs(axis[largest]) { largest = i }
      if axis[largest] < 0 { axis = axis.map { -$0 } }
      for i in 0..<D { r[i * D + column] = Float(axis[i]) }
    }
    return r
  }

  // MARK: - Apply and invert

  /// (z - mean) / std, per dimension; then Rᵀ· that, with principal axes.
  public func normalize<S: TrainScalar>(_ z: [S]) -> [S] {
    precondition(z.count == dims, "latent has \(z.count) values; the normalizer has \(dims)")
    var s = z
    for d in 0..<dims { s[d] = (z[d] - S(mean[d])) / S(std[d]) }
    guard let r = rotation else { return s }
    var n = [S](repeating: 0, count: dims)
    for i in 0..<dims {
      for j in 0..<dims { n[j] += S(r[i * dims + j]) * s[i] }
    }
    return n
  }

  /// The inverse: R· n with principal axes, then · std + mean, per dimension.
  public func denormalize<S: TrainScalar>(_ n: [S]) -> [S] {
    precondition(n.count == dims, "latent has \(n.count) values; the normalizer has \(dims)")
    var s = n
    if let r = rotation {
      for i in 0..<dims {
        var a: S = 0
        for j in 0..<dims { a += S(r[i * dims + j]) * n[j] }
        s[i] = a
      }
    }
    var z = s
    for d in 0..<dims { z[d] = s[d] * S(std[d]) + S(mean[d]) }
    return z
  }

  /// Every frame of every clip normalised.
  public func normalize<S: TrainScalar>(clips: [[[S]]]) -> [[[S]]] {
    clips.map { $0.map { normalize($0) } }
  }

  // MARK: - Storage

  /// The arrays to store in a model file, in a fixed order.
  /// The rotation, when there is one, is stored flat: [D·D], row-major.
  public var namedArrays: [(String, [Float])] {
    [(LatentNormalizer.meanName, mean), (LatentNormalizer.stdName, std)]
      + (rotation.map { [(LatentNormalizer.rotationName, $0)] } ?? [])
  }

  /// Reads the arrays written by `namedArrays`.
  public init(namedArrays: [String: [Float]]) throws(LatentNormalizerError) {
    guard let mean = namedArrays[LatentNormalizer.meanName],
      let std = namedArrays[LatentNormalizer.stdName]
    else {
      throw .invalid(
        "missing \(LatentNormalizer.meanName) or \(LatentNormalizer.stdName) in the model file")
    }
    try self.init(mean: mean, std: std, rotation: namedArrays[LatentNormalizer.rotationName])
  }
}

/// A problem with latent statistics, as one line.
public enum LatentNormalizerError: Error, Equatable, CustomStringConvertible {
  case invalid(String)

  public var description: String {
    switch self {
    case .invalid(let why): return "latent normalizer: \(why)"
    }
  }
}
