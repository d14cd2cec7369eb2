import ArgumentParser
import Dispatch
import FileAccess
import Foundation
import ImageIO
import Synchronization
import SynthDancer

// MARK: - synth

/// `dancenet synth`: renders the built-in synthetic dancer as a frame folder in the original
/// DanceNet's layout (DIR/1.png ... DIR/N.png), optionally with a contact sheet.
///
/// ```text
/// $ dancenet synth --count 20000 --seed 7 --out imgs --contact-sheet imgs-sheet.png
/// synth: 20000 frames (208x120) in 21.4 s, 934.6 frames/s -> imgs
/// ```
struct SynthCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "synth",
    abstract: "Render the built-in synthetic dancer to DIR/1.png ... DIR/N.png (208x120, 8-bit gray).",
    discussion: """
      A dark articulated figure on a light background dances a seeded choreography of named \
      moves (arm wave, side step, squat, kick, jump, turn, point, sway). The same seed always \
      gives the same pixels.
      """)

  static let maximumCount = 1_000_000
  static let maximumFPS = 1000.0
  /// How many frames a contact sheet shows at most, and in how many columns.
  static let sheetTiles = 48
  static let sheetColumns = 8

  @Option(help: "Number of frames to write (1 to 1,000,000).")
  var count: Int

  @Option(help: "Seed of the choreography and its per-frame variation.")
  var seed: UInt64 = 1

  @Option(help: "Output folder; created if missing. Existing numbered frames are overwritten.")
  var out: String

  @Option(help: "Frames per second of motion (10 = every 3rd frame of a 30 fps video, as the original).")
  var fps: Double = 10

  @Option(
    name: .customLong("contact-sheet"),
    help: ArgumentHelp(
      "Also write a grid of every k-th frame (at most 48 frames) to this PNG.", valueName: "file"))
  var contactSheet: String?

  func validate() throws {
    guard (1...SynthCommand.maximumCount).contains(count) else {
      throw ValidationError("--count must be between 1 and \(SynthCommand.maximumCount), got \(count)")
    }
    guard fps.isFinite && fps > 0 && fps <= SynthCommand.maximumFPS else {
      throw ValidationError("--fps must be a number above 0 and at most 1000, got \(fps)")
    }
    guard !out.isEmpty else { throw ValidationError("--out must name a folder") }
    if let sheet = contactSheet, sheet.isEmpty {
      throw ValidationError("--contact-sheet must name a file")
    }
  }

  func run() throws {
    let started = ContinuousClock.now
    try Folder.create(out)
    let dancer = SyntheticDancer(seed: seed, frameCount: count, fps: fps)
    try SynthCommand.writeFrames(dancer, to: out)
    if let sheetPath = contactSheet {
      let k = ContactSheet.stride(frameCount: count, tiles: SynthCommand.sheetTiles)
      let frames = Swift.stride(from: 0, to: count, by: k).map { dancer.frame(at: $0) }
      try PNGFile.write(
        ContactSheet.make(frames, columns: SynthCommand.sheetColumns), to: sheetPath)
    }
    if FileManager.default.fileExists(atPath: "\(out)/\(count + 1).png") {
      CLI.printError(
        "synth: warning: \(out) still holds frames after \(count).png from an earlier run; "
          + "remove them before training on this folder")
    }
    let elapsed = started.duration(to: .now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let rate = Double(count) / Swift.max(seconds, 1e-9)
    CLI.printError(
      "synth: \(count) frames (\(SyntheticDancer.width)x\(SyntheticDancer.height)) in "
        + "\(Progress.fixed(seconds, 2)) s, \(Progress.fixed(rate, 1)) frames/s -> \(out)")
  }

  // MARK: - Writing

  /// Renders and writes every frame, in chunks spread over all cores. Each file's bytes depend
  /// only on its frame number, so the folder is identical whatever the thread count.
  static func writeFrames(_ dancer: SyntheticDancer, to folder: String) throws {
    let chunk = 32
    let chunks = (dancer.frameCount + chunk - 1) / chunk
    let firstError = Mutex<ImageIOError?>(nil)
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      for i in (c * chunk)..<min(dancer.frameCount, (c + 1) * chunk) {
        if firstError.withLock({ $0 != nil }) { return }
        do throws(ImageIOError) {
          try PNGFile.write(dancer.frame(at: i), to: "\(folder)/\(i + 1).png")
        } catch {
          firstError.withLock { if $0 == nil { $0 = error } }
          return
        }
      }
    }
    if let error = firstError.withLock({ $0 }) { throw error }
  }
}
