import Foundation
import ModelFiles
import TestSupport
import Testing

// MARK: - kill -9 during train-seq, then --resume

/// docs/FORMAT.md and DESIGN.md ("a killed run leaves no half file"): a tiny `train-seq` is
/// killed with SIGKILL at seeded moments, half of them after a random delay (anywhere in an
/// epoch) and half the instant a temporary checkpoint file appears (while `seq.ckpt` is being
/// written). After every kill `seq.ckpt` is absent, the previous one or a newer complete one (it
/// loads, its epoch never goes back, and a given epoch always has the same bytes); the next run
/// with `--resume` says where it continues; the last run's `model.dnm` equals an uninterrupted
/// run's bytes. Every run has the same command line (with `--resume`: without a checkpoint it
/// starts from the beginning), because the files record it.
@Suite struct KillResumeCLITests {
  static let epochs = 6
  static let kills = 8

  @Test func killedTrainSeqResumesToTheSameModelBytes() throws {
    let root = makeTemporaryFolder("kill-resume")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let (base, run) = (root + "/base", root + "/run")
    try prepareLatents(root: root, base: base)
    let fm = FileManager.default
    let arguments = [
      "train-seq", "--model", run, "--epochs-seq", String(Self.epochs), "--start-latents", "2",
      "--primers", "2", "--resume",
    ]

    // The uninterrupted run: its model bytes, and its duration to spread the kills over.
    try fm.copyItem(atPath: base, toPath: run)
    let clock = ContinuousClock()
    let started = clock.now
    let whole = try KilledRun.start(arguments, log: root + "/whole.log").finish()
    #expect(whole == 0, "uninterrupted train-seq: \(Self.text(root + "/whole.log"))")
    let duration = clock.now - started
    let expected = try Data(contentsOf: URL(fileURLWithPath: run + "/model.dnm"))
    try fm.removeItem(atPath: run)

    try fm.copyItem(atPath: base, toPath: run)
    var random = SplitMix(seed: 16)
    var checkpoints: [Int: Data] = [:]  // epoch -> the bytes every checkpoint of it had
    var lastEpoch = 0
    var kills = 0
    var resumed = 0
    for trial in 0..<Self.kills {
      let log = root + "/trial\(trial).log"
      let process = try KilledRun.start(arguments, log: log)
      let moment: String
      let remaining = Self.epochs - lastEpoch
      if trial % 2 == 0 || remaining == 0 {
        // somewhere in the epochs left: in debug builds the epochs take about the first 45 % of
        // an uninterrupted run (loading and assembling the model the rest), scaled to those left
        let fraction = (0.02 + 0.43 * random.unit()) * Double(max(remaining, 1)) / Double(Self.epochs)
        moment = "after \(Int(fraction * 100)) % of an uninterrupted run's time"
        process.kill(after: duration * fraction)
      } else {
        let n = 1 + Int(random.next() % UInt64(remaining))
        moment = "while checkpoint \(n) of this run is written"
        process.killWhenTemporaryFile(prefix: ".seq.ckpt.tmp-", appears: n, in: run)
      }
      let status = try process.finish()
      let text = Self.text(log)
      // (a run killed before it read the checkpoint has not said anything yet)
      if text.contains("resuming") || text.contains("no sequence checkpoint") {
        resumed += 1
        let said = Self.resumes(text, after: lastEpoch)
        #expect(said, "trial \(trial) did not resume from epoch \(lastEpoch): \(text)")
      }
      if status == 0 { break }  // it finished before the kill
      kills += 1
      #expect(process.wasKilled, "trial \(trial) (\(moment)) ended with \(status) without a kill: \(text)")
      #expect(!fm.fileExists(atPath: run + "/model.dnm"), "a killed run left model.dnm")
      guard fm.fileExists(atPath: run + "/seq.ckpt") else {
        #expect(lastEpoch == 0, "trial \(trial) (\(moment)): seq.ckpt of epoch \(lastEpoch) vanished")
        continue
      }
      let checkpoint: Checkpoint
      do { checkpoint = try Checkpoint.load(from: run + "/seq.ckpt") } catch {
        Issue.record("trial \(trial) (\(moment)): seq.ckpt is damaged: \(error)")
        return
      }
      let bytes = try Data(contentsOf: URL(fileURLWithPath: run + "/seq.ckpt"))
      #expect(checkpoint.epoch >= lastEpoch, "trial \(trial) (\(moment)): seq.ckpt went back")
      if let seen = checkpoints[checkpoint.epoch] {
        #expect(seen == bytes, "trial \(trial): two checkpoints of epoch \(checkpoint.epoch) differ")
      }
      checkpoints[checkpoint.epoch] = bytes
      lastEpoch = checkpoint.epoch
      // a kill during a checkpoint write leaves its temporary file (hidden, never read); the
      // next checkpoint write removes it, so at most the one of the last kill is there
      let halfWritten = try fm.contentsOfDirectory(atPath: run).filter { $0.hasPrefix(".seq.ckpt.tmp-") }
      #expect(halfWritten.count <= 1, "trial \(trial): temporary checkpoints pile up: \(halfWritten)")
      print(
        "trial \(trial): killed \(moment); seq.ckpt of epoch \(lastEpoch); temporary files: "
          + "\(halfWritten.count)")
    }
    print(
      "kill/resume: \(kills) kills, \(resumed) runs said where they resumed, checkpoints seen for "
        + "epochs \(checkpoints.keys.sorted())")
    #expect(kills >= Self.kills / 2, "only \(kills) of \(Self.kills) runs were killed")

    if !fm.fileExists(atPath: run + "/model.dnm") {
      let status = try KilledRun.start(arguments, log: root + "/last.log").finish()
      let text = Self.text(root + "/last.log")
      let left = try fm.contentsOfDirectory(atPath: run).filter {
        $0.hasPrefix(".seq.ckpt.tmp-") || $0.hasPrefix(".model.dnm.tmp-")
      }
      #expect(left.isEmpty, "temporary checkpoints or models left after the last run: \(left)")
      #expect(status == 0, "last --resume: \(text)")
      #expect(Self.resumes(text, after: lastEpoch), "last --resume after epoch \(lastEpoch): \(text)")
    }
    let final = try Data(contentsOf: URL(fileURLWithPath: run + "/model.dnm"))
    #expect(final == expected, "the resumed model differs from the uninterrupted one")
  }

  /// True when a train-seq log says it continues after `epoch` (or starts afresh for 0).
  static func resumes(_ log: String, after epoch: Int) -> Bool {
    epoch == 0
      ? log.contains("no sequence checkpoint")
      : log.contains("resuming the sequence model after epoch \(epoch) of \(epochs)")
  }

  /// A log file's text ("" when unreadable).
  static func text(_ path: String) -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
  }

  /// 24 synthetic frames, a one-epoch tiny VAE and its latents in `base`.
  func prepareLatents(root: String, base: String) throws {
    let frames = root + "/frames"
    for arguments in [
      ["synth", "--count", "24", "--seed", "3", "--out", frames],
      [
        "train-vae", "--data", frames, "--out", base, "--preset", "tiny", "--epochs-vae", "1",
        "--batch-size", "8", "--held-out-percent", "20",
      ],
      ["encode", "--model", base, "--data", frames],
    ] {
      let (status, _, stderr) = try DancenetProcess.run(arguments)
      try #require(status == 0, "dancenet \(arguments[0]): \(stderr)")
    }
  }
}

// MARK: - A dancenet process that can be killed

/// `dancenet` started with stdout and stderr going to one log file, killed with SIGKILL on
/// demand. `finish()` waits and returns the exit status (or the signal number).
final class KilledRun {
  let process = Process()
  private(set) var wasKilled = false

  static func start(_ arguments: [String], log: String) throws -> KilledRun {
    let run = KilledRun()
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    run.process.executableURL = try DancenetProcess.dancenetBinary()
    run.process.arguments = arguments
    run.process.standardOutput = handle
    run.process.standardError = handle
    try run.process.run()
    try handle.close()
    return run
  }

  /// Sleeps for `delay`, then kills the process if it still runs.
  func kill(after delay: Duration) {
    let end = ContinuousClock.now + delay
    while process.isRunning && ContinuousClock.now < end { usleep(1000) }
    sendKill()
  }

  /// Polls `folder` every 0.2 ms; kills the process as soon as the `n`-th distinct file whose
  /// name starts with `prefix` is seen (or lets it end if it ends first).
  func killWhenTemporaryFile(prefix: String, appears n: Int, in folder: String) {
    let before = Set(temporaryFiles(prefix: prefix, in: folder))
    var seen = Set<String>()
    while process.isRunning {
      for name in temporaryFiles(prefix: prefix, in: folder) where !before.contains(name) {
        seen.insert(name)
      }
      if seen.count >= n {
        sendKill()
        return
      }
      usleep(200)
    }
  }

  func finish() throws -> Int32 {
    process.waitUntilExit()
    return process.terminationStatus
  }

  private func temporaryFiles(prefix: String, in folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(prefix) }
  }

  private func sendKill() {
    guard process.isRunning else { return }
    wasKilled = Glibc.kill(process.processIdentifier, SIGKILL) == 0
  }
}

// MARK: - Seeded choices

/// SplitMix64: the kill moments come from a fixed seed, so a failing trial can be replayed.
///
/// ```swift
/// var r = SplitMix(seed: 16)
/// r.unit()   // the same number in [0, 1) on every run
/// ```
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
