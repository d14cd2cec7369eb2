import Foundation
import Int8Runtime
import TestSupport
import Testing

// MARK: - generate's output: streams on stdout, files in a folder, closed pipes, full disks

/// `dancenet generate` on the shipped tiny model (208×120, with model-int8.dnm), run as a real
/// process: exact stream bytes, determinism, the three integer flags agreeing, and the ways an
/// output can fail.
@Suite struct GenerateOutputTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
  static let tiny = root + "/models/tiny"
  static let (width, height) = (208, 120)
  static let pixels = width * height
  static let y4mHeader = Array("YUV4MPEG2 W208 H120 F25:1 Ip A1:1 Cmono\n".utf8)
  static let pgmHeader = Array("P5\n208 120\n255\n".utf8)

  /// generate on tiny with `extra` flags; stdout's bytes, after checking the run succeeded.
  static func generate(_ extra: [String], frames: Int = 3) throws -> [UInt8] {
    let r = try DancenetProcess.runCapturingBytes(
      ["generate", "--model", tiny, "--frames", String(frames), "--seed", "1"] + extra)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1, "stderr: \(r.stderr)")
    return r.stdout
  }

  static func folder() -> String { makeTemporaryFolder("generate-out") }

  // MARK: - Streams

  @Test func y4mOnStdoutIsTheHeaderThenFrames() throws {
    let bytes = try Self.generate([])
    #expect(bytes.count == 40 + 3 * (6 + Self.pixels))
    #expect(Array(bytes.prefix(40)) == Self.y4mHeader)
    for i in 0..<3 {
      let at = 40 + i * (6 + Self.pixels)
      #expect(Array(bytes[at..<(at + 6)]) == Array("FRAME\n".utf8))
    }
  }

  @Test func pgmAndRawCarryTheSamePixels() throws {
    let y4m = try Self.generate([])
    let pgm = try Self.generate(["--format", "pgm"])
    let raw = try Self.generate(["--format", "raw"])
    #expect(pgm.count == 3 * (15 + Self.pixels))
    #expect(raw.count == 3 * Self.pixels)
    for i in 0..<3 {
      let frame = Array(raw[(i * Self.pixels)..<((i + 1) * Self.pixels)])
      let p = i * (15 + Self.pixels)
      #expect(Array(pgm[p..<(p + 15)]) == Self.pgmHeader)
      #expect(Array(pgm[(p + 15)..<(p + 15 + Self.pixels)]) == frame)
      let y = 40 + i * (6 + Self.pixels) + 6
      #expect(Array(y4m[y..<(y + Self.pixels)]) == frame)
    }
  }

  @Test func theIntegerFlagsAgreeAndTheSeedDecides() throws {
    let int8Default = try Self.generate(["--format", "raw"])
    #expect(try Self.generate(["--format", "raw", "--reference"]) == int8Default)
    #expect(try Self.generate(["--format", "raw", "--int8"]) == int8Default)
    #expect(try Self.generate(["--format", "raw"]) == int8Default)
    #expect(try Self.generate(["--format", "raw", "--seed", "2"]) != int8Default)
  }

  @Test func fpsFlagSetsTheHeader() throws {
    let bytes = try Self.generate(["--fps", "10"], frames: 1)
    #expect(Array(bytes.prefix(40)) == Array("YUV4MPEG2 W208 H120 F10:1 Ip A1:1 Cmono\n".utf8))
  }

  @Test func floatStreamsToo() throws {
    let bytes = try Self.generate(["--float", "--format", "raw"], frames: 2)
    #expect(bytes.count == 2 * Self.pixels)
  }

  // MARK: - Ends and failures

  /// `| head -c 1000`: the reader goes away after 1000 bytes; generation ends quietly.
  @Test func closedPipeEndsQuietlyWithExitZero() throws {
    let r = try DancenetProcess.runClosingStdout(
      ["generate", "--model", Self.tiny, "--frames", "20", "--seed", "1"], after: 1000)
    #expect(r.status == 0)
    #expect(r.stderr.isEmpty, "stderr: \(r.stderr)")
    #expect(Array(r.stdout.prefix(40)) == Self.y4mHeader)
  }

  @Test func fullDiskIsOneLineAndNonZero() throws {
    let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
    let r = try DancenetProcess.runCapturingBytes(
      ["generate", "--model", Self.tiny, "--frames", "2"], stdout: full)
    #expect(r.status != 0)
    #expect(r.stderr == "dancenet: stdout: cannot write (No space left on device)\n")
  }

  @Test(arguments: ["12Q", "-5", "0", "99999999999999999999", "1.5M", "K", ""])
  func badBudgetIsOneLine(_ value: String) throws {
    let folder = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let r = try DancenetProcess.runCapturingBytes(
      ["generate", "--model", Self.tiny, "--frames", "1", "--budget", value, "--out", folder + "/o"])
    #expect(r.status == 1)
    #expect(r.stderr.split(separator: "\n").count == 1, "stderr: \(r.stderr)")
    #expect(r.stderr.hasPrefix("dancenet: --budget"), "stderr: \(r.stderr)")
    #expect(r.stdout.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: folder + "/o"))
  }

  @Test func budgetIsNotedForTheReferenceGenerator() throws {
    let r = try DancenetProcess.runCapturingBytes(
      [
        "generate", "--model", Self.tiny, "--reference", "--frames", "1", "--budget", "128K", "--format",
        "raw",
      ])
    #expect(r.status == 0)
    #expect(r.stderr.contains("--budget 131,072 is not checked"), "stderr: \(r.stderr)")
    #expect(r.stdout.count == Self.pixels)
  }

  /// The int8 runtime's arena plan (tiny: 9,888 bytes) against --budget: the plan itself is
  /// accepted, one byte less is refused in one line with exit code 2 before any output.
  @Test func theArenaPlanIsCheckedAgainstTheBudget() throws {
    let plan = StreamingPlan(preset: .tiny).totalBytes
    let fits = try DancenetProcess.runCapturingBytes(
      ["generate", "--model", Self.tiny, "--frames", "1", "--budget", "\(plan)", "--format", "raw"])
    #expect(fits.status == 0, "stderr: \(fits.stderr)")
    #expect(fits.stdout.count == Self.pixels)
    let over = try DancenetProcess.runCapturingBytes(
      ["generate", "--model", Self.tiny, "--frames", "1", "--budget", "\(plan - 1)", "--format", "raw"])
    #expect(over.status == 2)
    #expect(over.stdout.isEmpty)
    #expect(
      over.stderr
        == "dancenet: \(Self.tiny): needs \(GroupedDigits(plan)) bytes of arena; the budget is \(GroupedDigits(plan - 1))\n"
    )
  }

  @Test(arguments: [
    ["--float", "--reference"], ["--int8", "--float"], ["--format", "png"], ["--format", "gif"],
    ["--fps", "0"],
  ])
  func badFlagsAreRefused(_ flags: [String]) throws {
    let r = try DancenetProcess.runCapturingBytes(["generate", "--model", Self.tiny] + flags)
    #expect(r.status != 0)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.contains("Error:"), "stderr: \(r.stderr)")
  }

  // MARK: - Files

  @Test func outWritesNumberedPNGsAndAContactSheet() throws {
    let folder = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for (name, flags) in [("png", ["--format", "png"]), ("default", [])] {
      let out = folder + "/" + name
      _ = try Self.generate(["--out", out, "--contact-sheet", out + "-sheet.png"] + flags)
      #expect(
        try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["1.png", "2.png", "3.png"])
      #expect(FileManager.default.fileExists(atPath: out + "-sheet.png"))
    }
  }

  @Test func outWithAStreamFormatWritesOneFile() throws {
    let folder = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let streamed = try Self.generate([])
    _ = try Self.generate(["--out", folder, "--format", "y4m", "--contact-sheet", folder + "/sheet.png"])
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["dance.y4m", "sheet.png"])
    #expect(FileManager.default.contents(atPath: folder + "/dance.y4m") == Data(streamed))
  }

  @Test func contactSheetWorksWithAStreamOnStdout() throws {
    let folder = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let bytes = try Self.generate(["--format", "pgm", "--contact-sheet", folder + "/sheet.png"])
    #expect(bytes.count == 3 * (15 + Self.pixels))
    #expect(FileManager.default.fileExists(atPath: folder + "/sheet.png"))
  }

  // MARK: - ffmpeg

  /// ffmpeg reads the y4m stream (CI installs ffmpeg through scripts/install-deps.sh).
  @Test func ffmpegReadsTheY4M() throws {
    guard
      let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first(where: {
        FileManager.default.isExecutableFile(atPath: $0)
      })
    else {
      print(
        "GenerateOutputTests.ffmpegReadsTheY4M: skipped, ffmpeg is not installed (scripts/install-deps.sh)")
      return
    }
    let folder = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    _ = try Self.generate(["--out", folder, "--format", "y4m"])
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ffmpeg)
    process.arguments = ["-v", "error", "-f", "yuv4mpegpipe", "-i", folder + "/dance.y4m", "-f", "null", "-"]
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(text.isEmpty, "ffmpeg: \(text)")
  }
}
