import Foundation

// MARK: - LinePlot

/// Training curves and evaluation plots: named series of (x, y) drawn as lines in distinct
/// colours over a white canvas, with a framed axis box, grid lines at "nice" ticks (1, 2, 5 x
/// 10^k), tick labels, axis labels, a title and a legend, all in `BitmapFont`.
///
/// Non-finite points (and, with `logY`, points with y <= 0) are skipped and break the line; an
/// isolated point is drawn as a dot. Without data the axes span 0...1.
///
/// ```swift
/// var plot = LinePlot(title: "VAE loss", xLabel: "epoch", yLabel: "loss")
/// plot.add("train", y: [9.1, 5.2, 4.0, 3.6])           // x = 1, 2, 3, 4
/// plot.add("validation", x: [1, 2, 3, 4], y: [9.5, 6.0, 4.9, 4.7])
/// try PNGFile.write(plot.render(width: 640, height: 400), to: "loss.png")
/// ```
public struct LinePlot: Sendable {
  /// One named curve.
  public struct Series: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]

    public init(name: String, x: [Double], y: [Double]) {
      precondition(x.count == y.count, "series \(name): x and y differ in length")
      self.name = name
      self.x = x
      self.y = y
    }
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  /// Logarithmic y axis (decades labelled 0.01, 0.1, 1, 10, ... or 1e-5 style).
  public var logY: Bool
  /// A fixed y range instead of the data's (points outside are clipped).
  public var yRange: ClosedRange<Double>?
  public var series: [Series] = []
  /// Font scale (1 = 5x7 pixel glyphs).
  public var textScale: Int = 1
  /// Line thickness in pixels.
  public var lineWidth: Int = 2

  /// Series colours, used in order and then repeated.
  public static let palette: [RGBColor] = [
    RGBColor(r: 31, g: 97, b: 180),  // blue
    RGBColor(r: 232, g: 118, b: 18),  // orange
    RGBColor(r: 38, g: 150, b: 62),  // green
    RGBColor(r: 208, g: 38, b: 42),  // red
    RGBColor(r: 128, g: 78, b: 182),  // violet
    RGBColor(r: 138, g: 88, b: 58),  // brown
    RGBColor(r: 212, g: 80, b: 170),  // magenta
    RGBColor(r: 18, g: 152, b: 162),  // teal
  ]
  static let ink = RGBColor(gray: 30)
  static let grid = RGBColor(gray: 226)
  static let minorGrid = RGBColor(gray: 242)

  public init(title: String = "", xLabel: String = "", yLabel: String = "", logY: Bool = false) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.logY = logY
  }

  /// Adds a series with explicit x values.
  public mutating func add(_ name: String, x: [Double], y: [Double]) {
    series.append(Series(name: name, x: x, y: y))
  }

  /// Adds a series whose x values are 1, 2, 3, ... (epochs).
  public mutating func add(_ name: String, y: [Double]) {
    add(name, x: (0..<y.count).map { Double($0 + 1) }, y: y)
  }

  /// The colour of series number `index`.
  public static func color(_ index: Int) -> RGBColor { palette[index % palette.count] }

  // MARK: - Rendering

  /// The plot as a `width` x `height` image (at least 120 x 80).
  public func render(width: Int = 640, height: Int = 400) -> RGBImage {
    let width = max(width, 120)
    let height = max(height, 80)
    var img = RGBImage(width: width, height: height, fill: .white)
    let s = max(1, textScale)
    let line = BitmapFont.lineHeight * s

    // Data ranges (in plotted coordinates: log10 y under logY).
    let points = series.map { plottedPoints($0) }
    let all = points.flatMap { $0 }.compactMap { $0 }
    let xAxis = Axis.linear(all.map(\.0), fallback: 0...1)
    var ys = all.map(\.1)
    if let yRange {
      ys = [yRange.lowerBound, yRange.upperBound]
      if logY { ys = ys.map { log10(max($0, .leastNormalMagnitude)) } }
    }
    let exact = yRange != nil
    let yAxis =
      logY
      ? Axis.logarithmic(ys, exact: exact) : Axis.linear(ys, fallback: 0...1, exact: exact)

    // Layout.
    let yLabelWidth = yAxis.ticks.map { BitmapFont.width(of: $0.label, scale: s) }.max() ?? 0
    let lastXLabel = xAxis.ticks.last.map { BitmapFont.width(of: $0.label, scale: s) } ?? 0
    var top = 8
    if !title.isEmpty { top += line + 4 }
    if !yLabel.isEmpty { top += line + 2 }
    let left = 8 + yLabelWidth + 7
    let right = width - max(12, lastXLabel / 2 + 4)
    let bottom = height - (6 + 7 + line + (xLabel.isEmpty ? 0 : line + 3))
    let box = Box(left: left, top: max(top, 8), right: max(right, left + 10), bottom: max(bottom, top + 10))

    // Title and axis labels.
    if !title.isEmpty {
      BitmapFont.draw(
        title, into: &img, x: (width - BitmapFont.width(of: title, scale: s)) / 2, y: 6,
        color: Self.ink, scale: s)
    }
    if !yLabel.isEmpty {
      BitmapFont.draw(yLabel, into: &img, x: 8, y: box.top - line - 2, color: Self.ink, scale: s)
    }
    if !xLabel.isEmpty {
      BitmapFont.draw(
        xLabel, into: &img, x: box.left + (box.width - BitmapFont.width(of: xLabel, scale: s)) / 2,
        y: height - line - 4, color: Self.ink, scale: s)
    }

    // Grid, ticks and tick labels.
    for v in yAxis.minor {
      let r = box.row(yAxis.fraction(v))
      drawLine(&img, box.left, r, box.right, r, Self.minorGrid, thickness: 1, clip: box)
    }
    for t in yAxis.ticks {
      let r = box.row(yAxis.fraction(t.value))
      drawLine(&img, box.left, r, box.right, r, Self.grid, thickness: 1, clip: box)
      drawLine(&img, box.left - 4, r, box.left, r, Self.ink, thickness: 1, clip: nil)
      BitmapFont.draw(
        t.label, into: &img, x: box.left - 7 - BitmapFont.width(of: t.label, scale: s),
        y: r - BitmapFont.glyphHeight * s / 2, color: Self.ink, scale: s)
    }
    for t in xAxis.ticks {
      let c = box.column(xAxis.fraction(t.value))
      drawLine(&img, c, box.top, c, box.bottom, Self.grid, thickness: 1, clip: box)
      drawLine(&img, c, box.bottom, c, box.bottom + 4, Self.ink, thickness: 1, clip: nil)
      BitmapFont.draw(
        t.label, into: &img, x: c - BitmapFont.width(of: t.label, scale: s) / 2,
        y: box.bottom + 7, color: Self.ink, scale: s)
    }

    // Series.
    for (k, pts) in points.enumerated() {
      let color = Self.color(k)
      var previous: (Int, Int)? = nil
      for (i, p) in pts.enumerated() {
        guard let p else {
          previous = nil
          continue
        }
        let here = (box.column(xAxis.fraction(p.0)), box.row(yAxis.fraction(p.1)))
        if let previous {
          drawLine(&img, previous.0, previous.1, here.0, here.1, color, thickness: lineWidth, clip: box)
        } else {
          let isolated = i + 1 >= pts.count || pts[i + 1] == nil
          if isolated {
            fillClipped(&img, here.0 - 1, here.1 - 1, lineWidth + 2, lineWidth + 2, color, box)
          }
        }
        previous = here
      }
    }

    // Frame and legend.
    drawRectangle(&img, box, Self.ink)
    if points.allSatisfy({ $0.allSatisfy { $0 == nil } }) {
      let text = "no data"
      BitmapFont.draw(
        text, into: &img, x: box.left + (box.width - BitmapFont.width(of: text, scale: s)) / 2,
        y: box.top + box.height / 2 - line / 2, color: Self.ink, scale: s)
    }
    drawLegend(&img, box, scale: s)
    return img
  }

  // MARK: - Data

  /// Points in plotted coordinates; nil where the point cannot be shown.
  func plottedPoints(_ series: Series) -> [(Double, Double)?] {
    zip(series.x, series.y).map { x, y in
      guard x.isFinite, y.isFinite else { return nil }
      if logY { return y > 0 ? (x, log10(y)) : nil }
      return (x, y)
    }
  }

  // MARK: - Legend

  func drawLegend(_ img: inout RGBImage, _ box: Box, scale s: Int) {
    let named = series.enumerated().filter { !$0.element.name.isEmpty }
    guard !named.isEmpty else { return }
    let line = BitmapFont.lineHeight * s
    let swatch = 16
    let textWidth = named.map { BitmapFont.width(of: $0.element.name, scale: s) }.max()!
    let w = 6 + swatch + 5 + textWidth + 6
    let h = 5 + named.count * line + 3
    let legend = Box(left: box.right - 6 - w, top: box.top + 6, right: box.right - 6, bottom: box.top + 6 + h)
    fillClipped(&img, legend.left, legend.top, legend.width, legend.height, .white, box)
    drawRectangle(&img, legend, RGBColor(gray: 160))
    for (row, (k, entry)) in named.enumerated() {
      let y = legend.top + 5 + row * line
      let mid = y + BitmapFont.glyphHeight * s / 2
      drawLine(
        &img, legend.left + 6, mid, legend.left + 6 + swatch, mid, Self.color(k), thickness: lineWidth,
        clip: nil)
      BitmapFont.draw(
        entry.name, into: &img, x: legend.left + 6 + swatch + 5, y: y, color: Self.ink, scale: s)
    }
  }

  // MARK: - Pixels

  struct Box {
    let left: Int, top: Int, right: Int, bottom: Int
    var width: Int { right - left }
    var height: Int { bottom - top }
    func column(_ f: Double) -> Int { left + Int((f * Double(width)).rounded()) }
    func row(_ f: Double) -> Int { bottom - Int((f * Double(height)).rounded()) }
    func contains(_ c: Int, _ r: Int) -> Bool { c >= left && c <= right && r >= top && r <= bottom }
  }

  func drawRectangle(_ img: inout RGBImage, _ b: Box, _ color: RGBColor) {
    drawLine(&img, b.left, b.top, b.right, b.top, color, thickness: 1, clip: nil)
    drawLine(&img, b.left, b.bottom, b.right, b.bottom, color, thickness: 1, clip: nil)
    drawLine(&img, b.left, b.top, b.left, b.bottom, color, thickness: 1, clip: nil)
    drawLine(&img, b.right, b.top, b.right, b.bottom, color, thickness: 1, clip: nil)
  }

  func fillClipped(
    _ img: inout RGBImage, _ x: Int, _ y: Int, _ w: Int, _ h: Int, _ color: RGBColor, _ clip: Box
  ) {
    for r in y..<(y + h) {
      for c in x..<(x + w) where clip.contains(c, r) { img.plot(row: r, column: c, color) }
    }
  }

  /// Bresenham's line from (x0, y0) to (x1, y1) with a square brush of `thickness` pixels,
  /// kept inside `clip` when given. Coordinates far outside are clamped first.
  func drawLine(
    _ img: inout RGBImage, _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: RGBColor,
    thickness: Int, clip: Box?
  ) {
    let limit = 4 * max(img.width, img.height) + 16
    var x = min(max(x0, -limit), limit)
    var y = min(max(y0, -limit), limit)
    let xe = min(max(x1, -limit), limit)
    let ye = min(max(y1, -limit), limit)
    let dx = abs(xe - x)
    let dy = -abs(ye - y)
    let sx = x < xe ? 1 : -1
    let sy = y < ye ? 1 : -1
    var err = dx + dy
    let offset = (thickness - 1) / 2
    while true {
      for r in (y - offset)..<(y - offset + thickness) {
        for c in (x - offset)..<(x - offset + thickness) {
          if let clip, !clip.contains(c, r) { continue }
          img.plot(row: r, column: c, color)
        }
      }
      if x == xe && y == ye { break }
      let e2 = 2 * err
      if e2 >= dy {
        err += dy
        x += sx
      }
      if e2 <= dx {
        err += dx
        y += sy
      }
    }
  }
}

// MARK: - Axis

/// An axis range with its labelled ticks (and, for log axes, unlabelled minor grid values).
struct Axis {
  struct Tick {
    let value: Double
    let label: String
  }

  let low: Double
  let high: Double
  let ticks: [Tick]
  var minor: [Double] = []

  /// Position of `v` along the axis, 0 at `low`, 1 at `high`.
  func fraction(_ v: Double) -> Double { (v - low) / (high - low) }

  /// Ticks at 1, 2 or 5 x 10^k, four to seven of them; the range is widened to whole steps
  /// unless `exact`.
  static func linear(_ values: [Double], fallback: ClosedRange<Double>, exact: Bool = false) -> Axis {
    var lo = values.min() ?? fallback.lowerBound
    var hi = values.max() ?? fallback.upperBound
    if hi < lo { swap(&lo, &hi) }
    if hi == lo {
      let pad = lo == 0 ? 1 : abs(lo) * 0.1
      lo -= pad
      hi += pad
    }
    let step = niceStep((hi - lo) / 6)
    if !exact {
      lo = (lo / step).rounded(.down) * step
      hi = (hi / step).rounded(.up) * step
    }
    var values: [Double] = []
    var k = (lo / step).rounded(.up)
    while k * step <= hi + step * 1e-9 {
      values.append(k * step)
      k += 1
    }
    let labels = TickLabels.linear(values, step: step)
    return Axis(low: lo, high: hi, ticks: zip(values, labels).map { Tick(value: $0, label: $1) })
  }

  /// For log10 values: ticks at whole decades (every n-th decade when there are many), minor
  /// grid at 2..9 x 10^k when few.
  static func logarithmic(_ logs: [Double], exact: Bool) -> Axis {
    var lo = logs.min() ?? 0
    var hi = logs.max() ?? 1
    if !exact {
      lo = lo.rounded(.down)
      hi = hi.rounded(.up)
    }
    if hi <= lo { hi = lo + 1 }
    let decades = Int((hi - lo).rounded(.up))
    let every = max(1, (decades + 7) / 8)
    var ticks: [Tick] = []
    var minor: [Double] = []
    var e = Int(lo.rounded(.down))
    while Double(e) <= hi + 1e-9 {
      if Double(e) >= lo - 1e-9 && e % every == 0 {
        ticks.append(Tick(value: Double(e), label: TickLabels.decade(e)))
      }
      if decades <= 4 {
        for m in 2...9 {
          let v = Double(e) + log10(Double(m))
          if v > lo && v < hi { minor.append(v) }
        }
      }
      e += 1
    }
    return Axis(low: lo, high: hi, ticks: ticks, minor: minor)
  }

  /// 1, 2 or 5 x 10^k, the smallest not below `raw`.
  static func niceStep(_ raw: Double) -> Double {
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let n = raw / magnitude
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * magnitude
  }
}

// MARK: - TickLabels

/// Compact tick labels: "0", "2.5", "-10", "1.5e-4"; large or tiny values share one exponent.
enum TickLabels {
  static func linear(_ values: [Double], step: Double) -> [String] {
    let biggest = values.map(abs).max() ?? 0
    let stepExponent = Int(log10(step).rounded(.down))
    if biggest >= 1e5 || stepExponent <= -4 {
      let e = Int(log10(max(biggest, step)).rounded(.down))
      let decimals = max(0, e - stepExponent)
      return values.map { v in
        abs(v) < step * 1e-6 ? "0" : String(format: "%.*f", decimals, v / pow(10, Double(e))) + "e\(e)"
      }
    }
    let decimals = max(0, -stepExponent)
    return values.map { v in
      abs(v) < step * 1e-6 ? "0" : String(format: "%.*f", decimals, v)
    }
  }

  /// 10^e as "0.01" ... "1000", or "1e-5" / "1e6" beyond.
  static func decade(_ e: Int) -> String {
    switch e {
    case -2: return "0.01"
    case -1: return "0.1"
    case 0...3: return "1" + String(repeating: "0", count: e)
    default: return "1e\(e)"
    }
  }
}
