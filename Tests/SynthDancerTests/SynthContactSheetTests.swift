import ImageIO
import SynthDancer
import Testing

// MARK: - ContactSheet

@Suite struct SynthContactSheetTests {
  @Test func framesAreLaidOutLeftToRightThenDown() {
    let frames = (0..<5).map { GrayImage(width: 4, height: 3, fill: UInt8(10 * ($0 + 1))) }
    let sheet = ContactSheet.make(frames, columns: 3, gap: 1, background: 0)
    #expect(sheet.width == 3 * 4 + 4 * 1 && sheet.height == 2 * 3 + 3 * 1)
    #expect(sheet[1, 1] == 10 && sheet[3, 4] == 10)  // first frame's corners
    #expect(sheet[1, 6] == 20)  // second frame starts at column 1 + 4 + 1
    #expect(sheet[1, 11] == 30)
    #expect(sheet[5, 1] == 40 && sheet[5, 6] == 50)  // second row
    #expect(sheet[5, 11] == 0)  // unused cell
    #expect(sheet[0, 0] == 0 && sheet[4, 1] == 0)  // border and gap between rows
  }

  @Test func fewFramesUseFewColumnsAndSmallFramesSitTopLeft() {
    let big = GrayImage(width: 6, height: 4, fill: 200)
    let small = GrayImage(width: 2, height: 2, fill: 100)
    let sheet = ContactSheet.make([big, small], columns: 8, gap: 2, background: 7)
    #expect(sheet.width == 2 * 6 + 3 * 2 && sheet.height == 4 + 2 * 2)
    #expect(sheet[2, 10] == 100 && sheet[3, 11] == 100)
    #expect(sheet[4, 10] == 7 && sheet[2, 12] == 7)
  }

  @Test func strideKeepsAtMostTheRequestedTiles() {
    #expect(ContactSheet.stride(frameCount: 20_000, tiles: 48) == 417)
    #expect(ContactSheet.stride(frameCount: 5, tiles: 48) == 1)
    for n in [1, 47, 48, 49, 96, 97, 1000] {
      let k = ContactSheet.stride(frameCount: n, tiles: 48)
      #expect(Array(Swift.stride(from: 0, to: n, by: k)).count <= 48)
      #expect(k == 1 || Array(Swift.stride(from: 0, to: n, by: k - 1)).count > 48)
    }
  }
}
