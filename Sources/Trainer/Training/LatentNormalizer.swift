import RealModule

// MARK: - LatentNormalizer

/// Per-dimension standardisation of VAE latents for the sequence model: n = (z - mean) / std.
///
/// Fitted on the training latents only, stored in the model file (`namedArrays`), applied to every
/// latent that enters the sequence model and inverted on every latent that leaves it (the seed
/// applied its scaler once and then fed unscaled samples back in).
///
/// Why mean/std and not the seed's min-max to [0, 1]: min-max is set by the two most extreme
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
public struct LatentNormalizer: Sendable, Equatable {
  public let mean: [Float]
  public let std: [Float]

  /// Relative floor on std: at least this fraction of the largest per-dimension std.
  public static let relativeStdFloor = 1e-3

  /// Names under which the two arrays are stored in a model file.
  public static let meanName = "sequence.normalizer.mean"
  public static let stdName = "sequence.normalizer.std"

  public var dims: Int { mean.count }

  /// A normalizer from stored statistics; every std must be positive and finite.
  public init(mean: [Float], std: [Float]) throws(LatentNormalizerError) {
    guard !mean.isEmpty, mean.count == std.count else {
      throw .invalid("mean has \(mean.count) entries and std \(std.count); need the same, non-zero")
    }
    for (d, s) in std.enumerated() where !(s.isFinite && s > 0) {
      throw .invalid("std[\(d)] is \(s); must be positive and finite")
    }
    for (d, m) in mean.enumerated() where !m.isFinite {
      throw .invalid("mean[\(d)] is \(m); must be finite")
    }
    self.mean = mean
    self.std = std
  }

  /// Fits mean and (population) std per dimension over every frame of every clip.
  public static func fit<S: TrainScalar>(clips: [[[S]]]) throws(LatentNormalizerError)
    -> LatentNormalizer
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
    return try LatentNormalizer(
      mean: mean.map { Float($0) }, std: std.map { Float(max($0, floor)) })
  }

  // MARK: - Apply and invert

  /// (z - mean) / std, per dimension.
  public func normalize<S: TrainScalar>(_ z: [S]) -> [S] {
    precondition(z.count == dims, "latent has \(z.count) values; the normalizer has \(dims)")
    var n = z
    for d in 0..<dims { n[d] = (z[d] - S(mean[d])) / S(std[d]) }
    return n
  }

  /// n · std + mean, per dimension.
  public func denormalize<S: TrainScalar>(_ n: [S]) -> [S] {
    precondition(n.count == dims, "latent has \(n.count) values; the normalizer has \(dims)")
    var z = n
    for d in 0..<dims { z[d] = n[d] * S(std[d]) + S(mean[d]) }
    return z
  }

  /// Every frame of every clip normalised.
  public func normalize<S: TrainScalar>(clips: [[[S]]]) -> [[[S]]] {
    clips.map { $0.map { normalize($0) } }
  }

  // MARK: - Storage

  /// The arrays to store in a model file, in a fixed order.
  public var namedArrays: [(String, [Float])] {
    [(LatentNormalizer.meanName, mean), (LatentNormalizer.stdName, std)]
  }

  /// Reads the arrays written by `namedArrays`.
  public init(namedArrays: [String: [Float]]) throws(LatentNormalizerError) {
    guard let mean = namedArrays[LatentNormalizer.meanName],
      let std = namedArrays[LatentNormalizer.stdName]
    else {
      throw .invalid(
        "missing \(LatentNormalizer.meanName) or \(LatentNormalizer.stdName) in the model file")
    }
    try self.init(mean: mean, std: std)
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
