// MARK: - SingleChannelConvPool

/// Direct loops for the encoder's first layer: a plain 3x3 convolution of a one-channel image,
/// its activation and 2x2 max pooling, fused.
///
/// With one input channel a matrix product has an inner dimension of 9, too short for BLAS to
/// be efficient, while the full-resolution output (120 x 208 x 128 per frame for the paper
/// preset) is the largest tensor of the whole model. Here every pooling window's four outputs
/// are computed in registers and cache, and only the pooled value and the winner's position
/// are written. Results equal `ConvolutionEngine` + `MaxPool2` (same sums in the same order up to
/// rounding; same first-maximum rule).
///
/// Layout: x [batch, rows, cols, 1], kernel [3, 3, 1, Cout] = [9, Cout], pooled and argmax
/// [batch, rows/2, cols/2, Cout].
///
/// ```swift
/// let k = SingleChannelConvPool<Float>(rows: 120, cols: 208, outChannels: 128, activation: .relu)
/// k.forward(x, kernel: w, bias: b, pooled: y, argmax: a, batch: 16, scratch: s)
/// k.backward(dPooled, input: x, pooled: y, argmax: a, batch: 16, kernelGrad: dw, biasGrad: db,
///            scratch: s)
/// ```
struct SingleChannelConvPool<Scalar: TrainScalar> {
  let rows: Int
  let cols: Int
  let outChannels: Int
  let activation: Activation

  /// The 4 x 9 input values of one pooling window's four output pixels (zero outside the image):
  /// patch[position · 9 + tap], position 0...3 = (0,0), (0,1), (1,0), (1,1) of the window.
  @inline(__always)
  private func windowPatches(
    _ x: UnsafePointer<Scalar>, image n: Int, row i: Int, col j: Int,
    into patch: UnsafeMutablePointer<Scalar>
  ) {
    let (H, W) = (rows, cols)
    for position in 0..<4 {
      let r = 2 * i + position / 2
      let c = 2 * j + position % 2
      for t in 0..<9 {
        let (sr, sc) = (r + t / 3 - 1, c + t % 3 - 1)
        patch[position * 9 + t] =
          (sr < 0 || sr >= H || sc < 0 || sc >= W) ? 0 : x[(n * H + sr) * W + sc]
      }
    }
  }

  // MARK: - Forward

  func forward(
    _ x: UnsafePointer<Scalar>, kernel w: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>,
    pooled: UnsafeMutablePointer<Scalar>, argmax: UnsafeMutablePointer<UInt8>, batch: Int,
    scratch: ScratchMemory<Scalar>
  ) {
    let co = outChannels
    let (oh, ow) = (rows / 2, cols / 2)
    let patch = scratch.small.reserve(36 + 4 * co)
    let sums = patch + 36  // [4, Cout]: the window's four pre-activations
    let (s0, s1, s2, s3) = (sums, sums + co, sums + 2 * co, sums + 3 * co)
    for n in 0..<batch {
      for i in 0..<oh {
        for j in 0..<ow {
          windowPatches(x, image: n, row: i, col: j, into: patch)
          // sums[position, o] = bias[o] + Σ_t patch[position, t] · w[t, o], tap by tap over
          // contiguous channels (the loop the compiler vectorises).
          for o in 0..<co { (s0[o], s1[o], s2[o], s3[o]) = (bias[o], bias[o], bias[o], bias[o]) }
          for t in 0..<9 {
            let (v0, v1, v2, v3) = (patch[t], patch[9 + t], patch[18 + t], patch[27 + t])
            let wt = w + t * co
            for o in 0..<co {
              let wv = wt[o]
              s0[o] += v0 * wv
              s1[o] += v1 * wv
              s2[o] += v2 * wv
              s3[o] += v3 * wv
            }
          }
          let out = ((n * oh + i) * ow + j) * co
          // Activation, first maximum and its position, with selects and arithmetic rather
          // than branches so the loops vectorise: position = n0·(1 + n1·(1 + n2)), where n_k = 1
          // when value k is not the maximum. One loop per activation kind.
          let (q, a) = (pooled + out, argmax + out)
          switch activation {
          case .relu:
            for o in 0..<co {
              let (v0, v1) = (s0[o] > 0 ? s0[o] : 0, s1[o] > 0 ? s1[o] : 0)
              let (v2, v3) = (s2[o] > 0 ? s2[o] : 0, s3[o] > 0 ? s3[o] : 0)
              (q[o], a[o]) = Self.firstMaximum(v0, v1, v2, v3)
            }
          case .linear:
            for o in 0..<co { (q[o], a[o]) = Self.firstMaximum(s0[o], s1[o], s2[o], s3[o]) }
          case .sigmoid:
            for e in 0..<(4 * co) { sums[e] = Activation.sigmoid(sums[e]) }
            for o in 0..<co { (q[o], a[o]) = Self.firstMaximum(s0[o], s1[o], s2[o], s3[o]) }
          }
        }
      }
    }
  }

  @inline(__always)
  private static func firstMaximum(_ v0: Scalar, _ v1: Scalar, _ v2: Scalar, _ v3: Scalar)
    -> (Scalar, UInt8)
  {
    let m01 = v1 > v0 ? v1 : v0
    let m23 = v3 > v2 ? v3 : v2
    let m = m23 > m01 ? m23 : m01
    let n0: Int32 = v0 == m ? 0 : 1
    let n1: Int32 = v1 == m ? 0 : 1
    let n2: Int32 = v2 == m ? 0 : 1
    return (m, UInt8(truncatingIfNeeded: n0 &* (1 &+ n1 &* (1 &+ n2))))
  }

  // MARK: - Backward (parameter gradients only: this is the first layer)

  /// dkernel [9, Cout] += Σ patch(winner) · g, dbias += Σ g, with g = dPooled · act'(pooled).
  func backward(
    _ dPooled: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>,
    pooled: UnsafePointer<Scalar>, argmax: UnsafePointer<UInt8>, batch: Int,
    kernelGrad: UnsafeMutablePointer<Scalar>, biasGrad: UnsafeMutablePointer<Scalar>,
    scratch: ScratchMemory<Scalar>
  ) {
    let co = outChannels
    let (oh, ow) = (rows / 2, cols / 2)
    let patch = scratch.small.reserve(36 + 4 * co)
    // g_k[o] = the gradient reaching window position k (zero unless k won for channel o)
    let g0 = patch + 36
    let (g1, g2, g3) = (g0 + co, g0 + 2 * co, g0 + 3 * co)
    for n in 0..<batch {
      for i in 0..<oh {
        for j in 0..<ow {
          let out = ((n * oh + i) * ow + j) * co
          let dp = dPooled + out
          let y = pooled + out
          let winners = argmax + out
          // g (kept in g0) = dPooled · act'(pooled), one loop per activation kind.
          switch activation {
          case .linear: for o in 0..<co { g0[o] = dp[o] }
          case .relu: for o in 0..<co { g0[o] = y[o] > 0 ? dp[o] : 0 }
          case .sigmoid: for o in 0..<co { g0[o] = dp[o] * y[o] * (1 - y[o]) }
          }
          for o in 0..<co {
            let g = g0[o]
            let a = winners[o]
            biasGrad[o] += g
            g0[o] = a == 0 ? g : 0
            g1[o] = a == 1 ? g : 0
            g2[o] = a == 2 ? g : 0
            g3[o] = a == 3 ? g : 0
          }
          windowPatches(x, image: n, row: i, col: j, into: patch)
          for t in 0..<9 {
            let (v0, v1, v2, v3) = (patch[t], patch[9 + t], patch[18 + t], patch[27 + t])
            let dw = kernelGrad + t * co
            for o in 0..<co { dw[o] += v0 * g0[o] + v1 * g1[o] + v2 * g2[o] + v3 * g3[o] }
          }
        }
      }
    }
  }
}
