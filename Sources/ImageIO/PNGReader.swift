import CPNG
import FileAccess

// MARK: - PNGFile (reading)

/// PNG files through libpng's simplified `png_image` API only: libpng reports errors by
/// longjmp, and the simplified API catches them inside libpng, so no jump ever crosses a Swift
/// frame. Every failure becomes a one-line `ImageIOError`.
///
/// Reading always yields an 8-bit gray image, by this fixed rule:
/// 1. libpng is asked for 8-bit samples only: `PNG_FORMAT_GA` for gray files (1/2/4/8/16-bit,
///    with or without alpha or tRNS) and `PNG_FORMAT_RGBA` for RGB, RGBA and palette files.
///    `PNG_IMAGE_FLAG_16BIT_sRGB` is set so a 16-bit file is taken as sRGB-encoded like an 8-bit
///    one; libpng then reduces each 16-bit sample v by rounding, to round(v * 255 / 65535), and
///    applies no gamma transform. (Only a file whose gAMA/sRGB/iCCP chunks declare a gamma other
///    than sRGB's is re-encoded to sRGB by libpng; files without such chunks, the usual case,
///    pass through unchanged.) Alpha is delivered straight (not premultiplied).
/// 2. Alpha is composited onto white in the stored values: c' = (c * a + 255 * (255 - a)) / 255.
/// 3. Colour becomes BT.601 luma, 0.299 R' + 0.587 G' + 0.114 B'.
/// Steps 2 and 3 are done in exact integers and rounded once, half up:
///     gray = floor((299 (R a + 255 (255 - a)) + 587 (...G...) + 114 (...B...) + 127500) / 255000)
/// so an opaque (r, g, b) gives round((299 r + 587 g + 114 b) / 1000) and an opaque gray g
/// gives g.
///
/// ```swift
/// let frame = try PNGFile.readGray(path: "frames/1.png")   // GrayImage
/// try PNGFile.write(frame, to: "copy.png")
/// ```
public enum PNGFile {
  /// Files declaring more pixels than this are refused before any pixel memory is allocated:
  /// 50,000,000 pixels (e.g. 8000 x 6250), 200 MB as 8-bit RGBA.
  public static let defaultMaximumPixels = 50_000_000

  /// The 8-byte signature every PNG file starts with.
  public static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

  // MARK: - Public reading

  /// Reads the PNG file at `path` as an 8-bit gray image (see the type's conversion rule).
  public static func readGray(
    path: String, maximumPixels: Int = defaultMaximumPixels
  ) throws(ImageIOError) -> GrayImage {
    let bytes: [UInt8]
    do { bytes = try AtomicFile.read(path) } catch { throw .file(error) }
    return try decodeGray(bytes, path: path, maximumPixels: maximumPixels)
  }

  /// Decodes PNG bytes held in memory; `path` only names them in errors.
  public static func decodeGray(
    _ bytes: [UInt8], path: String, maximumPixels: Int = defaultMaximumPixels
  ) throws(ImageIOError) -> GrayImage {
    if bytes.isEmpty { throw .emptyFile(path: path) }
    let head = bytes.prefix(signature.count)
    // A short file that is a prefix of the signature is a truncated PNG; let libpng say so.
    guard head.elementsEqual(signature.prefix(head.count)) else { throw .notPNG(path: path) }
    if let (offset, declared, available) = chunkPastEnd(bytes) {
      throw .chunkPastEnd(path: path, offset: offset, declared: declared, available: available)
    }
    if let (w, h) = declaredSize(bytes), w * h > maximumPixels {
      throw .tooManyPixels(path: path, width: w, height: h, limit: maximumPixels)
    }
    switch decode(bytes, maximumPixels: maximumPixels) {
    case .failure(let message): throw .damaged(path: path, message: message)
    case .tooLarge(let w, let h):
      throw .tooManyPixels(path: path, width: w, height: h, limit: maximumPixels)
    case .gray(let width, let height, let ga):
      var out = [UInt8](repeating: 0, count: width * height)
      for i in 0..<out.count {
        out[i] = compositeGray(ga[2 * i], alpha: ga[2 * i + 1])
      }
      return GrayImage(width: width, height: height, pixels: out)
    case .color(let width, let height, let rgba):
      var out = [UInt8](repeating: 0, count: width * height)
      for i in 0..<out.count {
        out[i] = luma(rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], alpha: rgba[4 * i + 3])
      }
      return GrayImage(width: width, height: height, pixels: out)
    }
  }

  // MARK: - The conversion rule

  /// Gray `g` with alpha `a` composited onto white, rounded half up.
  @inline(__always)
  static func compositeGray(_ g: UInt8, alpha a: UInt8) -> UInt8 {
    let n = Int(g) * Int(a) + 255 * (255 - Int(a))
    return UInt8((n + 127) / 255)  // n / 255 is never exactly x.5 (255 is odd)
  }

  /// BT.601 luma of (r, g, b) with alpha `a` composited onto white, rounded once, half up.
  @inline(__always)
  static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8, alpha a: UInt8) -> UInt8 {
    let ai = Int(a)
    let white = 255 * (255 - ai)
    let n =
      299 * (Int(r) * ai + white) + 587 * (Int(g) * ai + white) + 114 * (Int(b) * ai + white)
    return UInt8((n + 127_500) / 255_000)
  }

  // MARK: - Header check before libpng

  /// Width and height from a well-formed first IHDR chunk (length 13, CRC correct), or nil.
  /// Lets the pixel limit speak before libpng's own (smaller-valued) user limits do.
  static func declaredSize(_ b: [UInt8]) -> (Int, Int)? {
    guard b.count >= 33, Array(b[8..<16]) == [0, 0, 0, 13, 73, 72, 68, 82] else { return nil }
    func be32(_ i: Int) -> Int {
      Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }
    guard CRC32.checksum(b[12..<29]) == UInt32(be32(29)) else { return nil }
    return (be32(16), be32(20))
  }

  // MARK: - Chunk lengths before libpng

  /// The first chunk (before IEND) whose declared data length runs past the end of `b`: its
  /// offset, declared length and the data bytes actually left; nil when every complete chunk
  /// header fits. libpng allocates a chunk's declared length before reading it, so without this
  /// an 90-byte file declaring a 2 GB tEXt chunk makes it allocate 2 GB (found by fuzzing).
  ///
  /// ```swift
  /// // signature, IHDR (25 bytes), then a chunk header declaring 0x78DA6308 bytes at byte 33
  /// PNGFile.chunkPastEnd(bytes)   // (33, 2027578120, 53)
  /// ```
  static func chunkPastEnd(_ b: [UInt8]) -> (offset: Int, declared: Int, available: Int)? {
    var pos = signature.count
    while pos + 8 <= b.count {
      let length = Int(b[pos]) << 24 | Int(b[pos + 1]) << 16 | Int(b[pos + 2]) << 8 | Int(b[pos + 3])
      let available = b.count - pos - 8
      if length > available { return (pos, length, available) }
      if b[(pos + 4)..<(pos + 8)].elementsEqual("IEND".utf8) { return nil }
      pos += 12 + length  // length, type, data, CRC
    }
    return nil
  }

  // MARK: - libpng

  enum Decoded {
    case gray(Int, Int, [UInt8])  // width, height, gray+alpha pairs
    case color(Int, Int, [UInt8])  // width, height, r,g,b,a quadruples
    case tooLarge(Int, Int)
    case failure(String)
  }

  static func decode(_ bytes: [UInt8], maximumPixels: Int) -> Decoded {
    var image = png_image()
    image.version = png_uint_32(PNG_IMAGE_VERSION)
    defer { png_image_free(&image) }  // a no-op once libpng has freed it itself
    return bytes.withUnsafeBytes { raw -> Decoded in
      guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
        return .failure(message(of: &image))
      }
      let width = Int(image.width)
      let height = Int(image.height)
      if width * height > maximumPixels { return .tooLarge(width, height) }
      let isColor = (image.format & SampleFormat.colorFlag) != 0
      image.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)
      image.format = isColor ? SampleFormat.rgba : SampleFormat.grayAlpha
      let channels = isColor ? 4 : 2
      var buffer = [UInt8](repeating: 0, count: width * height * channels)
      let ok = buffer.withUnsafeMutableBytes { out in
        png_image_finish_read(&image, nil, out.baseAddress, png_int_32(width * channels), nil)
      }
      guard ok != 0 else { return .failure(message(of: &image)) }
      return isColor ? .color(width, height, buffer) : .gray(width, height, buffer)
    }
  }

  /// libpng's error text from the image's 64-byte message field.
  static func message(of image: inout png_image) -> String {
    let text = withUnsafeBytes(of: &image.message) { raw -> String in
      let chars = raw.prefix { $0 != 0 }
      return String(decoding: chars, as: UTF8.self)
    }
    return text.isEmpty ? "unknown error" : text
  }
}

// MARK: - SampleFormat

/// libpng's PNG_FORMAT_* values built from its flag macros (the combined macros such as
/// PNG_FORMAT_RGBA are not imported into Swift).
enum SampleFormat {
  static let alphaFlag = png_uint_32(PNG_FORMAT_FLAG_ALPHA)
  static let colorFlag = png_uint_32(PNG_FORMAT_FLAG_COLOR)
  static let gray: png_uint_32 = 0
  static let grayAlpha = alphaFlag
  static let rgb = colorFlag
  static let rgba = colorFlag | alphaFlag
}

// MARK: - CRC32

/// The CRC-32 used by PNG chunks (polynomial 0xEDB88320, reflected), computed bit by bit;
/// only ever run over a few header bytes.
///
/// ```swift
/// CRC32.checksum(Array("IEND".utf8))   // 0xAE426082
/// ```
public enum CRC32 {
  public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 {
        crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
      }
    }
    return ~crc
  }
}
