import Foundation
import ImageIO
import TestSupport
import Testing

// MARK: - dancenet synth, run as a real process

@Suite struct SynthCLITests {
  static func run(_ arguments: [String]) throws -> (Int32, String, String) {
    try DancenetProcess.run(arguments)
  }

  static func temporaryFolder() -> String { unusedTemporaryPath("synth-cli") }

  // MARK: - Tests

  @Test func writesNumberedFramesAndAContactSheet() throws {
    let root = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let out = root + "/imgs"  // does not exist yet: synth creates it
    let sheet = root + "/sheet.png"
    let (status, _, stderr) = try Self.run([
      "synth", "--count", "5", "--seed", "1", "--out", out, "--contact-sheet", sheet,
    ])
    #expect(status == 0, "stderr: \(stderr)")
    let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    #expect(names == ["1.png", "2.png", "3.png", "4.png", "5.png"])
    let frames = try (1...5).map { try PNGFile.readGray(path: "\(out)/\($0).png") }
    #expect(frames.allSatisfy { $0.width == 208 && $0.height == 120 })
    #expect(frames[0] != frames[1])
    let contact = try PNGFile.readGray(path: sheet)
    #expect(contact.width == 5 * 208 + 6 * 2 && contact.height == 120 + 2 * 2)
    #expect(stderr.contains("5 frames") && stderr.contains("frames/s"))
    #expect(stderr.split(separator: "\n").count == 1)
  }

  @Test func sameSeedWritesIdenticalPixels() throws {
    let root = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    for name in ["a", "b"] {
      let (status, _, stderr) = try Self.run([
        "synth", "--count", "3", "--seed", "9", "--out", root + "/" + name,
      ])
      #expect(status == 0, "stderr: \(stderr)")
    }
    for i in 1...3 {
      let a = try PNGFile.readGray(path: "\(root)/a/\(i).png")
      let b = try PNGFile.readGray(path: "\(root)/b/\(i).png")
      #expect(a == b)
    }
  }

  @Test(arguments: [
    (["--count", "0"], "--count"),
    (["--count", "abc"], "count"),
    (["--count", "2000000"], "--count"),
    (["--count", "3", "--fps", "0"], "--fps"),
    (["--count", "3", "--fps", "nan"], "--fps"),
  ])
  func badFlagsFailWithUsage(_ flags: [String], _ named: String) throws {
    let root = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let (status, _, stderr) = try Self.run(["synth"] + flags + ["--out", root])
    #expect(status != 0)
    #expect(stderr.contains("Error") && stderr.contains(named), "stderr: \(stderr)")
    #expect(stderr.contains("Usage: dancenet synth"), "stderr: \(stderr)")
    #expect(!FileManager.default.fileExists(atPath: root))  // nothing written
  }

  @Test func leftoverFramesFromALongerRunAreReported() throws {
    let root = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    var (status, _, stderr) = try Self.run(["synth", "--count", "4", "--out", root])
    #expect(status == 0 && !stderr.contains("warning"))
    (status, _, stderr) = try Self.run(["synth", "--count", "2", "--out", root])
    #expect(status == 0)
    #expect(stderr.contains("warning: \(root) still holds frames after 2.png"), "stderr: \(stderr)")
  }

  @Test func anOutputPathThatIsAFileIsAOneLineError() throws {
    let root = Self.temporaryFolder()
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let file = root + "/not-a-folder"
    _ = FileManager.default.createFile(atPath: file, contents: Data([1]))
    let (status, _, stderr) = try Self.run(["synth", "--count", "2", "--out", file])
    #expect(status != 0)
    #expect(stderr.contains("\(file): is not a folder"), "stderr: \(stderr)")
  }
}
