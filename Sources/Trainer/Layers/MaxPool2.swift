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

  /// x [batch, rows, cols, C] -> y [batch, rows/2, cols/2, C]
  public func forward<Scalar: TrainScalar>(
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
  public func backward<Scalar: TrainScalar>(
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
