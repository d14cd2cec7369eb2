import Testing

@testable import ImageIO

// MARK: - BarChart

@Suite struct BarChartTests {
  /// Pixels of `color` in the image row through the middle of bar `k`.
  static func run(_ img: RGBImage, bar k: Int, color: RGBColor, titled: Bool) -> Int {
    let top = 8 + (titled ? BitmapFont.lineHeight + 4 : 0)
    let row = top + k * BarChart.rowHeight + BarChart.rowHeight / 2
    return (0..<img.width).count { img[row, $0] == color }
  }

  @Test func barsShareOneScaleAndTheHighlightedOneIsRed() {
    var chart = BarChart(title: "SQNR", unit: " dB")
    chart.add("a", 40)
    chart.add("bb", 20)
    chart.add("c", 30)
    #expect(chart.lowest == 1)
    chart.highlighted = chart.lowest
    let img = chart.render(width: 400)
    #expect(img.width == 400 && img.height == 8 + 14 + 3 * 16 + 8)
    let a = Self.run(img, bar: 0, color: BarChart.barColor, titled: true)
    let b = Self.run(img, bar: 1, color: BarChart.highlightColor, titled: true)
    let c = Self.run(img, bar: 2, color: BarChart.barColor, titled: true)
    #expect(Self.run(img, bar: 1, color: BarChart.barColor, titled: true) == 0)
    #expect(Self.run(img, bar: 0, color: BarChart.highlightColor, titled: true) == 0)
    // lengths proportional to the values, to a pixel's rounding
    #expect(a > 100 && abs(2 * b - a) <= 2 && abs(4 * c - 3 * a) <= 4, "\(a) \(b) \(c)")
  }

  @Test func nonPositiveAndNonFiniteValuesDrawNoBar() {
    var chart = BarChart()
    chart.add("zero", 0)
    chart.add("nan", .nan)
    chart.add("one", 1)
    #expect(chart.lowest == 0)
    let img = chart.render(width: 200)
    #expect(Self.run(img, bar: 0, color: BarChart.barColor, titled: false) == 0)
    #expect(Self.run(img, bar: 1, color: BarChart.barColor, titled: false) == 0)
    #expect(Self.run(img, bar: 2, color: BarChart.barColor, titled: false) > 50)
  }
}
