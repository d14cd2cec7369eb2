import CPNG
import FileAccess
import ImageIO
import Testing

// MARK: - Test files written by libpng's simplified writer

/// Writes interleaved 8-bit samples with `png_image_write_to_memory` in the given PNG_FORMAT_*
/// (flag combination), with an optional colormap for the *_COLORMAP formats.
func libpngFile(
  width: Int, height: Int, format: UInt32, samples: [UInt8], colormap: [UInt8]? = nil,
  colormapEntries: Int = 0
) -> [UInt8] {
  var image = png_image()
  image.version = png_uint_32(PNG_IMAGE_VERSION)
  image.width = png_uint_32(width)
  image.height = png_uint_32(height)
  image.format = format
  image.colormap_entries = png_uint_32(colormapEntries)
  var out = [UInt8](repeating: 0, count: 4096 + samples.count * 2)
  var size = png_alloc_size_t(out.count)
  let ok = out.withUnsafeMutableBytes { dst in
    samples.withUnsafeBytes { src in
      if let colormap {
        return colormap.withUnsafeBytes { map in
          png_image_write_to_memory(&image, dst.baseAddress, &size, 0, src.baseAddress, 0, map.baseAddress)
        }
      }
      return png_image_write_to_memory(&image, dst.baseAddress, &size, 0, src.baseAddress, 0, nil)
    }
  }
  png_image_free(&image)
  precondition(ok != 0, "test file could not be written")
  return Array(out[0..<Int(size)])
}

let alpha = UInt32(PNG_FORMAT_FLAG_ALPHA)
let color = UInt32(PNG_FORMAT_FLAG_COLOR)
let colormapFlag = UInt32(PNG_FORMAT_FLAG_COLORMAP)

/// Expected gray by the documented rule, computed independently in Double (alpha onto white,
/// then 0.299 R + 0.587 G + 0.114 B, rounded half up).
func expectedGray(_ r: Int, _ g: Int, _ b: Int, _ a: Int = 255) -> UInt8 {
  func over(_ c: Int) -> Double { Double(c) * Double(a) / 255 + Double(255 - a) }
  let y = 0.299 * over(r) + 0.587 * over(g) + 0.114 * over(b)
  return UInt8((y + 0.5 + 1e-9).rounded(.down))
}

/// Opaque and translucent colours with hand-checked results (exact fractions worked out by hand
/// and with rational arithmetic): (r, g, b, a) -> gray.
let colourCases: [(Int, Int, Int, Int, UInt8)] = [
  (255, 0, 0, 255, 76),  // 76.245
  (0, 255, 0, 255, 150),  // 149.685
  (0, 0, 255, 255, 29),  // 29.07
  (100, 150, 200, 255, 141),  // 140.75
  (10, 20, 30, 255, 18),  // 18.15
  (0, 0, 0, 128, 127),  // each channel 127 exactly
  (255, 0, 0, 0, 255),  // fully transparent -> white
  (200, 100, 50, 64, 222),  // 222.17
  (30, 60, 90, 200, 98),  // 97.71
  (250, 5, 128, 1, 254),  // 254.36
  (0, 0, 0, 255, 0),
  (255, 255, 255, 255, 255),
]

// MARK: - Reading every colour type

@Suite struct PNGReadTests {
  @Test func gray8ReadsEveryLevelUnchanged() throws {
    let levels = (0..<256).map { UInt8($0) }
    let png = libpngFile(width: 16, height: 16, format: 0, samples: levels)
    let img = try PNGFile.decodeGray(png, path: "gray8.png")
    #expect(img.width == 16 && img.height == 16)
    #expect(img.pixels == levels)
  }

  @Test func grayAlpha8CompositesOntoWhite() throws {
    var samples: [UInt8] = []
    var expected: [UInt8] = []
    for g in stride(from: 0, through: 255, by: 15) {
      for a in stride(from: 0, through: 255, by: 17) {
        samples += [UInt8(g), UInt8(a)]
        expected.append(expectedGray(g, g, g, a))
      }
    }
    let png = libpngFile(width: expected.count, height: 1, format: alpha, samples: samples)
    let img = try PNGFile.decodeGray(png, path: "ga8.png")
    #expect(img.pixels == expected)
    // g = 0, a = 128 -> 255 * 127 / 255 = 127 exactly; a = 0 -> white.
    let two = libpngFile(width: 2, height: 1, format: alpha, samples: [0, 128, 0, 0])
    #expect(try PNGFile.decodeGray(two, path: "ga.png").pixels == [127, 255])
  }

  @Test func rgb8GivesBT601Luma() throws {
    let opaque = colourCases.filter { $0.3 == 255 }
    let samples = opaque.flatMap { [UInt8($0.0), UInt8($0.1), UInt8($0.2)] }
    let png = libpngFile(width: opaque.count, height: 1, format: color, samples: samples)
    #expect(try PNGFile.decodeGray(png, path: "rgb.png").pixels == opaque.map(\.4))
  }

  @Test func rgba8CompositesThenLuma() throws {
    let samples = colourCases.flatMap { [UInt8($0.0), UInt8($0.1), UInt8($0.2), UInt8($0.3)] }
    let png = libpngFile(width: colourCases.count, height: 1, format: color | alpha, samples: samples)
    #expect(try PNGFile.decodeGray(png, path: "rgba.png").pixels == colourCases.map(\.4))
  }

  @Test func rgba8SweepMatchesDoubleFormula() throws {
    var samples: [UInt8] = []
    var expected: [UInt8] = []
    for r in stride(from: 0, through: 255, by: 51) {
      for g in stride(from: 7, through: 255, by: 62) {
        for b in stride(from: 3, through: 255, by: 84) {
          for a in [0, 1, 77, 128, 254, 255] {
            samples += [UInt8(r), UInt8(g), UInt8(b), UInt8(a)]
            expected.append(expectedGray(r, g, b, a))
          }
        }
      }
    }
    let png = libpngFile(width: expected.count, height: 1, format: color | alpha, samples: samples)
    #expect(try PNGFile.decodeGray(png, path: "sweep.png").pixels == expected)
  }

  @Test func paletteFilesUseTheirColours() throws {
    // Opaque palette (PLTE only): 3 entries, indices 0, 1, 2, 1.
    let map: [UInt8] = [255, 0, 0, 0, 255, 0, 100, 150, 200]
    let png = libpngFile(
      width: 4, height: 1, format: color | colormapFlag, samples: [0, 1, 2, 1], colormap: map,
      colormapEntries: 3)
    #expect(png[25] == HandPNG.palette)  // colour type byte in IHDR
    #expect(try PNGFile.decodeGray(png, path: "pal.png").pixels == [76, 150, 141, 150])
    // Palette with transparency (PLTE + tRNS).
    let rgbaMap: [UInt8] = [0, 0, 0, 128, 200, 100, 50, 64, 10, 20, 30, 255]
    let png2 = libpngFile(
      width: 3, height: 1, format: color | alpha | colormapFlag, samples: [0, 1, 2],
      colormap: rgbaMap, colormapEntries: 3)
    #expect(png2[25] == HandPNG.palette)
    #expect(try PNGFile.decodeGray(png2, path: "palt.png").pixels == [127, 222, 18])
  }

  // MARK: - 16-bit and low bit depths (hand-assembled: no gAMA chunk)

  @Test func gray16RoundsEveryValueTo8Bit() throws {
    let values = Array(0..<65536)
    let rows = (0..<256).map { r in HandPNG.be16(Array(values[(r * 256)..<(r * 256 + 256)])) }
    let png = HandPNG.make(width: 256, height: 256, bitDepth: 16, colorType: HandPNG.gray, rows: rows)
    let img = try PNGFile.decodeGray(png, path: "gray16.png")
    // round(v * 255 / 65535): never a tie since 65535 is odd.
    let expected = values.map { UInt8(($0 * 255 + 32767) / 65535) }
    #expect(img.pixels == expected)
  }

  @Test func grayAlpha16RoundsThenComposites() throws {
    // (g, a) 16-bit -> 8-bit each by rounding: (0x8080 -> 128, 0xFFFF -> 255), (0, 0x8000 -> 128)
    let png = HandPNG.make(
      width: 3, height: 1, bitDepth: 16, colorType: HandPNG.grayAlpha,
      rows: [HandPNG.be16([0x8080, 0xFFFF, 0, 0x8000, 65535, 0])])
    #expect(try PNGFile.decodeGray(png, path: "ga16.png").pixels == [128, 127, 255])
  }

  @Test func rgb16AndRgba16() throws {
    // 65535 -> 255, 25700 -> 100 (25700 * 255 / 65535 = 100 exactly), 0x0101 * 200 -> 200.
    let rgb = HandPNG.make(
      width: 2, height: 1, bitDepth: 16, colorType: HandPNG.rgb,
      rows: [HandPNG.be16([65535, 0, 0, 25700, 257 * 150, 257 * 200])])
    #expect(try PNGFile.decodeGray(rgb, path: "rgb16.png").pixels == [76, 141])
    let rgba = HandPNG.make(
      width: 2, height: 1, bitDepth: 16, colorType: HandPNG.rgba,
      rows: [HandPNG.be16([257 * 200, 257 * 100, 257 * 50, 257 * 64, 0, 0, 0, 0])])
    #expect(try PNGFile.decodeGray(rgba, path: "rgba16.png").pixels == [222, 255])
  }

  @Test func lowBitDepthGrayScalesToFullRange() throws {
    // 1-bit 1 0 1 1 0 0 0 0 (one byte, 4 pixels used); 2-bit 0..3 -> 0, 85, 170, 255.
    let one = HandPNG.make(width: 4, height: 1, bitDepth: 1, colorType: HandPNG.gray, rows: [[0b1011_0000]])
    #expect(try PNGFile.decodeGray(one, path: "g1.png").pixels == [255, 0, 255, 255])
    let two = HandPNG.make(width: 4, height: 1, bitDepth: 2, colorType: HandPNG.gray, rows: [[0b0001_1011]])
    #expect(try PNGFile.decodeGray(two, path: "g2.png").pixels == [0, 85, 170, 255])
    let four = HandPNG.make(width: 2, height: 1, bitDepth: 4, colorType: HandPNG.gray, rows: [[0x3F]])
    #expect(try PNGFile.decodeGray(four, path: "g4.png").pixels == [51, 255])
  }

  @Test func grayTransparencyChunkMakesThatLevelWhite() throws {
    let png = HandPNG.make(
      width: 3, height: 1, bitDepth: 8, colorType: HandPNG.gray, rows: [[0, 40, 200]],
      transparency: [0, 40])
    #expect(try PNGFile.decodeGray(png, path: "trns.png").pixels == [0, 255, 200])
  }

  // MARK: - Round trips through files

  @Test func grayWriteReadRoundTrip() throws {
    let tmp = TempFolder()
    defer { tmp.remove() }
    var img = GrayImage(width: 13, height: 7)
    for i in img.pixels.indices { img.pixels[i] = UInt8((i * 37) % 256) }
    let path = tmp.file("g.png")
    try PNGFile.write(img, to: path)
    #expect(try PNGFile.readGray(path: path) == img)
    #expect(try PNGFile.encode(img) == AtomicFile.read(path))
  }

  @Test func rgbWriteReadsBackAsLuma() throws {
    let tmp = TempFolder()
    defer { tmp.remove() }
    let opaque = colourCases.filter { $0.3 == 255 }
    var img = RGBImage(width: opaque.count, height: 1)
    for (i, c) in opaque.enumerated() {
      img[0, i] = RGBColor(r: UInt8(c.0), g: UInt8(c.1), b: UInt8(c.2))
    }
    let path = tmp.file("rgb.png")
    try PNGFile.write(img, to: path)
    #expect(try PNGFile.readGray(path: path).pixels == opaque.map(\.4))
    #expect(tmp.names() == ["rgb.png"])  // no temporary file left behind
  }
}
