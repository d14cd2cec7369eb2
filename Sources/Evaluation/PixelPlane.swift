import ImageIO
import Trainer

// MARK: - PixelPlane

/// A gray image as `Double` values on the 8-bit scale 0...255, the common input of the image
/// metrics (`ImageMetrics`, `PixelChange`).
///
/// Two sources are accepted:
/// - 8-bit images (`GrayImage`): values are taken as they are.
/// - frames of unit floats in [0, 1] (the VAE's sigmoid output): values are multiplied by 255,
///   without rounding or clamping, so metrics see the decoder's exact output.
///
/// ```swift
/// let a = PixelPlane(GrayImage(width: 2, height: 1, pixels: [0, 255]))   // values [0, 255]
/// let b = PixelPlane(unit: [Float(0), 0.5], width: 2, height: 1)          // values [0, 127.5]
/// ```
public struct PixelPlane: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// Row-major, top row first, on the 0...255 scale.
  public let values: [Double]

  /// Values already on the 0...255 scale; `values.count` must be `width * height`.
  public init(width: Int, height: Int, values: [Double]) {
    precondition(width >= 0 && height >= 0 && values.count == width * height)
    self.width = width
    self.height = height
    self.values = values
  }

  /// An 8-bit gray image.
  public init(_ image: GrayImage) {
    self.init(width: image.width, height: image.height, values: image.pixels.map { Double($0) })
  }

  /// A frame of unit floats in [0, 1] (row-major), scaled by 255.
  public init<T: BinaryFloatingPoint>(unit frame: [T], width: Int, height: Int) {
    self.init(width: width, height: height, values: frame.map { Double($0) * 255 })
  }

  /// "WxH", as used in error messages.
  public var sizeText: String { "\(width)x\(height)" }
}
