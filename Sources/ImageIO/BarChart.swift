import Foundation

// MARK: - BarChart

/// Named values as horizontal bars, one row each from the top, so a list of layers reads down
/// the page: the name on the left, a bar from 0 to the value, the value printed after the bar.
/// Bars share one scale (0 to the largest value); the `highlighted` bar is drawn in red, the
/// others in blue, so the one the reader should look at stands out. Negative and non-finite
/// values draw no bar and print their value.
///
/// ```swift
/// var chart = BarChart(title: "SQNR per layer (dB)", unit: " dB")
/// chart.add("decoder.dense", 40.6)
/// chart.add("decoder.expand", 31.9)
/// chart.highlighted = chart.lowest        // 1: decoder.expand in red
/// try PNGFile.write(chart.render(width: 640), to: "layer-sqnr.png")   // 640 x 62
/// ```
public struct BarChart: Sendable {
  public var title: String
  /// Printed after each value ("" for none).
  public var unit: String
  public var bars: [(name: String, value: Double)] = []
  /// The index of the bar drawn in the highlight colour (nil: none).
  public var highlighted: Int?

  static let barColor = RGBColor(r: 31, g: 97, b: 180)
  static let highlightColor = RGBColor(r: 208, g: 38, b: 42)
  static let rowHeight = 16

  public init(title: String = "", unit: String = "") {
    self.title = title
    self.unit = unit
  }

  public mutating func add(_ name: String, _ value: Double) { bars.append((name, value)) }

  /// The index of the smallest finite value (nil when there is none).
  public var lowest: Int? {
    bars.indices.filter { bars[$0].value.isFinite }.min { bars[$0].value < bars[$1].value }
  }

  // MARK: - Rendering

  /// The chart `width` pixels wide (at least 160); its height follows from the bar count:
  /// 8 + (title line 14) + 16 per bar + 8.
  public func render(width: Int = 640) -> RGBImage {
    let width = max(width, 160)
    let top = 8 + (title.isEmpty ? 0 : BitmapFont.lineHeight + 4)
    var img = RGBImage(width: width, height: top + bars.count * Self.rowHeight + 8, fill: .white)
    BitmapFont.draw(title, into: &img, x: 8, y: 6, color: LinePlot.ink)
    let labels = bars.map { String(format: "%.1f", $0.value) + unit }
    let nameWidth = bars.map { BitmapFont.width(of: $0.name) }.max() ?? 0
    let valueWidth = labels.map { BitmapFont.width(of: $0) }.max() ?? 0
    let left = 8 + nameWidth + 8
    let span = max(1, width - left - valueWidth - 16)
    let largest = bars.map(\.value).filter(\.isFinite).max() ?? 0
    for (k, bar) in bars.enumerated() {
      let y = top + k * Self.rowHeight
      BitmapFont.draw(bar.name, into: &img, x: 8, y: y + 3, color: LinePlot.ink)
      var length = 0
      if bar.value.isFinite, bar.value > 0, largest > 0 {
        length = max(1, Int((bar.value / largest * Double(span)).rounded()))
        let color = k == highlighted ? Self.highlightColor : Self.barColor
        img.fill(row: y + 2, column: left, width: length, height: Self.rowHeight - 4, color)
      }
      BitmapFont.draw(labels[k], into: &img, x: left + length + 6, y: y + 3, color: LinePlot.ink)
    }
    // The zero line.
    img.fill(row: top, column: left - 1, width: 1, height: bars.count * Self.rowHeight, LinePlot.ink)
    return img
  }
}
