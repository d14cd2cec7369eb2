// MARK: - MaxPool2

/// 2x2 max pooling, stride 2, over NHWC tensors (rows and columns must be even).
///
/// The backward pass sends each output gradient to the first position of its window, in the
/// order (0,0), (0,1), (1,0), (1,1), whose input equals the window's maximum; it finds that
/// position again from the forward input and output, so nothing else is stored.
///
/// ```swift
/// let pool = MaxPool2(rows: 2, cols: 2, channels: 1)
/// pool.forward([1, 4, 3, 2], batch: 1)                        // [4]
/// pool.backward([10], input: [1, 4, 3, 2], output: [4], batch: 1)   // [0, 10, 0, 0]
/// ```
public struct MaxPool2: Sendable {
  /// Input size; the output is rows/2 x cols/2 x channels.
  public let rows: Int
  public let cols: Int
  public let channels: Int

  public init(rows: Int, cols: Int, channels: Int) {
    precondition(rows % 2 == 0 && cols % 2 == 0, "max pooling needs even rows and columns")
    self.rows = rows
    self.cols = cols
    self.channels = channels
  }

  public var inputCount: Int { rows * cols * channels }
  public var outputCount: Int { inputCount / 4 }

  // MARK: - Forward / backward on buffers
  //
  // Both passes are pre-specialised for Float and Double (`@_specialize`), so callers in other
  // modules run loops compiled for a concrete type.

  /// x [batch, rows, cols, C] -> y [batch, rows/2, cols/2, C]
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func forward<Scalar: TrainScalar>(
    _ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>, batch: Int
  ) {
    forwardPass(x, into: y, batch: batch)
  }

  private func forwardPass<Scalar: TrainScalar>(
    _ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>, batch: Int
  ) {
    let (C, W, oh, ow) = (channels, cols, rows / 2, cols / 2)
    for n in 0..<batch {
      for i in 0..<oh {
        for j in 0..<ow {
          let a = x + ((n * rows + 2 * i) * W + 2 * j) * C
          let (b, c, d) = (a + C, a + W * C, a + W * C + C)
          let dst = y + ((n * oh + i) * ow + j) * C
          for k in 0..<C { dst[k] = max(max(a[k], b[k]), max(c[k], d[k])) }
        }
      }
    }
  }

  /// dy [batch, rows/2, cols/2, C], x, y -> dx [batch, rows, cols, C] (fully overwritten).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func backward<Scalar: TrainScalar>(
    _ dy: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>, output y: UnsafePointer<Scalar>,
    into dx: UnsafeMutablePointer<Scalar>, batch: Int
  ) {
    backwardPass(dy, input: x, output: y, into: dx, batch: batch)
  }

  private func backwardPass<Scalar: TrainScalar>(
    _ dy: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>, output y: UnsafePointer<Scalar>,
    into dx: UnsafeMutablePointer<Scalar>, batch: Int
  ) {
    let (C, W, oh, ow) = (channels, cols, rows / 2, cols / 2)
    for n in 0..<batch {
      for i in 0..<oh {
        for j in 0..<ow {
          let o = ((n * oh + i) * ow + j) * C
          let base = ((n * rows + 2 * i) * W + 2 * j) * C
          let (xa, xb, xc, xd) = (x + base, x + base + C, x + base + W * C, x + base + W * C + C)
          let (da, db, dc, dd) =
            (dx + base, dx + base + C, dx + base + W * C, dx + base + W * C + C)
          for k in 0..<C {
            let m = y[o + k]
            let g = dy[o + k]
            da[k] = 0
            db[k] = 0
            dc[k] = 0
            dd[k] = 0
            if xa[k] == m {
              da[k] = g
            } else if xb[k] == m {
              db[k] = g
            } else if xc[k] == m {
              dc[k] = g
            } else {
              dd[k] = g
            }
          }
        }
      }
    }
  }

  // MARK: - Pooling with remembered winners (used by `Conv3x3.forwardPooled`)

  /// As `forward`, also writing each window's winning position (0...3, first maximum).
  func forwardRecordingArgmax<Scalar: TrainScalar>(
    _ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>,
    argmax: UnsafeMutablePointer<UInt8>, batch: Int
  ) {
    let (C, W, oh, ow) = (channels, cols, rows / 2, cols / 2)
    for n in 0..<batch {
      for i in 0..<oh {
        for j in 0..<ow {
          let a = x + ((n * rows + 2 * i) * W + 2 * j) * C
          let (b, c, d) = (a + C, a + W * C, a + W * C + C)
          let o = ((n * oh + i) * ow + j) * C
          // Selects and arithmetic rather than branches, so the loop vectorises:
          // position = n0·(1 + n1·(1 + n2)), n_k = 1 when value k is not the maximum.
          for k in 0..<C {
            let (v0, v1, v2, v3) = (a[k], b[k], c[k], d[k])
            let m01 = v1 > v0 ? v1 : v0
            let m23 = v3 > v2 ? v3 : v2
            let m = m23 > m01 ? m23 : m01
            let n0: Int32 = v0 == m ? 0 : 1
            let n1: Int32 = v1 == m ? 0 : 1
            let n2: Int32 = v2 == m ? 0 : 1
            y[o + k] = m
            argmax[o + k] = UInt8(truncatingIfNeeded: n0 &* (1 &+ n1 &* (1 &+ n2)))
          }
        }
      }
    }
  }

  /// The transpose of `forwardRecordingArgmax` followed by the activation's derivative:
  /// dx (fully overwritten) is zero except at each window's winner, which receives
  /// dy · act'(y) (y is the pooled, already activated value).
  func unpool<Scalar: TrainScalar>(
    _ dy: UnsafePointer<Scalar>, pooled y: UnsafePointer<Scalar>,
    argmax: UnsafePointer<UInt8>, activation: Activation, into dx: UnsafeMutablePointer<Scalar>,
    batch: Int
  ) {
    let (C, W, oh, ow) = (channels, cols, rows / 2, cols / 2)
    for n in 0..<batch {
      for i in 0..<oh {
        for j in 0..<ow {
          let base = ((n * rows + 2 * i) * W + 2 * j) * C
          let (da, db, dc, dd) =
            (dx + base, dx + base + C, dx + base + W * C, dx + base + W * C + C)
          let (g, v, at) = (
            dy + ((n * oh + i) * ow + j) * C, y + ((n * oh + i) * ow + j) * C,
            argmax + ((n * oh + i) * ow + j) * C
          )
          // One loop per activation kind, each writing all four positions (selects, no
          // branches, no separate zero fill).
          switch activation {
          case .linear:
            for k in 0..<C {
              let (gk, a) = (g[k], at[k])
              (da[k], db[k]) = (a == 0 ? gk : 0, a == 1 ? gk : 0)
              (dc[k], dd[k]) = (a == 2 ? gk : 0, a == 3 ? gk : 0)
            }
          case .relu:
            for k in 0..<C {
              let (gk, a) = (v[k] > 0 ? g[k] : 0, at[k])
              (da[k], db[k]) = (a == 0 ? gk : 0, a == 1 ? gk : 0)
              (dc[k], dd[k]) = (a == 2 ? gk : 0, a == 3 ? gk : 0)
            }
          case .sigmoid:
            for k in 0..<C {
              let (gk, a) = (g[k] * v[k] * (1 - v[k]), at[k])
              (da[k], db[k]) = (a == 0 ? gk : 0, a == 1 ? gk : 0)
              (dc[k], dd[k]) = (a == 2 ? gk : 0, a == 3 ? gk : 0)
            }
          }
        }
      }
    }
  }

  // MARK: - Array conveniences

  public func forward<Scalar: TrainScalar>(_ x: [Scalar], batch: Int) -> [Scalar] {
    precondition(x.count == batch * inputCount)
    var y = [Scalar](repeating: 0, count: batch * outputCount)
    x.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in forward(px.baseAddress!, into: py.baseAddress!, batch: batch) }
    }
    return y
  }

  public func backward<Scalar: TrainScalar>(
    _ dy: [Scalar], input x: [Scalar], output y: [Scalar], batch: Int
  ) -> [Scalar] {
    precondition(x.count == batch * inputCount && dy.count == batch * outputCount && y.count == dy.count)
    var dx = [Scalar](repeating: 0, count: x.count)
    dy.withUnsafeBufferPointer { pdy in
      x.withUnsafeBufferPointer { px in
        y.withUnsafeBufferPointer { py in
          dx.withUnsafeMutableBufferPointer { pdx in
            backward(
              pdy.baseAddress!, input: px.baseAddress!, output: py.baseAddress!,
              into: pdx.baseAddress!, batch: batch)
          }
        }
      }
    }
    return dx
  }
}
