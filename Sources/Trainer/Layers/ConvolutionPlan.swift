// MARK: - ConvolutionPlan

/// How a 3x3 "same" convolution reads its input, written as output *phases* of *taps*, so that a
/// plain convolution and "nearest 2x upsample, then 3x3 convolution" share one engine.
///
/// A phase is the set of output pixels (factor·i + rowPhase, factor·j + colPhase) for every input
/// pixel (i, j). Each of its taps reads input pixel (i + dr, j + dc) (zero outside the image) and
/// multiplies it by the sum of the 3x3 kernel taps listed in `kernelTaps` (index kr·3 + kc).
///
/// - `plain`: factor 1, one phase, the nine taps of the kernel as they are.
/// - `upsampled`: factor 2, four phases of a 2x2 window each (the exact sub-pixel form). For the
///   even output row 2i the upsampled rows 2i-1, 2i, 2i+1 are input rows i-1, i, i: kernel row 0
///   reads row i-1 and kernel rows 1+2 read row i. For the odd row 2i+1 kernel rows 0+1 read row i
///   and kernel row 2 reads row i+1. Columns likewise. Zero padding of the upsampled image is zero
///   padding of the input, so the form is exact, and it does 16 instead of 36 multiply-adds per
///   input pixel and channel pair.
///
/// ```swift
/// let up = ConvolutionPlan.upsampled
/// up.phases[0].taps[0]   // dr -1, dc -1, kernelTaps [0]           (top-left of phase (0, 0))
/// up.phases[0].taps[3]   // dr  0, dc  0, kernelTaps [4, 5, 7, 8]  (rows 1+2 x cols 1+2)
/// up.totalTaps           // 16
/// ```
struct ConvolutionPlan: Sendable {
  struct Tap: Sendable {
    let dr: Int
    let dc: Int
    /// 3x3 kernel taps (kr * 3 + kc) whose weights are summed for this tap.
    let kernelTaps: [Int]
  }

  struct Phase: Sendable {
    let rowPhase: Int
    let colPhase: Int
    let taps: [Tap]
  }

  /// Output size = factor x input size.
  let factor: Int
  let phases: [Phase]

  var totalTaps: Int { phases.reduce(0) { $0 + $1.taps.count } }
  var maxTapsPerPhase: Int { phases.reduce(0) { max($0, $1.taps.count) } }

  /// Index of phase `k`'s first tap when all phases' taps are numbered in order.
  func firstTap(ofPhase k: Int) -> Int { phases[..<k].reduce(0) { $0 + $1.taps.count } }

  // MARK: - The two plans

  static let plain: ConvolutionPlan = {
    var taps: [Tap] = []
    for kr in 0..<3 {
      for kc in 0..<3 { taps.append(Tap(dr: kr - 1, dc: kc - 1, kernelTaps: [kr * 3 + kc])) }
    }
    return ConvolutionPlan(factor: 1, phases: [Phase(rowPhase: 0, colPhase: 0, taps: taps)])
  }()

  static let upsampled: ConvolutionPlan = {
    // Kernel rows (or columns) summed into tap t of phase a, and the input offset it reads.
    func source(phase a: Int, tap t: Int) -> (offset: Int, kernel: [Int]) {
      switch (a, t) {
      case (0, 0): return (-1, [0])
      case (0, _): return (0, [1, 2])
      case (_, 0): return (0, [0, 1])
      default: return (1, [2])
      }
    }
    var phases: [Phase] = []
    for a in 0..<2 {
      for b in 0..<2 {
        var taps: [Tap] = []
        for tr in 0..<2 {
          for tc in 0..<2 {
            let (dr, rows) = source(phase: a, tap: tr)
            let (dc, cols) = source(phase: b, tap: tc)
            taps.append(
              Tap(dr: dr, dc: dc, kernelTaps: rows.flatMap { kr in cols.map { kr * 3 + $0 } }))
          }
        }
        phases.append(Phase(rowPhase: a, colPhase: b, taps: taps))
      }
    }
    return ConvolutionPlan(factor: 2, phases: phases)
  }()
}
