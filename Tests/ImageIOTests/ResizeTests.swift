import ImageIO
import Testing

// MARK: - Resizing exactness

@Suite struct ResizeTests {
  @Test func shrink4x4To2x2IsBlockMeanRoundedHalfUp() {
    let img = GrayImage(width: 4, height: 4, pixels: (0..<16).map { UInt8($0) })
    // Blocks {0,1,4,5} 2.5, {2,3,6,7} 4.5, {8,9,12,13} 10.5, {10,11,14,15} 12.5.
    #expect(img.resized(width: 2, height: 2).pixels == [3, 5, 11, 13])
    let dark = GrayImage(width: 4, height: 4, pixels: [0, 255, 0, 0, 0, 0, 0, 0, 9, 9, 1, 1, 9, 9, 1, 2])
    // 255/4 = 63.75 -> 64; 0; 9; 5/4 = 1.25 -> 1
    #expect(dark.resized(width: 2, height: 2).pixels == [64, 0, 9, 1])
  }

  @Test func shrinkByNonIntegerFactorWeighsOverlaps() {
    // 3 -> 2: output 0 covers source [0, 1.5): (2*a + 1*b) / 3; output 1: (1*b + 2*c) / 3.
    let img = GrayImage(width: 3, height: 1, pixels: [0, 90, 30])
    #expect(img.resized(width: 2, height: 1).pixels == [30, 50])
    // 5 -> 1 is the plain mean: (10+20+30+40+51) / 5 = 30.2 -> 30
    #expect(
      GrayImage(width: 5, height: 1, pixels: [10, 20, 30, 40, 51]).resized(width: 1, height: 1).pixels == [30]
    )
  }

  @Test func grow2x2To4x4IsBilinearWithCentresAligned() {
    // Per axis the weights are (1, 0), (3/4, 1/4), (1/4, 3/4), (0, 1): output i samples source
    // position (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
    let img = GrayImage(width: 2, height: 2, pixels: [0, 100, 200, 40])
    let big = img.resized(width: 4, height: 4)
    #expect(
      big.pixels == [
        0, 25, 75, 100,
        50, 59, 76, 85,  // 0.75 * 25 + 0.25 * 160 = 58.75 -> 59; 76.25 -> 76
        150, 126, 79, 55,  // 126.25 -> 126; 78.75 -> 79
        200, 160, 80, 40,
      ])
  }

  @Test func mixedAxesAndIdentity() {
    // Width shrinks 4 -> 2 (pairs averaged), height grows 1 -> 2 (copied: one source row).
    let img = GrayImage(width: 4, height: 1, pixels: [10, 20, 100, 201])
    #expect(img.resized(width: 2, height: 2).pixels == [15, 151, 15, 151])
    #expect(img.resized(width: 4, height: 1) == img)
  }

  @Test func constantImagesStayConstant() {
    let img = GrayImage(width: 37, height: 23, fill: 173)
    for (w, h) in [(208, 120), (5, 3), (37, 100), (1, 1)] {
      #expect(img.resized(width: w, height: h).pixels.allSatisfy { $0 == 173 })
    }
  }
}
