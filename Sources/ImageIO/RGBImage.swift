// MARK: - RGBColor

/// One 8-bit sRGB colour.
///
/// ```swift
/// let red = RGBColor(r: 255, g: 0, b: 0)
/// ```
public struct RGBColor: Sendable, Equatable, Hashable {
  public var r: UInt8
  public var g: UInt8
  public var b: UInt8

  public init(r: UInt8, g: UInt8, b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  /// A gray colour (r = g = b = `level`).
  public init(gray level: UInt8) { self.init(r: level, g: level, b: level) }

  public static let white = RGBColor(gray: 255)
  public static let black = RGBColor(gray: 0)
}

// MARK: - RGBImage

/// An 8-bit RGB image for plots and pictures: row-major, top row first, 3 bytes per pixel
/// (r, g, b) in `pixels`.
///
/// ```swift
/// var img = RGBImage(width: 4, height: 2, fill: .white)
/// img[1, 3] = RGBColor(r: 255, g: 0, b: 0)   // row 1, column 3
/// img.pixels.count                          // 24
/// try PNGFile.write(img, to: "plot.png")
/// ```
public struct RGBImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  public var pixels: [UInt8]

  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3)
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  public init(width: Int, height: Int, fill: RGBColor = .white) {
    precondition(width >= 0 && height >= 0)
    var p = [UInt8](repeating: 0, count: width * height * 3)
    for i in 0..<(width * height) {
      p[3 * i] = fill.r
      p[3 * i + 1] = fill.g
      p[3 * i + 2] = fill.b
    }
    self.init(width: width, height: height, pixels: p)
  }

  /// The gray image shown in colour (each pixel's r = g = b = its gray level).
  public init(_ gray: GrayImage) {
    var p = [UInt8](repeating: 0, count: gray.width * gray.height * 3)
    for (i, v) in gray.pixels.enumerated() {
      p[3 * i] = v
      p[3 * i + 1] = v
      p[3 * i + 2] = v
    }
    self.init(width: gray.width, height: gray.height, pixels: p)
  }

  public subscript(row: Int, column: Int) -> RGBColor {
    get {
      let i = 3 * (row * width + column)
      return RGBColor(r: pixels[i], g: pixels[i + 1], b: pixels[i + 2])
    }
    set {
      let i = 3 * (row * width + column)
      pixels[i] = newValue.r
      pixels[i + 1] = newValue.g
      pixels[i + 2] = newValue.b
    }
  }

  /// Sets one pixel if (row, column) lies inside the image; does nothing otherwise.
  public mutating func plot(row: Int, column: Int, _ color: RGBColor) {
    guard row >= 0, row < height, column >= 0, column < width else { return }
    self[row, column] = color
  }

  /// Fills the rectangle of `width` x `height` pixels whose top-left corner is (row, column),
  /// clipped to the image.
  public mutating func fill(row: Int, column: Int, width w: Int, height h: Int, _ color: RGBColor) {
    let r0 = max(0, row)
    let r1 = min(height, row + h)
    let c0 = max(0, column)
    let c1 = min(width, column + w)
    guard r0 < r1, c0 < c1 else { return }
    for r in r0..<r1 {
      for c in c0..<c1 { self[r, c] = color }
    }
  }
}
