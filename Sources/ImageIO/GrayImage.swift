// MARK: - GrayImage

/// An 8-bit gray image, row-major, top row first; 0 is black, 255 white.
///
/// ```swift
/// var img = GrayImage(width: 208, height: 120, fill: 255)
/// img[3, 5] = 0          // row 3, column 5
/// img.pixels.count       // 24960
/// ```
public struct GrayImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  public var pixels: [UInt8]

  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width >= 0 && height >= 0 && pixels.count == width * height)
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  public init(width: Int, height: Int, fill: UInt8 = 0) {
    self.init(width: width, height: height, pixels: [UInt8](repeating: fill, count: width * height))
  }

  public subscript(row: Int, column: Int) -> UInt8 {
    get { pixels[row * width + column] }
    set { pixels[row * width + column] = newValue }
  }
}
