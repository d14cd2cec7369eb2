import FileAccess
import Testing

@testable import ImageIO

// MARK: - BitmapFont

@Suite struct BitmapFontTests {
  @Test func glyphsAreFiveWideAndSevenOrNineHigh() {
    let text = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz .,-+=:/()_%?"
    for ch in text {
      let rows = BitmapFont.rows(for: ch)
      #expect(rows.count == 7 || rows.count == 9, "\(ch)")
      #expect(rows.allSatisfy { $0 < 32 }, "\(ch)")
      #expect(ch == " " || rows.contains { $0 != 0 }, "\(ch) has no ink")
    }
    #expect(BitmapFont.rows(for: "€") == BitmapFont.rows(for: "?"))
    // Distinct glyphs for characters that must not be confused.
    for (a, b) in [("0", "O"), ("1", "l"), ("1", "I"), ("5", "S"), ("8", "B"), ("-", "_"), ("e", "c")] {
      #expect(BitmapFont.rows(for: Character(a)) != BitmapFont.rows(for: Character(b)))
    }
  }

  @Test func drawPutsInkWhereTheGlyphSays() {
    var img = RGBImage(width: 20, height: 12, fill: .white)
    BitmapFont.draw("1-", into: &img, x: 2, y: 1, color: .black)
    // "1": row 0 is ..#.. -> column 2 + 2; row 6 is .###. -> columns 3...5
    #expect(img[1, 4] == .black && img[1, 3] == .white)
    #expect((3...5).allSatisfy { img[7, $0] == .black })
    // "-" starts 6 pixels later: row 3 is .###. -> columns 9...11
    #expect((9...11).allSatisfy { img[4, $0] == .black } && img[4, 8] == .white)
    #expect(BitmapFont.width(of: "1-") == 11)
    var gray = GrayImage(width: 8, height: 8, fill: 0)
    BitmapFont.draw("1", into: &gray, x: 0, y: 0, level: 200)
    #expect(gray[0, 2] == 200 && gray[0, 0] == 0)
    BitmapFont.draw("?", into: &gray, x: -3, y: 5, level: 9)  // clipped, no crash
  }
}

// MARK: - LinePlot

@Suite struct LinePlotTests {
  func count(_ img: RGBImage, _ color: RGBColor) -> Int {
    var n = 0
    for r in 0..<img.height {
      for c in 0..<img.width where img[r, c] == color { n += 1 }
    }
    return n
  }

  @Test func seriesColoursAppearAndPNGIsValid() throws {
    var plot = LinePlot(title: "VAE loss", xLabel: "epoch", yLabel: "loss")
    plot.add("train", y: [9.1, 5.2, 4.0, 3.6, 3.3])
    plot.add("validation", x: [1, 2, 3, 4, 5], y: [9.5, 6.0, 4.9, 4.7, 4.6])
    let img = plot.render(width: 320, height: 200)
    #expect(img.width == 320 && img.height == 200)
    let blue = count(img, LinePlot.color(0))
    let orange = count(img, LinePlot.color(1))
    #expect(blue > 200 && orange > 200)  // lines 2 px thick across ~250 px, plus legend swatches
    #expect(count(img, LinePlot.color(2)) == 0)
    #expect(count(img, .white) < img.width * img.height)

    let tmp = TempFolder()
    defer { tmp.remove() }
    let path = tmp.file("loss.png")
    try PNGFile.write(img, to: path)
    let back = try PNGFile.readGray(path: path)
    #expect(back.width == 320 && back.height == 200)
    // The series colour (31, 97, 180) reads back as its luma, 86.73 -> 87.
    let firstBlue = try #require((0..<(320 * 200)).first { img[$0 / 320, $0 % 320] == LinePlot.color(0) })
    #expect(back.pixels[firstBlue] == 87)
    #expect(try PNGFile.encode(img) == AtomicFile.read(path))
    #expect(plot.render(width: 320, height: 200) == img)  // deterministic
  }

  @Test func higherValuesAreDrawnHigher() {
    var plot = LinePlot()
    plot.add("", x: [0, 1], y: [0, 10])
    let img = plot.render(width: 200, height: 150)
    let blue = LinePlot.color(0)
    var rowsAtLeft: [Int] = []
    var rowsAtRight: [Int] = []
    for r in 0..<img.height {
      for c in 0..<img.width / 3 where img[r, c] == blue { rowsAtLeft.append(r) }
      for c in (2 * img.width / 3)..<img.width where img[r, c] == blue { rowsAtRight.append(r) }
    }
    #expect(!rowsAtLeft.isEmpty && !rowsAtRight.isEmpty)
    #expect(rowsAtLeft.min()! > rowsAtRight.max()!)  // rising line: right end nearer the top
  }

  @Test func nonFiniteLogAndEmptyCasesDoNotCrash() {
    var plot = LinePlot(title: "t", logY: true)
    plot.add("a", y: [100, 0, -1, .nan, 1, 0.01, .infinity])
    plot.add("single", x: [3], y: [5])
    let img = plot.render(width: 300, height: 200)
    #expect(count(img, LinePlot.color(0)) > 20)
    #expect(count(img, LinePlot.color(1)) > 4)
    #expect(LinePlot().render(width: 10, height: 10).width == 120)  // minimum size
    var flat = LinePlot(yLabel: "constant")
    flat.add("c", y: [2, 2, 2])
    #expect(count(flat.render(), LinePlot.color(0)) > 100)
    var fixed = LinePlot()
    fixed.yRange = 0...1
    fixed.add("clipped", y: [0.5, 3, -2, 0.5])
    #expect(count(fixed.render(), LinePlot.color(0)) > 20)
  }
}

// MARK: - Ticks

@Suite struct TickTests {
  @Test func linearTicksAreNiceAndCoverTheData() {
    let a = Axis.linear([0.3, 9.7], fallback: 0...1)
    #expect(a.ticks.map(\.label) == ["0", "2", "4", "6", "8", "10"])
    #expect(a.low == 0 && a.high == 10)
    let b = Axis.linear([-0.04, 0.26], fallback: 0...1)
    #expect(b.ticks.map(\.label) == ["-0.05", "0", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30"])
    let c = Axis.linear([1.2e-4, 3.1e-4], fallback: 0...1)
    #expect(c.ticks.map(\.label) == ["1.0e-4", "1.5e-4", "2.0e-4", "2.5e-4", "3.0e-4", "3.5e-4"])
    let d = Axis.linear([0, 2_400_000], fallback: 0...1)
    #expect(d.ticks.map(\.label) == ["0", "0.5e6", "1.0e6", "1.5e6", "2.0e6", "2.5e6"])
    let flat = Axis.linear([5, 5], fallback: 0...1)
    #expect(flat.low < 5 && flat.high > 5)
  }

  @Test func logTicksAreDecades() {
    let a = Axis.logarithmic([-2.3, 1.4], exact: false)
    #expect(a.ticks.map(\.label) == ["1e-3", "0.01", "0.1", "1", "10", "100"])
    #expect(a.low == -3 && a.high == 2)
    #expect(a.minor.isEmpty)  // five decades: no minor grid
    let narrow = Axis.logarithmic([-0.5, 1.2], exact: false)  // 0.1 ... 100
    #expect(narrow.minor.count == 24)  // 2..9 in each of three decades
    let wide = Axis.logarithmic([-12, 12], exact: false)
    #expect(wide.ticks.count <= 9 && wide.ticks.first?.label == "1e-12")
  }
}
