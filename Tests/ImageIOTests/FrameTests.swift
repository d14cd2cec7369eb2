import ImageIO
import Testing

// MARK: - FrameLoader

@Suite struct FrameLoaderTests {
  @Test func rightSizeLoadsSilently() throws {
    let tmp = TempFolder()
    defer { tmp.remove() }
    let img = GrayImage(width: 6, height: 4, fill: 77)
    let path = tmp.file("1.png")
    try PNGFile.write(img, to: path)
    var notices: [String] = []
    let loaded = try FrameLoader.load(path: path, width: 6, height: 4) { notices.append($0) }
    #expect(loaded == img)
    #expect(notices.isEmpty)
  }

  @Test func otherSizeIsResizedWithOneNotice() throws {
    let tmp = TempFolder()
    defer { tmp.remove() }
    let path = tmp.file("3.png")
    let big = GrayImage(width: 4, height: 4, pixels: (0..<16).map { UInt8($0 * 10) })
    try PNGFile.write(big, to: path)
    var notices: [String] = []
    let loaded = try FrameLoader.load(path: path, width: 2, height: 2) { notices.append($0) }
    #expect(loaded == big.resized(width: 2, height: 2))
    #expect(loaded.pixels == [25, 45, 105, 125])
    #expect(notices == ["\(path): 4x4 resized to 2x2"])
  }

  @Test func defaultSizeIsThePapers() throws {
    let tmp = TempFolder()
    defer { tmp.remove() }
    let path = tmp.file("f.png")
    try PNGFile.write(GrayImage(width: 640, height: 360, fill: 9), to: path)
    var notices: [String] = []
    let loaded = try FrameLoader.load(path: path) { notices.append($0) }
    #expect(loaded.width == 208 && loaded.height == 120)
    #expect(notices == ["\(path): 640x360 resized to 208x120"])
  }

  @Test func strictRefusesOtherSizes() throws {
    let tmp = TempFolder()
    defer { tmp.remove() }
    let path = tmp.file("3.png")
    try PNGFile.write(GrayImage(width: 640, height: 360), to: path)
    #expect(
      throws: ImageIOError.wrongSize(
        path: path, width: 640, height: 360, expectedWidth: 208, expectedHeight: 120)
    ) {
      try FrameLoader.load(path: path, strict: true)
    }
    let e = ImageIOError.wrongSize(
      path: "frames/3.png", width: 640, height: 360, expectedWidth: 208, expectedHeight: 120)
    #expect(e.description == "frames/3.png: is 640x360, expected 208x120 (--strict)")
  }
}

// MARK: - FrameFolder

@Suite struct FrameFolderTests {
  func touch(_ tmp: TempFolder, _ names: [String]) {
    for n in names { _ = tmp.write([0], n) }
  }

  @Test func numericOrderNotNameOrder() throws {
    let tmp = TempFolder()
    defer { tmp.remove() }
    touch(
      tmp,
      ["10.png", "9.png", "1.png", "2.png", "100.png", "11.png", "notes.txt", "x1.png", "3.jpg", "007.PNG"])
    let frames = try FrameFolder.frames(in: tmp.path)
    #expect(
      frames
        == ["1.png", "2.png", "007.PNG", "9.png", "10.png", "11.png", "100.png"].map { tmp.path + "/" + $0 })
    #expect(try FrameFolder.clips(in: tmp.path + "/") == [frames])  // trailing slash: no "//"
  }

  @Test func gapsAreAllowedAndHugeNumbersDoNotOverflow() throws {
    let tmp = TempFolder()
    defer { tmp.remove() }
    touch(tmp, ["5.png", "1.png", "99999999999999999999999.png", "2.png"])
    let names = try FrameFolder.frames(in: tmp.path).map { $0.split(separator: "/").last! }
    #expect(names == ["1.png", "2.png", "5.png", "99999999999999999999999.png"])
  }

  @Test func duplicateNumbersAreAnError() throws {
    let tmp = TempFolder()
    defer { tmp.remove() }
    touch(tmp, ["1.png", "01.png", "2.png"])
    #expect(throws: ImageIOError.duplicateFrameNumber(path: tmp.path, first: "01.png", second: "1.png")) {
      try FrameFolder.frames(in: tmp.path)
    }
  }

  @Test func folderOfClipsInNameOrder() throws {
    let tmp = TempFolder()
    defer { tmp.remove() }
    for clip in ["b", "a", "c-empty", ".hidden"] { _ = tmp.makeFolder(clip) }
    touch(
      tmp, ["b/2.png", "b/1.png", "a/10.png", "a/9.png", ".hidden/1.png", "c-empty/readme.txt", "loose.txt"])
    let clips = try FrameFolder.clips(in: tmp.path)
    #expect(
      clips == [
        [tmp.file("a/9.png"), tmp.file("a/10.png")],
        [tmp.file("b/1.png"), tmp.file("b/2.png")],
      ])
  }

  @Test func missingEmptyAndNonFolders() throws {
    let tmp = TempFolder()
    defer { tmp.remove() }
    let missing = tmp.file("nope")
    #expect(throws: ImageIOError.noSuchFolder(path: missing)) { try FrameFolder.clips(in: missing) }
    #expect(throws: ImageIOError.noFrames(path: tmp.path)) { try FrameFolder.clips(in: tmp.path) }
    let file = tmp.write([1], "file.png")
    #expect(throws: ImageIOError.notAFolder(path: file)) { try FrameFolder.clips(in: file) }
    #expect(
      ImageIOError.noFrames(path: "d").description
        == "d: no numbered PNG frames (expected 1.png, 2.png, ... or subfolders holding them)")
  }
}
