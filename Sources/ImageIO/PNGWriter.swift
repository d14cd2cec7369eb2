import CPNG
import FileAccess

// MARK: - PNGFile (writing)

/// Writing 8-bit gray and 8-bit RGB PNGs with `png_image_write_to_memory`, then to disk with
/// `AtomicFile.write` (temporary file in the same folder, then rename).
///
/// ```swift
/// let img = GrayImage(width: 208, height: 120, fill: 255)
/// try PNGFile.write(img, to: "frames/1.png")
/// let bytes = try PNGFile.encode(img)      // the same PNG, in memory
/// ```
extension PNGFile {
  /// Writes `image` as an 8-bit gray PNG at `path`, atomically.
  public static func write(_ image: GrayImage, to path: String) throws(ImageIOError) {
    let bytes = try encode(image.pixels, image.width, image.height, SampleFormat.gray, path: path)
    do { try AtomicFile.write(bytes, to: path) } catch { throw .file(error) }
  }

  /// Writes `image` as an 8-bit RGB PNG at `path`, atomically.
  public static func write(_ image: RGBImage, to path: String) throws(ImageIOError) {
    let bytes = try encode(image.pixels, image.width, image.height, SampleFormat.rgb, path: path)
    do { try AtomicFile.write(bytes, to: path) } catch { throw .file(error) }
  }

  /// An 8-bit gray PNG file's bytes.
  public static func encode(_ image: GrayImage) throws(ImageIOError) -> [UInt8] {
    try encode(image.pixels, image.width, image.height, SampleFormat.gray, path: "(memory)")
  }

  /// An 8-bit RGB PNG file's bytes.
  public static func encode(_ image: RGBImage) throws(ImageIOError) -> [UInt8] {
    try encode(image.pixels, image.width, image.height, SampleFormat.rgb, path: "(memory)")
  }

  // MARK: - libpng

  /// Encodes interleaved 8-bit samples in `format` (`SampleFormat.gray` or `.rgb`).
  static func encode(
    _ pixels: [UInt8], _ width: Int, _ height: Int, _ format: png_uint_32, path: String
  ) throws(ImageIOError) -> [UInt8] {
    guard width >= 1, height >= 1 else {
      throw .invalidSize(path: path, width: width, height: height)
    }
    let channels = format == SampleFormat.rgb ? 3 : 1
    // Generous first guess (stored zlib blocks cost 5 bytes per 64 KB, plus filter bytes and
    // chunk overhead); libpng reports the exact size if it is not enough.
    let raw = width * height * channels + height
    var capacity = raw + raw / 1000 + 1024
    for _ in 0..<2 {
      var image = png_image()
      image.version = png_uint_32(PNG_IMAGE_VERSION)
      image.width = png_uint_32(width)
      image.height = png_uint_32(height)
      image.format = format
      var out = [UInt8](repeating: 0, count: capacity)
      var size = png_alloc_size_t(capacity)
      let ok = out.withUnsafeMutableBytes { dst in
        pixels.withUnsafeBytes { src in
          png_image_write_to_memory(
            &image, dst.baseAddress, &size, 0, src.baseAddress,
            png_int_32(width * channels), nil)
        }
      }
      let message = PNGFile.message(of: &image)
      png_image_free(&image)
      if ok != 0 {
        out.removeLast(out.count - Int(size))
        return out
      }
      guard Int(size) > capacity else { throw .cannotWrite(path: path, reason: "libpng: \(message)") }
      capacity = Int(size)
    }
    throw .cannotWrite(path: path, reason: "libpng could not size the PNG")
  }
}
