// MARK: - ClipSplit

/// Which frames of each clip are trained on and which are held out.
///
/// The last `heldOutPercent` percent of every clip (rounded down, at least one frame when the
/// clip has 10 or more frames) is never trained on; evaluation and calibration use it.
/// Clips are continuous in numeric frame order, so the held-out part is a contiguous tail and
/// windows of the sequence model never straddle the split.
///
/// ```swift
/// let s = ClipSplit(clipLengths: [100, 35], heldOutPercent: 10)
/// s.trainRanges     // [0..<90, 0..<32]
/// s.heldOutRanges   // [90..<100, 32..<35]
/// ```
public struct ClipSplit: Sendable, Equatable {
  public let clipLengths: [Int]
  public let heldOutPercent: Int
  public let trainRanges: [Range<Int>]
  public let heldOutRanges: [Range<Int>]

  public init(clipLengths: [Int], heldOutPercent: Int) {
    precondition((0..<100).contains(heldOutPercent))
    self.clipLengths = clipLengths
    self.heldOutPercent = heldOutPercent
    var train: [Range<Int>] = []
    var held: [Range<Int>] = []
    for n in clipLengths {
      var h = n * heldOutPercent / 100
      if h == 0 && heldOutPercent > 0 && n >= 10 { h = 1 }
      train.append(0..<(n - h))
      held.append((n - h)..<n)
    }
    trainRanges = train
    heldOutRanges = held
  }

  public var trainFrameCount: Int { trainRanges.reduce(0) { $0 + $1.count } }
  public var heldOutFrameCount: Int { heldOutRanges.reduce(0) { $0 + $1.count } }

  /// Start points for generation: every `every`-th training frame of each clip that has at least
  /// `primers` frames before it (so the sequence state can be primed on real latents), as
  /// (clip, frame) pairs in clip order.
  ///
  /// ```swift
  /// ClipSplit(clipLengths: [100], heldOutPercent: 10).startPoints(every: 30, primers: 8)
  /// // [(0, 8), (0, 38), (0, 68)]
  /// ```
  public func startPoints(every: Int, primers: Int) -> [(clip: Int, frame: Int)] {
    precondition(every > 0 && primers >= 0)
    var points: [(clip: Int, frame: Int)] = []
    for (c, r) in trainRanges.enumerated() {
      var f = r.lowerBound + primers
      while f < r.upperBound {
        points.append((c, f))
        f += every
      }
    }
    return points
  }

  /// "0:90-100;1:32-35" — the held-out ranges as stored in model metadata.
  public var heldOutDescription: String {
    heldOutRanges.enumerated().map { "\($0.offset):\($0.element.lowerBound)-\($0.element.upperBound)" }
      .joined(separator: ";")
  }
}
