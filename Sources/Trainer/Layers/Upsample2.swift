// MARK: - Upsample2

/// Nearest-neighbour 2x upsampling over NHWC tensors: y[n, 2i + a, 2j + b, c] = x[n, i, j, c].
///
/// The VAE does not run this layer: `Conv3x3(upsampleInput: true)` folds it into the next
/// convolution. It is kept as the plain reference that the fused form is tested against.
///
/// ```swift
/// let up = Upsample2(rows: 1, cols: 2, channels: 1)
/// up.forward([1, 2], batch: 1)                        // [1, 1, 2, 2,  1, 1, 2, 2]
/// up.backward([1, 1, 1, 1, 1, 1, 1, 1], batch: 1)     // [4, 4]
/// ```
public struct Upsample2: Sendable {
  /// Input size; the output is 2·rows x 2·cols x channels.
  public let rows: Int
  public let cols: Int
  public let channels: Int

  public init(rows: Int, cols: Int, channels: Int) {
    self.rows = rows
    self.cols = cols
    self.channels = channels
  }

  public var inputCount: Int { rows * cols * channels }
  public var outputCount: Int { 4 * inputCount }

  /// x [batch, rows, cols, C] -> y [batch, 2·rows, 2·cols, C]
  public func forward<Scalar: TrainScalar>(_ x: [Scalar], batch: Int) -> [Scalar] {
    precondition(x.count == batch * inputCount)
    let (C, W) = (channels, cols)
    var y = [Scalar](repeating: 0, count: batch * outputCount)
    for n in 0..<batch {
      for i in 0..<(2 * rows) {
        for j in 0..<(2 * W) {
          let src = ((n * rows + i / 2) * W + j / 2) * C
          let dst = ((n * 2 * rows + i) * 2 * W + j) * C
          for c in 0..<C { y[dst + c] = x[src + c] }
        }
      }
    }
    return y
  }

  /// dy [batch, 2·rows, 2·cols, C] -> dx [batch, rows, cols, C]: each input pixel's gradient is
  /// the sum over the four output pixels it was copied to.
  public func backward<Scalar: TrainScalar>(_ dy: [Scalar], batch: Int) -> [Scalar] {
    precondition(dy.count == batch * outputCount)
    let (C, W) = (channels, cols)
    var dx = [Scalar](repeating: 0, count: batch * inputCount)
    for n in 0..<batch {
      for i in 0..<(2 * rows) {
        for j in 0..<(2 * W) {
          let dst = ((n * rows + i / 2) * W + j / 2) * C
          let src = ((n * 2 * rows + i) * 2 * W + j) * C
          for c in 0..<C { dx[dst + c] += dy[src + c] }
        }
      }
    }
    return dx
  }
}
