// MARK: - ConvolutionStrategy

/// How a 3x3 convolution is turned into matrix products (both are exact and give the same
/// result up to rounding; they differ in the size of the temporary matrix).
public enum ConvolutionStrategy: Sendable, Equatable {
  /// `tapProducts` when there are fewer output than input channels and at most 32 of them,
  /// else `im2col` (measured on the paper VAE's layers: im2col's longer inner dimension wins
  /// unless the tap products are small).
  case automatic
  /// Per output phase, a [pixels, taps·Cin] matrix of input patches times the kernel
  /// [taps·Cin, Cout]. Temporary: taps·Cin per pixel, built in blocks of rows.
  case im2col
  /// Every input pixel times every tap's weights first ([pixels, Cin] x [Cin, taps·Cout]), then
  /// each output pixel sums the products of its taps. Temporary: taps·Cout per pixel, so this
  /// suits few output channels (the decoder's last convolution has one).
  case tapProducts
}

// MARK: - ConvolutionEngine

/// The arithmetic behind `Conv3x3`: forward and backward of a 3x3 "same" convolution (optionally
/// of the nearest-2x-upsampled input, see `ConvolutionPlan`) over NHWC tensors, with bias and a
/// fused activation, as OpenBLAS matrix products.
///
/// Shapes: x [batch, rows, cols, Cin] -> y [batch, f·rows, f·cols, Cout], f = plan.factor.
/// The kernel is [3, 3, Cin, Cout] (Keras layout); the engine works on per-phase weight
/// matrices derived from it (`engineWeights`) and maps their gradients back
/// (`addKernelGradient`).
struct ConvolutionEngine<Scalar: TrainScalar> {
  let plan: ConvolutionPlan
  let rows: Int
  let cols: Int
  let inChannels: Int
  let outChannels: Int
  let activation: Activation
  /// `.im2col` or `.tapProducts` (never `.automatic`).
  let strategy: ConvolutionStrategy
  /// Upper bound on the elements of one temporary block (patches or tap products).
  let blockElements: Int

  /// Per phase, the tap offsets (dr, dc) as plain integers for the inner loops.
  private let tapRows: [[Int]]
  private let tapCols: [[Int]]

  init(
    plan: ConvolutionPlan, rows: Int, cols: Int, inChannels: Int, outChannels: Int,
    activation: Activation, strategy: ConvolutionStrategy, blockElements: Int = 1 << 19
  ) {
    self.plan = plan
    self.rows = rows
    self.cols = cols
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.activation = activation
    switch strategy {
    case .automatic:
      self.strategy = outChannels < inChannels && outChannels <= 32 ? .tapProducts : .im2col
    default: self.strategy = strategy
    }
    self.blockElements = blockElements
    tapRows = plan.phases.map { $0.taps.map(\.dr) }
    tapCols = plan.phases.map { $0.taps.map(\.dc) }
  }

  var outputRows: Int { plan.factor * rows }
  var outputCols: Int { plan.factor * cols }

  // MARK: - Weights in the engine's layout

  /// im2col: phases one after another, each [taps·Cin, Cout].
  /// tapProducts: one matrix [Cin, totalTaps·Cout].
  var engineWeightCount: Int { plan.totalTaps * inChannels * outChannels }

  /// Sums the 3x3 kernel [3, 3, Cin, Cout] into the engine's weight layout
  /// (`engineWeightCount` elements at `w`, overwritten).
  func engineWeights(kernel: UnsafePointer<Scalar>, into w: UnsafeMutablePointer<Scalar>) {
    let ci = inChannels
    let co = outChannels
    let wide = plan.totalTaps * co
    w.update(repeating: 0, count: engineWeightCount)
    var s = 0
    for phase in plan.phases {
      for tap in phase.taps {
        for kt in tap.kernelTaps {
          let src = kernel + kt * ci * co
          switch strategy {
          case .tapProducts:
            for c in 0..<ci {
              let d = w + c * wide + s * co
              for o in 0..<co { d[o] += src[c * co + o] }
            }
          default:
            let d = w + s * ci * co
            for e in 0..<(ci * co) { d[e] += src[e] }
          }
        }
        s += 1
      }
    }
  }

  func engineWeights(kernel: UnsafePointer<Scalar>) -> [Scalar] {
    var w = [Scalar](repeating: 0, count: engineWeightCount)
    w.withUnsafeMutableBufferPointer { engineWeights(kernel: kernel, into: $0.baseAddress!) }
    return w
  }

  /// Adds a gradient in the engine's layout to the 3x3 kernel's gradient (the transpose of
  /// `engineWeights`).
  func addKernelGradient(_ g: UnsafePointer<Scalar>, to kernelGrad: UnsafeMutablePointer<Scalar>) {
    let ci = inChannels
    let co = outChannels
    let wide = plan.totalTaps * co
    var s = 0
    for phase in plan.phases {
      for tap in phase.taps {
        for kt in tap.kernelTaps {
          let dst = kernelGrad + kt * ci * co
          switch strategy {
          case .tapProducts:
            for c in 0..<ci {
              let src = g + c * wide + s * co
              for o in 0..<co { dst[c * co + o] += src[o] }
            }
          default:
            let src = g + s * ci * co
            for e in 0..<(ci * co) { dst[e] += src[e] }
          }
        }
        s += 1
      }
    }
  }

  // MARK: - Forward

  /// x [batch, rows, cols, Cin] -> y [batch, f·rows, f·cols, Cout] = act(conv(x) + bias).
  func forward(
    _ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>, batch: Int,
    weights: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>, scratch: ScratchMemory<Scalar>
  ) {
    if strategy == .tapProducts {
      forwardTapProducts(
        x, into: y, batch: batch, weights: weights, bias: bias, scratch: scratch)
    } else {
      forwardIm2col(x, into: y, batch: batch, weights: weights, bias: bias, scratch: scratch)
    }
  }

  private var rowsPerBlock: Int {
    max(1, blockElements / (cols * plan.maxTapsPerPhase * inChannels))
  }

  private func forwardIm2col(
    _ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>, batch: Int,
    weights: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>, scratch: ScratchMemory<Scalar>
  ) {
    let (H, W, co, f) = (rows, cols, outChannels, plan.factor)
    let blockRows = rowsPerBlock
    let patches = scratch.patches.reserve(blockRows * W * plan.maxTapsPerPhase * inChannels)
    let products = scratch.products.reserve(blockRows * W * co)
    let total = batch * H
    var r0 = 0
    while r0 < total {
      let r1 = min(total, r0 + blockRows)
      let m = (r1 - r0) * W
      var weightOffset = 0
      for (k, phase) in plan.phases.enumerated() {
        let kk = phase.taps.count * inChannels
        // patches [m, taps·Cin]
        gatherPatches(x, rows: r0..<r1, phase: k, into: patches)
        // products [m, Cout] = patches [m, taps·Cin] x W_phase [taps·Cin, Cout]
        Scalar.gemm(
          transA: false, transB: false, m: m, n: co, k: kk, alpha: 1, a: patches, lda: kk,
          b: weights + weightOffset, ldb: co, beta: 0, c: products, ldc: co)
        // y[n, f·i + a, f·j + b, :] = act(products + bias)
        for r in r0..<r1 {
          let (n, i) = r.quotientAndRemainder(dividingBy: H)
          let outRow = y + ((n * f * H + f * i + phase.rowPhase) * f * W + phase.colPhase) * co
          for j in 0..<W {
            activate(products + ((r - r0) * W + j) * co, bias: bias, into: outRow + f * j * co)
          }
        }
        weightOffset += kk * co
      }
      r0 = r1
    }
  }

  private func forwardTapProducts(
    _ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>, batch: Int,
    weights: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>, scratch: ScratchMemory<Scalar>
  ) {
    let (H, W, ci, co, f) = (rows, cols, inChannels, outChannels, plan.factor)
    let wide = plan.totalTaps * co
    let images = max(1, min(batch, blockElements / (H * W * wide)))
    let products = scratch.products.reserve(images * H * W * wide)
    let sum = scratch.small.reserve(co)
    var n0 = 0
    while n0 < batch {
      let nb = min(images, batch - n0)
      // products [nb·H·W, taps·Cout] = x [nb·H·W, Cin] x W [Cin, taps·Cout]
      Scalar.gemm(
        transA: false, transB: false, m: nb * H * W, n: wide, k: ci, alpha: 1,
        a: x + n0 * H * W * ci, lda: ci, b: weights, ldb: wide, beta: 0, c: products, ldc: wide)
      var s0 = 0
      for (k, phase) in plan.phases.enumerated() {
        tapRows[k].withUnsafeBufferPointer { drs in
          tapCols[k].withUnsafeBufferPointer { dcs in
            for nn in 0..<nb {
              for i in 0..<H {
                let outRow =
                  y + (((n0 + nn) * f * H + f * i + phase.rowPhase) * f * W + phase.colPhase) * co
                for j in 0..<W {
                  // sum = Σ_taps products[n, i + dr, j + dc, tap, :]
                  for o in 0..<co { sum[o] = 0 }
                  for t in 0..<drs.count {
                    let si = i + drs[t]
                    let sj = j + dcs[t]
                    if si < 0 || si >= H || sj < 0 || sj >= W { continue }
                    let src = products + ((nn * H + si) * W + sj) * wide + (s0 + t) * co
                    for o in 0..<co { sum[o] += src[o] }
                  }
                  activate(sum, bias: bias, into: outRow + f * j * co)
                }
              }
            }
          }
        }
        s0 += phase.taps.count
      }
      n0 += nb
    }
  }

  // MARK: - Backward

  /// dy, x, y (the forward output) -> dx (overwritten, when asked); the gradients of the
  /// engine's weights [engineWeightCount] and of the bias [Cout] are added to `weightGrad` and
  /// `biasGrad`.
  func backward(
    _ dy: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>, output y: UnsafePointer<Scalar>,
    inputGradient dx: UnsafeMutablePointer<Scalar>?, batch: Int, weights: UnsafePointer<Scalar>,
    weightGrad: UnsafeMutablePointer<Scalar>, biasGrad: UnsafeMutablePointer<Scalar>,
    scratch: ScratchMemory<Scalar>
  ) {
    // Only col2im adds into dx; the other two ways overwrite it.
    if strategy == .im2col && !gatherInputGradient {
      dx?.update(repeating: 0, count: batch * rows * cols * inChannels)
    }
    if strategy == .tapProducts {
      backwardTapProducts(
        dy, input: x, output: y, inputGradient: dx, batch: batch, weights: weights,
        weightGrad: weightGrad, biasGrad: biasGrad, scratch: scratch)
    } else {
      backwardIm2col(
        dy, input: x, output: y, inputGradient: dx, batch: batch, weights: weights,
        weightGrad: weightGrad, biasGrad: biasGrad, scratch: scratch)
    }
  }

  /// The same engine with another activation (backward through a pooled output passes the
  /// already activated gradient with `.linear`).
  func with(activation: Activation) -> ConvolutionEngine {
    ConvolutionEngine(
      plan: plan, rows: rows, cols: cols, inChannels: inChannels, outChannels: outChannels,
      activation: activation, strategy: strategy, blockElements: blockElements)
  }

  private func backwardIm2col(
    _ dy: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>, output y: UnsafePointer<Scalar>,
    inputGradient dx: UnsafeMutablePointer<Scalar>?, batch: Int, weights: UnsafePointer<Scalar>,
    weightGrad: UnsafeMutablePointer<Scalar>, biasGrad: UnsafeMutablePointer<Scalar>,
    scratch: ScratchMemory<Scalar>
  ) {
    let (H, W, co, f) = (rows, cols, outChannels, plan.factor)
    let blockRows = rowsPerBlock
    let patches = scratch.patches.reserve(blockRows * W * plan.maxTapsPerPhase * inChannels)
    let g = scratch.products.reserve(blockRows * W * co)
    let total = batch * H
    var r0 = 0
    while r0 < total {
      let r1 = min(total, r0 + blockRows)
      let m = (r1 - r0) * W
      var weightOffset = 0
      for (k, phase) in plan.phases.enumerated() {
        let kk = phase.taps.count * inChannels
        // g [m, Cout] = dy ⊙ act'(y) at this phase's output pixels; dbias += Σ g
        for r in r0..<r1 {
          let (n, i) = r.quotientAndRemainder(dividingBy: H)
          let offset = ((n * f * H + f * i + phase.rowPhase) * f * W + phase.colPhase) * co
          for j in 0..<W {
            activationGradient(
              dy: dy + offset + f * j * co, y: y + offset + f * j * co,
              into: g + ((r - r0) * W + j) * co, biasGrad: biasGrad)
          }
        }
        gatherPatches(x, rows: r0..<r1, phase: k, into: patches)
        // dW_phase [taps·Cin, Cout] += patchesᵀ [taps·Cin, m] x g [m, Cout]
        Scalar.gemm(
          transA: true, transB: false, m: kk, n: co, k: m, alpha: 1, a: patches, lda: kk,
          b: g, ldb: co, beta: 1, c: weightGrad + weightOffset, ldc: co)
        if let dx, !gatherInputGradient {
          // dpatches [m, taps·Cin] = g [m, Cout] x W_phaseᵀ [Cout, taps·Cin]; dx += col2im
          Scalar.gemm(
            transA: false, transB: true, m: m, n: kk, k: co, alpha: 1, a: g, lda: co,
            b: weights + weightOffset, ldb: co, beta: 0, c: patches, ldc: kk)
          scatterPatches(patches, rows: r0..<r1, phase: k, into: dx)
        }
        weightOffset += kk * co
      }
      r0 = r1
    }
    if let dx, gatherInputGradient {
      inputGradientByGather(dy, into: dx, batch: batch, weights: weights, scratch: scratch)
    }
  }

  /// Whether `backwardIm2col` computes dx as a convolution of dy (see `inputGradientByGather`):
  /// for a plain convolution whose output gradient needs no activation step (the pooled forms
  /// pass it already activated) and that has fewer output than input channels, where the
  /// [pixels, 9·Cout] patches of dy are smaller than the [pixels, 9·Cin] input patches.
  private var gatherInputGradient: Bool {
    plan.factor == 1 && activation == .linear && outChannels < inChannels
  }

  /// dx[n, i, j, c] = Σ_taps Σ_o dy[n, i - dr, j - dc, o] · K[tap, c, o]: the input gradient of
  /// a plain 3x3 convolution as another one, over dy with the taps mirrored and each tap's
  /// kernel transposed. Per block of rows: dx [m, Cin] = dy patches [m, 9·Cout] x
  /// Kᵀ [9·Cout, Cin] (overwrites dx; no col2im).
  private func inputGradientByGather(
    _ dy: UnsafePointer<Scalar>, into dx: UnsafeMutablePointer<Scalar>, batch: Int,
    weights: UnsafePointer<Scalar>, scratch: ScratchMemory<Scalar>
  ) {
    let (H, W, ci, co) = (rows, cols, inChannels, outChannels)
    let drs = tapRows[0].map { -$0 }
    let dcs = tapCols[0].map { -$0 }
    let kk = drs.count * co
    // transposed[(t·Cout + o)·Cin + c] = K[(t·Cin + c)·Cout + o]
    let transposed = scratch.transposed.reserve(kk * ci)
    for t in 0..<drs.count {
      for c in 0..<ci {
        for o in 0..<co { transposed[(t * co + o) * ci + c] = weights[(t * ci + c) * co + o] }
      }
    }
    let blockRows = max(1, blockElements / (W * kk))
    let patches = scratch.patches.reserve(blockRows * W * kk)
    let total = batch * H
    var r0 = 0
    while r0 < total {
      let r1 = min(total, r0 + blockRows)
      drs.withUnsafeBufferPointer { pr in
        dcs.withUnsafeBufferPointer { pc in
          gather(dy, channels: co, rows: r0..<r1, drs: pr, dcs: pc, into: patches)
        }
      }
      Scalar.gemm(
        transA: false, transB: false, m: (r1 - r0) * W, n: ci, k: kk, alpha: 1, a: patches,
        lda: kk, b: transposed, ldb: ci, beta: 0, c: dx + r0 * W * ci, ldc: ci)
      r0 = r1
    }
  }

  private func backwardTapProducts(
    _ dy: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>, output y: UnsafePointer<Scalar>,
    inputGradient dx: UnsafeMutablePointer<Scalar>?, batch: Int, weights: UnsafePointer<Scalar>,
    weightGrad: UnsafeMutablePointer<Scalar>, biasGrad: UnsafeMutablePointer<Scalar>,
    scratch: ScratchMemory<Scalar>
  ) {
    let (H, W, ci, co, f) = (rows, cols, inChannels, outChannels, plan.factor)
    let wide = plan.totalTaps * co
    let images = max(1, min(batch, blockElements / (H * W * wide)))
    let dProducts = scratch.products.reserve(images * H * W * wide)
    let g = scratch.small.reserve(co)
    var n0 = 0
    while n0 < batch {
      let nb = min(images, batch - n0)
      // dproducts[n, i + dr, j + dc, tap, :] = dy ⊙ act'(y) at the tap's output pixel
      // (every (input pixel, tap) pair feeds exactly one output pixel, or none at the border)
      dProducts.update(repeating: 0, count: nb * H * W * wide)
      var s0 = 0
      for (k, phase) in plan.phases.enumerated() {
        tapRows[k].withUnsafeBufferPointer { drs in
          tapCols[k].withUnsafeBufferPointer { dcs in
            for nn in 0..<nb {
              for i in 0..<H {
                let offset =
                  (((n0 + nn) * f * H + f * i + phase.rowPhase) * f * W + phase.colPhase) * co
                for j in 0..<W {
                  activationGradient(
                    dy: dy + offset + f * j * co, y: y + offset + f * j * co, into: g,
                    biasGrad: biasGrad)
                  for t in 0..<drs.count {
                    let si = i + drs[t]
                    let sj = j + dcs[t]
                    if si < 0 || si >= H || sj < 0 || sj >= W { continue }
                    let dst = dProducts + ((nn * H + si) * W + sj) * wide + (s0 + t) * co
                    for o in 0..<co { dst[o] = g[o] }
                  }
                }
              }
            }
          }
        }
        s0 += phase.taps.count
      }
      // dW [Cin, taps·Cout] += xᵀ [Cin, nb·H·W] x dproducts [nb·H·W, taps·Cout]
      Scalar.gemm(
        transA: true, transB: false, m: ci, n: wide, k: nb * H * W, alpha: 1,
        a: x + n0 * H * W * ci, lda: ci, b: dProducts, ldb: wide, beta: 1, c: weightGrad,
        ldc: wide)
      if let dx {
        // dx [nb·H·W, Cin] = dproducts [nb·H·W, taps·Cout] x Wᵀ [taps·Cout, Cin]
        Scalar.gemm(
          transA: false, transB: true, m: nb * H * W, n: ci, k: wide, alpha: 1, a: dProducts,
          lda: wide, b: weights, ldb: wide, beta: 0, c: dx + n0 * H * W * ci, ldc: ci)
      }
      n0 += nb
    }
  }

  // MARK: - Patches (im2col and its transpose)

  /// patches[(r - r0)·W + j, tap·Cin + c] = x[n, i + dr, j + dc, c] (0 outside), r = n·H + i.
  private func gatherPatches(
    _ x: UnsafePointer<Scalar>, rows block: Range<Int>, phase k: Int,
    into patches: UnsafeMutablePointer<Scalar>
  ) {
    tapRows[k].withUnsafeBufferPointer { drs in
      tapCols[k].withUnsafeBufferPointer { dcs in
        gather(x, channels: inChannels, rows: block, drs: drs, dcs: dcs, into: patches)
      }
    }
  }

  /// patches[(r - r0)·W + j, tap·C + c] = src[n, i + drs[tap], j + dcs[tap], c] (0 outside)
  /// for a [batch, rows, cols, C] tensor.
  private func gather(
    _ src: UnsafePointer<Scalar>, channels ci: Int, rows block: Range<Int>,
    drs: UnsafeBufferPointer<Int>, dcs: UnsafeBufferPointer<Int>,
    into patches: UnsafeMutablePointer<Scalar>
  ) {
    let (H, W) = (rows, cols)
    let kk = drs.count * ci
    for r in block {
      let (n, i) = r.quotientAndRemainder(dividingBy: H)
      for j in 0..<W {
        var dst = patches + ((r - block.lowerBound) * W + j) * kk
        for t in 0..<drs.count {
          let si = i + drs[t]
          let sj = j + dcs[t]
          if si < 0 || si >= H || sj < 0 || sj >= W {
            dst.update(repeating: 0, count: ci)
          } else {
            copy(src + ((n * H + si) * W + sj) * ci, to: dst, count: ci)
          }
          dst += ci
        }
      }
    }
  }

  /// dx[n, i + dr, j + dc, c] += patches[(r - r0)·W + j, tap·Cin + c]: the transpose of
  /// `gatherPatches`.
  private func scatterPatches(
    _ patches: UnsafePointer<Scalar>, rows block: Range<Int>, phase k: Int,
    into dx: UnsafeMutablePointer<Scalar>
  ) {
    let (H, W, ci) = (rows, cols, inChannels)
    tapRows[k].withUnsafeBufferPointer { drs in
      tapCols[k].withUnsafeBufferPointer { dcs in
        let kk = drs.count * ci
        for r in block {
          let (n, i) = r.quotientAndRemainder(dividingBy: H)
          for j in 0..<W {
            var src = patches + ((r - block.lowerBound) * W + j) * kk
            for t in 0..<drs.count {
              let si = i + drs[t]
              let sj = j + dcs[t]
              if si >= 0 && si < H && sj >= 0 && sj < W {
                let dst = dx + ((n * H + si) * W + sj) * ci
                for c in 0..<ci { dst[c] += src[c] }
              }
              src += ci
            }
          }
        }
      }
    }
  }

  // MARK: - Element helpers (one output pixel's channels)

  @inline(__always)
  private func copy(
    _ src: UnsafePointer<Scalar>, to dst: UnsafeMutablePointer<Scalar>, count: Int
  ) {
    if count < 16 {
      for c in 0..<count { dst[c] = src[c] }
    } else {
      dst.update(from: src, count: count)
    }
  }

  /// dst[o] = act(v[o] + bias[o]) for the Cout channels of one pixel.
  @inline(__always)
  private func activate(
    _ v: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>, into dst: UnsafeMutablePointer<Scalar>
  ) {
    let co = outChannels
    switch activation {
    case .linear:
      for o in 0..<co { dst[o] = v[o] + bias[o] }
    case .relu:
      for o in 0..<co {
        let s = v[o] + bias[o]
        dst[o] = s > 0 ? s : 0
      }
    case .sigmoid:
      for o in 0..<co { dst[o] = Activation.sigmoid(v[o] + bias[o]) }
    }
  }

  /// g[o] = dy[o] · act'(pre-activation), written with the output y; biasGrad[o] += g[o].
  @inline(__always)
  private func activationGradient(
    dy: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>, into g: UnsafeMutablePointer<Scalar>,
    biasGrad: UnsafeMutablePointer<Scalar>
  ) {
    let co = outChannels
    switch activation {
    case .linear:
      for o in 0..<co { g[o] = dy[o] }
    case .relu:
      for o in 0..<co { g[o] = y[o] > 0 ? dy[o] : 0 }
    case .sigmoid:
      for o in 0..<co { g[o] = dy[o] * y[o] * (1 - y[o]) }
    }
    for o in 0..<co { biasGrad[o] += g[o] }
  }
}

// MARK: - ScratchMemory

/// Temporary memory that convolutions reuse from call to call, so that steady-state training
/// does not allocate, fault in and free multi-megabyte temporaries in every layer. Give each
/// thread its own; passing none makes a call use a fresh one.
///
/// ```swift
/// let scratch = ScratchMemory<Float>()
/// conv.forward(x, into: y, batch: 16, p, scratch: scratch)   // later calls reuse its memory
/// ```
public final class ScratchMemory<Scalar: TrainScalar> {
  let patches = TensorBuffer<Scalar>()
  let products = TensorBuffer<Scalar>()
  let small = TensorBuffer<Scalar>()
  let chunk = TensorBuffer<Scalar>()
  let weights = TensorBuffer<Scalar>()
  let weightGrad = TensorBuffer<Scalar>()
  let biasGrad = TensorBuffer<Scalar>()
  let transposed = TensorBuffer<Scalar>()

  public init() {}
}
