import ImageIO
import SynthDancer
import Testing

// MARK: - Synthetic dancer: pixels

@Suite struct SynthRenderTests {
  /// FNV-1a (64-bit) over the pixels of `frames`, in order.
  static func fnv1a(_ frames: [GrayImage]) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for f in frames {
      for p in f.pixels {
        h = (h ^ UInt64(p)) &* 0x0000_0100_0000_01B3
      }
    }
    return h
  }

  static func meanAbsoluteDifference(_ a: GrayImage, _ b: GrayImage) -> Double {
    var sum = 0
    for (x, y) in zip(a.pixels, b.pixels) { sum += abs(Int(x) - Int(y)) }
    return Double(sum) / Double(a.pixels.count)
  }

  // MARK: - Determinism

  @Test func sameSeedGivesIdenticalPixelsAndTheRecordedHash() throws {
    let dancer = SyntheticDancer(seed: 42, frameCount: 40)
    let first = dancer.frames()
    let second = SyntheticDancer(seed: 42, frameCount: 40).frames()
    let one = (0..<40).map { dancer.frame(at: $0) }  // sequential, one at a time
    #expect(first == second)
    #expect(first == one)
    // Decoded from PNG, the pixels are the same again.
    let decoded = try first.map { try PNGFile.decodeGray(PNGFile.encode($0), path: "(memory)") }
    #expect(Self.fnv1a(decoded) == Self.fnv1a(first))
    // Recorded from this implementation. Any change to the moves, choreography, body,
    // renderer or jitter changes this value: re-record it deliberately, and say so.
    #expect(Self.fnv1a(first) == 7_750_350_892_001_674_253)
  }

  @Test func differentSeedsDiffer() {
    let a = SyntheticDancer(seed: 1, frameCount: 10).frames()
    let b = SyntheticDancer(seed: 2, frameCount: 10).frames()
    #expect(zip(a, b).allSatisfy { $0 != $1 })
  }

  // MARK: - Looks like a silhouette

  @Test func framesHoldOneDarkFigureOnALightStage() {
    let frames = SyntheticDancer(seed: 7, frameCount: 60).frames()
    for (i, f) in frames.enumerated() {
      #expect(f.width == 208 && f.height == 120)
      let dark = f.pixels.filter { $0 < 128 }.count
      // A standing figure covers about 1,600 pixels of 24,960; a turn narrows it.
      #expect((500...3500).contains(dark), "frame \(i): \(dark) dark pixels")
      #expect(f.pixels.min()! == 32 && f.pixels.max()! == 236, "frame \(i): not ink on stage")
      let corners = [f[0, 0], f[0, 207], f[119, 0]]
      #expect(corners.allSatisfy { $0 == 236 })
      // Anti-aliased: some edge pixels lie strictly between ink and background.
      #expect(f.pixels.contains { $0 > 32 && $0 < 236 })
    }
  }

  /// The mean absolute difference two frames would have if their figures did not overlap at
  /// all: every figure pixel of either frame differs by (background - ink).
  static func disjointDifference(_ a: GrayImage, _ b: GrayImage) -> Double {
    let coverage = { (f: GrayImage) in f.pixels.map { Double(236 - Int($0)) / 204 }.reduce(0, +) }
    return (coverage(a) + coverage(b)) * 204 / Double(a.pixels.count)
  }

  @Test func consecutiveFramesAreCloseButNeverEqual() {
    let frames = SyntheticDancer(seed: 9, frameCount: 100).frames()
    var nearSum = 0.0, disjointSum = 0.0
    for (a, b) in zip(frames, frames.dropFirst()) {
      let d = Self.meanAbsoluteDifference(a, b), disjoint = Self.disjointDifference(a, b)
      #expect(d > 0)
      // 1/10 s apart, the two figures always overlap: they differ by less than half of what
      // two non-overlapping figures would.
      #expect(d < 0.5 * disjoint, "change \(d) against \(disjoint) for disjoint figures")
      nearSum += d
      disjointSum += disjoint
    }
    // And on average they overlap much more than that.
    #expect(nearSum < 0.3 * disjointSum)
    // Far-apart frames differ more than neighbours on average.
    let far = zip(frames, frames.dropFirst(50)).map(Self.meanAbsoluteDifference).reduce(0, +) / 50
    #expect(far > nearSum / 99)
  }

  @Test func higherFrameRateSlowsTheMotionPerFrame() {
    // At 30 fps, frame 3k shows the same instant as frame k at 10 fps (jitter aside).
    let ten = SyntheticDancer(seed: 4, frameCount: 20, fps: 10)
    let thirty = SyntheticDancer(seed: 4, frameCount: 60, fps: 30)
    for k in [0, 5, 19] {
      #expect(ten.time(ofFrame: k) == thirty.time(ofFrame: 3 * k))
      #expect(ten.move(at: k) == thirty.move(at: 3 * k))
    }
  }

  // MARK: - Renderer

  @Test func aStandingFigureRestsOnTheFloorAtItsStagePosition() {
    let img = SilhouetteRenderer().render(Figure(pose: .neutral, at: 104))
    #expect(img[60, 104] == 32)  // torso
    #expect(img[5, 5] == 236)
    // The lowest foot ends exactly at y = 116: row 115 (centre 115.5) is mostly covered there,
    // rows below not at all.
    #expect((0..<208).contains { img[115, $0] < 128 })
    #expect((116..<120).allSatisfy { row in (0..<208).allSatisfy { img[row, $0] == 236 } })
    // Symmetric about the hip centre x = 104 (pixel columns 103 and 104 straddle it).
    for row in 0..<120 {
      for k in 0..<100 { #expect(img[row, 103 - k] == img[row, 104 + k]) }
    }
  }

  @Test func aDiscIsDrawnWithASoftOnePixelEdge() {
    let r = SilhouetteRenderer(width: 40, height: 40, background: 200, ink: 0)
    var f = Figure(pose: .neutral, at: 20)
    f.shapes = [Capsule(20, 20, 20, 20, radius: 10)]
    let img = r.render(f)
    #expect(img[20, 20] == 0)  // centre
    #expect(img[20, 35] == 200)  // 15.5 px from the centre
    // Pixel centre (20.5, 29.5): distance 9.5129 from the centre, d = -0.487, coverage 0.987.
    #expect(img[29, 20] == 3)
    // Coverage sums to about the disc's area (pi r^2 = 314.16).
    let covered = img.pixels.map { Double(200 - Int($0)) / 200 }.reduce(0, +)
    #expect(abs(covered - 314.16) < 1.5)
  }

  @Test func aSquashedDiscCoversProportionallyLessArea() {
    let r = SilhouetteRenderer(width: 40, height: 40, background: 200, ink: 0)
    var f = Figure(pose: .neutral, at: 20)
    f.shapes = [Capsule(20, 20, 20, 20, radius: 10)]
    f.squash = 0.5
    let img = r.render(f)
    let covered = img.pixels.map { Double(200 - Int($0)) / 200 }.reduce(0, +)
    #expect(abs(covered - 157.08) < 1.5)  // an ellipse with semi-axes 5 and 10
    #expect(img[20, 26] == 200 && img[20, 14] == 200)  // 6 px out: beyond the 5 px semi-axis
    // Pixel centre (20.5, 29.5) is body point (21, 29.5): distance 9.5525, d = -0.4475 in the
    // body, -0.4406 in the image (gradient 1.0159); coverage 0.9406 -> 200 - 188.1 -> 12.
    #expect(img[29, 20] == 12)
  }
}
