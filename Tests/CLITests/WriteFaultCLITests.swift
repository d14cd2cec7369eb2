import Foundation
import TestSupport
import Testing

// MARK: - Full disks and unwritable destinations

/// DESIGN.md, "Errors and data safety": for train, quantize, generate and eval, a full disk (a
/// 64 KiB tmpfs), a read-only folder (a tmpfs remounted read-only: root ignores permission
/// bits) and /dev/full as stdout each give exactly one error line ("dancenet: ..."; progress
/// lines may precede it), a non-zero exit, and leave neither a partial file nor a temporary
/// one. Mounting needs root and CAP_SYS_ADMIN; without them the tmpfs cases are skipped with
/// the reason printed. generate uses the shipped tiny model; the others a tiny model trained
/// here on synthetic frames.
@Suite(.serialized) struct WriteFaultCLITests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  enum Fault: String, CaseIterable {
    case fullDisk = "full disk"
    case readOnly = "read-only folder"
  }

  // MARK: - The four commands

  @Test func train() throws {
    let fixture = try Self.fixture()
    for fault in Fault.allCases {
      try Self.expectOneLineAndNoFiles(fault, command: "train") { mount in
        [
          "train", "--data", fixture.fewFrames, "--preset", "tiny", "--out", mount, "--epochs-vae", "1",
          "--epochs-seq", "1", "--batch-size", "8", "--held-out-percent", "20",
        ]
      }
    }
    // a folder to create inside the read-only one: the system's reason is in the line
    try Self.expectOneLineAndNoFiles(.readOnly, command: "train (new folder)", contains: "Read-only") {
      mount in
      ["train", "--data", fixture.fewFrames, "--preset", "tiny", "--out", mount + "/new"]
    }
  }

  @Test func quantize() throws {
    let fixture = try Self.fixture()
    for fault in Fault.allCases {
      try Self.expectOneLineAndNoFiles(fault, command: "quantize") { mount in
        [
          "quantize", "--model", fixture.model, "--calib", fixture.frames, "--real-latents", "4",
          "--sampled-latents", "4", "--out", mount + "/model-int8.dnm",
        ]
      }
    }
    try Self.expectDevFull(
      command: "quantize",
      [
        "quantize", "--model", fixture.model, "--calib", fixture.frames, "--real-latents", "4",
        "--sampled-latents", "4", "--out", fixture.root + "/model-int8.dnm",
      ])
  }

  @Test func generate() throws {
    let tiny = Self.repository + "/models/tiny"
    for fault in Fault.allCases {
      // y4m: one 26 KB frame after another into one file, past 64 KiB on the third
      try Self.expectOneLineAndNoFiles(fault, command: "generate") { mount in
        ["generate", "--model", tiny, "--frames", "6", "--format", "y4m", "--out", mount]
      }
    }
    try Self.expectDevFull(command: "generate", ["generate", "--model", tiny, "--frames", "2"])
  }

  @Test func eval() throws {
    let fixture = try Self.fixture()
    let arguments = [
      "eval", "--model", fixture.model, "--data", fixture.frames, "--frames", "8", "--seeds", "2",
      "--sweep-frames-per-seed", "0",
    ]
    for fault in Fault.allCases {
      try Self.expectOneLineAndNoFiles(fault, command: "eval", size: "8k") { mount in
        arguments + ["--out", mount]
      }
    }
    try Self.expectDevFull(command: "eval", arguments + ["--out", fixture.root + "/eval"])
  }

  // MARK: - Checks

  /// Runs the command built by `arguments(mountPoint)` against a fresh tmpfs of `size` set up
  /// for `fault`; expects exit 1, exactly one "dancenet: " line, last on stderr, naming the
  /// problem (`contains`, default: the system's words for the fault), and no file left but
  /// complete ones (no temporary file, nothing named in the error).
  static func expectOneLineAndNoFiles(
    _ fault: Fault, command: String, size: String = "64k", contains: String? = nil,
    _ arguments: (String) -> [String]
  ) throws {
    guard let mount = TmpfsMount(size: size) else {
      print("skipped \(command) on a \(fault.rawValue): \(TmpfsMount.whyNot ?? "cannot mount a tmpfs")")
      return
    }
    defer { mount.remove() }
    if fault == .readOnly { try #require(mount.remountReadOnly(), "remount read-only") }
    let r = try DancenetProcess.runCapturingBytes(arguments(mount.path))
    let lines = r.stderr.split(separator: "\n")
    let errors = lines.filter { $0.hasPrefix("dancenet: ") }
    let words = contains ?? (fault == .fullDisk ? "No space left on device" : "Read-only file system")
    #expect(r.status == 1, "\(command), \(fault.rawValue): exit \(r.status); stderr: \(r.stderr)")
    #expect(errors.count == 1 && lines.last == errors.first, "\(command), \(fault.rawValue): \(r.stderr)")
    #expect(errors.first?.contains(words) == true, "\(command), \(fault.rawValue): \(r.stderr)")
    let left = mount.files()
    #expect(
      left.allSatisfy { !$0.contains(".tmp-") }, "\(command), \(fault.rawValue): temporary files \(left)")
    for file in left {
      #expect(
        errors.first?.contains(file) != true, "\(command), \(fault.rawValue): \(file) left behind")
    }
    print("\(command), \(fault.rawValue): \(errors.first ?? "no error line"); left: \(left)")
  }

  /// Runs `arguments` with stdout on /dev/full; expects exit 1 and exactly the one line
  /// "dancenet: stdout: cannot write (No space left on device)" after any progress lines.
  static func expectDevFull(command: String, _ arguments: [String]) throws {
    let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
    let r = try DancenetProcess.runCapturingBytes(arguments, stdout: full)
    let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("dancenet: ") }
    #expect(r.status == 1, "\(command) > /dev/full: exit \(r.status); stderr: \(r.stderr)")
    #expect(
      errors == ["dancenet: stdout: cannot write (No space left on device)"],
      "\(command) > /dev/full: \(r.stderr)")
    #expect(r.stderr.hasSuffix("dancenet: stdout: cannot write (No space left on device)\n"))
    print("\(command) > /dev/full: \(errors.first ?? "no error line")")
  }

  // MARK: - Fixture

  /// 100 synthetic frames (quantize calibrates the sequence model on a run of 72) and a tiny
  /// model trained on them for one epoch of each phase (eval wants the frames the model was
  /// trained on); 16 more frames to train on. Made once for the suite.
  struct Fixture: Sendable {
    let root: String
    let frames: String
    let fewFrames: String
    let model: String
  }

  nonisolated(unsafe) static var made: Fixture?

  static func fixture() throws -> Fixture {
    if let made { return made }
    let root = makeTemporaryFolder("write-faults")
    let t = try DancenetProcess.trainSmallTinyModel(in: root, frameCount: 100)
    try #require(t.status == 0, "training the fixture: \(t.stderr)")
    let few = root + "/few"
    let (status, _, stderr) = try DancenetProcess.run(["synth", "--count", "16", "--seed", "5", "--out", few])
    try #require(status == 0, "synth: \(stderr)")
    made = Fixture(root: root, frames: t.frames, fewFrames: few, model: t.model)
    return made!
  }
}

// MARK: - A small tmpfs

/// A tmpfs of a given size mounted on a fresh temporary folder (`mount -t tmpfs -o size=64k`);
/// nil, with `whyNot` set, when mounting is not permitted here.
///
/// ```swift
/// if let m = TmpfsMount(size: "64k") { defer { m.remove() }; ... m.path ... }
/// ```
struct TmpfsMount {
  let path: String
  nonisolated(unsafe) static var whyNot: String?

  init?(size: String) {
    let folder = makeTemporaryFolder("tmpfs")
    let (status, output) = Self.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", folder])
    guard status == 0 else {
      Self.whyNot = "mount -t tmpfs failed (\(status)): \(output)"
      try? FileManager.default.removeItem(atPath: folder)
      return nil
    }
    path = folder
  }

  func remountReadOnly() -> Bool {
    Self.run("/usr/bin/mount", ["-o", "remount,ro", path]).status == 0
  }

  /// Every file and folder name under the mount point, hidden ones too.
  func files() -> [String] {
    (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
  }

  func remove() {
    _ = Self.run("/usr/bin/umount", [path])
    try? FileManager.default.removeItem(atPath: path)
  }

  static func run(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { return (-1, "\(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return (process.terminationStatus, text)
  }
}
