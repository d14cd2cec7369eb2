// MARK: - FrameLoader

/// Loads one training frame: a PNG read as 8-bit gray (`PNGFile.readGray`), brought to the
/// model's frame size. A frame of another size is resized (`GrayImage.resized`) and reported
/// with a one-line notice, or refused when `strict` is set.
///
/// ```swift
/// let frame = try FrameLoader.load(path: "frames/3.png") { print($0) }
/// // prints "frames/3.png: 640x360 resized to 208x120" for a 640x360 file
/// _ = try FrameLoader.load(path: "frames/3.png", strict: true)
/// // throws  frames/3.png: is 640x360, expected 208x120 (--strict)
/// ```
public enum FrameLoader {
  /// The paper's frame size: 208 wide, 120 high.
  public static let defaultWidth = 208
  public static let defaultHeight = 120

  public static func load(
    path: String, width: Int = defaultWidth, height: Int = defaultHeight, strict: Bool = false,
    maximumPixels: Int = PNGFile.defaultMaximumPixels,
    notice: (String) -> Void = { _ in }
  ) throws(ImageIOError) -> GrayImage {
    guard width >= 1, height >= 1 else {
      throw .invalidSize(path: path, width: width, height: height)
    }
    let image = try PNGFile.readGray(path: path, maximumPixels: maximumPixels)
    if image.width == width && image.height == height { return image }
    if strict {
      throw .wrongSize(
        path: path, width: image.width, height: image.height, expectedWidth: width,
        expectedHeight: height)
    }
    guard image.width >= 1, image.height >= 1 else {
      throw .invalidSize(path: path, width: image.width, height: image.height)
    }
    notice("\(path): \(image.width)x\(image.height) resized to \(width)x\(height)")
    return image.resized(width: width, height: height)
  }
}
