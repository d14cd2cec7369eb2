import Foundation
import ImageIO

// MARK: - HandPNG

/// Assembles PNG files byte by byte (zlib "stored" blocks, Adler-32, CRC-32), so tests can make
/// any colour type and bit depth, including 16-bit files with no gAMA chunk that libpng's
/// simplified writer cannot produce, and deliberately broken files.
///
/// ```swift
/// let png = HandPNG.make(width: 2, height: 1, bitDepth: 8, colorType: 0, rows: [[0, 255]])
/// ```
enum HandPNG {
  /// Colour types from the PNG specification.
  static let gray: UInt8 = 0
  static let rgb: UInt8 = 2
  static let palette: UInt8 = 3
  static let grayAlpha: UInt8 = 4
  static let rgba: UInt8 = 6

  /// A complete PNG; `rows` are the packed sample bytes of each row (without filter byte).
  static func make(
    width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, rows: [[UInt8]],
    palette: [UInt8]? = nil, transparency: [UInt8]? = nil
  ) -> [UInt8] {
    var out = PNGFile.signature
    out += chunk("IHDR", be32(width) + be32(height) + [bitDepth, colorType, 0, 0, 0])
    if let palette { out += chunk("PLTE", palette) }
    if let transparency { out += chunk("tRNS", transparency) }
    var raw: [UInt8] = []
    for row in rows { raw += [0] + row }  // filter type 0 (None)
    out += chunk("IDAT", zlibStored(raw))
    out += chunk("IEND", [])
    return out
  }

  /// A chunk: length, type, data, CRC over type and data.
  static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let body = Array(type.utf8) + data
    return be32(data.count) + body + be32(Int(CRC32.checksum(body)))
  }

  static func be32(_ v: Int) -> [UInt8] {
    [
      UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16),
      UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v),
    ]
  }

  /// 16-bit samples, big-endian as PNG stores them.
  static func be16(_ samples: [Int]) -> [UInt8] {
    samples.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
  }

  /// A zlib stream of uncompressed deflate blocks (at most 65535 bytes each).
  static func zlibStored(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]
    var start = 0
    repeat {
      let n = min(65535, data.count - start)
      let last: UInt8 = start + n == data.count ? 1 : 0
      out += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
      out += data[start..<(start + n)]
      start += n
    } while start < data.count
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in data {
      a = (a + UInt32(byte)) % 65521
      b = (b + a) % 65521
    }
    return out + be32(Int(b << 16 | a))
  }
}

// MARK: - TempFolder

/// A fresh folder under the system temporary folder, removed by `remove()`.
struct TempFolder {
  let path: String

  init() {
    let base = NSTemporaryDirectory() + "imageio-tests-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    try! FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    path = base
  }

  func file(_ name: String) -> String { path + "/" + name }

  func write(_ bytes: [UInt8], _ name: String) -> String {
    let p = file(name)
    FileManager.default.createFile(atPath: p, contents: Data(bytes))
    return p
  }

  func makeFolder(_ name: String) -> String {
    let p = file(name)
    try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
  }

  /// Names of the entries in the folder, sorted.
  func names() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
  }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}
