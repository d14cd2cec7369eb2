import FileAccess
import ImageIO
import Testing

// MARK: - Bad files give one line, never a crash

@Suite struct PNGErrorTests {
  /// A valid 8x8 gray PNG made by the library's own writer.
  func validPNG() throws -> [UInt8] {
    var img = GrayImage(width: 8, height: 8)
    for i in img.pixels.indices { img.pixels[i] = UInt8(i * 4) }
    return try PNGFile.encode(img)
  }

  func readError(_ bytes: [UInt8], name: String, limit: Int = PNGFile.defaultMaximumPixels) -> ImageIOError? {
    let tmp = TempFolder()
    defer { tmp.remove() }
    let path = tmp.write(bytes, name)
    do {
      _ = try PNGFile.readGray(path: path, maximumPixels: limit)
      return nil
    } catch {
      #expect(error.path == path)
      #expect(!error.description.contains("\n"))
      return error
    }
  }

  @Test func emptyFile() {
    let e = readError([], name: "3.png")
    #expect(e == .emptyFile(path: e?.path ?? ""))
    #expect(e?.problem == "empty file (0 bytes)")
  }

  @Test func notAPNG() {
    let e = readError(Array("hello, this is text\n".utf8), name: "3.png")
    #expect(e?.problem == "not a PNG file")
    let jpeg = readError([0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 74, 70, 73, 70, 0], name: "1.png")
    #expect(jpeg?.problem == "not a PNG file")
  }

  @Test func descriptionIsPathColonProblem() {
    #expect(ImageIOError.notPNG(path: "frames/3.png").description == "frames/3.png: not a PNG file")
    #expect(
      ImageIOError.tooManyPixels(path: "a.png", width: 100000, height: 100000, limit: 50_000_000)
        .description == "a.png: declares 100000x100000 pixels, over the limit of 50000000")
  }

  @Test func truncatedFilesAreDamaged() throws {
    let png = try validPNG()
    for cut in [4, 8, 20, 33, 40, png.count / 2, png.count - 13] {
      let e = readError(Array(png[0..<cut]), name: "cut\(cut).png")
      switch e {
      case .damaged(_, let message)?:
        #expect(!message.isEmpty)
        #expect(e?.description.contains(": damaged PNG (libpng: ") == true)
      case .chunkPastEnd?:  // a chunk cut inside its data
        #expect(e?.description.contains(": damaged PNG (the chunk at byte ") == true)
      default:
        Issue.record("cut at \(cut): \(String(describing: e))")
      }
    }
  }

  @Test func corruptedHeaderCRC() throws {
    var png = try validPNG()
    png[30] ^= 0xFF  // inside the IHDR CRC
    let e = readError(png, name: "crc.png")
    #expect(e?.problem == "damaged PNG (libpng: IHDR: CRC error)")
  }

  @Test func corruptedImageData() throws {
    // Flip bytes inside the compressed image data (IDAT) of a valid file.
    let png = try validPNG()
    let idat = try #require(findChunk("IDAT", in: png))
    var broken = png
    for i in (idat + 8)..<(idat + 12) { broken[i] ^= 0x5A }
    let e = readError(broken, name: "data.png")
    guard case .damaged? = e else {
      Issue.record("expected damaged, got \(String(describing: e))")
      return
    }
    // Also a wrong CRC on IDAT only.
    var badCRC = png
    let length =
      Int(png[idat - 4]) << 24 | Int(png[idat - 3]) << 16 | Int(png[idat - 2]) << 8 | Int(png[idat - 1])
    badCRC[idat + 4 + length] ^= 1
    guard case .damaged? = readError(badCRC, name: "idatcrc.png") else {
      Issue.record("IDAT CRC error not reported")
      return
    }
  }

  @Test func absurdDimensionsAreRefusedBeforeAllocation() {
    let bomb = HandPNG.make(
      width: 1_000_000, height: 1_000_000, bitDepth: 8, colorType: HandPNG.gray, rows: [])
    let e = readError(bomb, name: "bomb.png")
    #expect(e?.problem == "declares 1000000x1000000 pixels, over the limit of 50000000")
    // Past libpng's own 1,000,000-per-side limit, the same message (not "damaged").
    let huge = HandPNG.make(width: 100_000_000, height: 3, bitDepth: 8, colorType: HandPNG.gray, rows: [])
    #expect(
      readError(huge, name: "wide.png")?.problem == "declares 100000000x3 pixels, over the limit of 50000000")
    // A caller's smaller limit applies the same way.
    let small = HandPNG.make(
      width: 4, height: 4, bitDepth: 8, colorType: HandPNG.gray,
      rows: Array(repeating: [1, 2, 3, 4], count: 4))
    #expect(
      readError(small, name: "s.png", limit: 15)?.problem == "declares 4x4 pixels, over the limit of 15")
    #expect(readError(small, name: "s.png", limit: 16) == nil)
  }

  @Test func missingFileAndFolder() {
    let tmp = TempFolder()
    defer { tmp.remove() }
    let missing = tmp.file("nope.png")
    #expect(throws: ImageIOError.file(.cannotRead(missing, "No such file or directory"))) {
      try PNGFile.readGray(path: missing)
    }
    #expect(throws: ImageIOError.file(.cannotRead(tmp.path, "is a folder"))) {
      try PNGFile.readGray(path: tmp.path)
    }
  }

  @Test func writeIntoMissingFolderFails() {
    let tmp = TempFolder()
    defer { tmp.remove() }
    let path = tmp.file("no/such/dir/x.png")
    #expect(throws: ImageIOError.file(.cannotWrite(path, "No such file or directory"))) {
      try PNGFile.write(GrayImage(width: 2, height: 2), to: path)
    }
    #expect(throws: ImageIOError.invalidSize(path: "(memory)", width: 0, height: 3)) {
      try PNGFile.encode(GrayImage(width: 0, height: 3))
    }
  }

  /// Index of the first byte of the chunk type `type` (its length field is 4 bytes before).
  func findChunk(_ type: String, in png: [UInt8]) -> Int? {
    let t = Array(type.utf8)
    var i = 8
    while i + 8 <= png.count {
      let length = Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3])
      if Array(png[(i + 4)..<(i + 8)]) == t { return i + 4 }
      i += 12 + length
    }
    return nil
  }
}
