import ArgumentParser
import FileAccess
import Foundation
import Int8Runtime
import Trainer

// MARK: - CLI helpers

/// What every command shares: one-line errors on stderr, preset lookup, provenance, progress.
enum CLI {
  /// Writes one line to stderr.
  static func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  /// Runs `body`; any error becomes one line "dancenet: <problem>" on stderr and exit code 1,
  /// and so does text printed to a stdout that cannot take it (`> /dev/full`: "dancenet: stdout:
  /// cannot write (No space left on device)"); a reader that went away (`| head`) is no error.
  static func reporting(_ body: () throws -> Void) throws {
    do {
      try body()
      try flushStandardOutput()
    } catch let e as ExitCode {
      throw e
    } catch {
      printError("dancenet: \(error)")
      throw ExitCode.failure
    }
  }

  /// Flushes what `print` buffered; throws "stdout: cannot write (REASON)" when that fails for
  /// another reason than a closed pipe.
  static func flushStandardOutput() throws {
    // fflush(nil): every output stream; stdout is the only one print buffers.
    guard fflush(nil) != 0 else { return }
    let code = errno
    if code == EPIPE { return }
    throw FileIOError.cannotWrite("stdout", FileDescriptorOutput.text(code))
  }

  static func preset(named name: String) throws -> ModelPreset {
    guard let p = ModelPreset.named(name) else {
      throw ValidationError(
        "unknown preset '\(name)'; choose one of \(ModelPreset.all.map(\.name).joined(separator: ", "))")
    }
    return p
  }

  /// Provenance stored in checkpoints and models: the command line, seed and data folder.
  static func provenance(seed: UInt64, data: String?) -> [String: String] {
    var p = [
      "provenance.command": (["dancenet"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
      "provenance.seed": String(seed),
    ]
    if let data { p["provenance.data"] = data }
    return p
  }

  /// A PhaseObserver drawing one progress bar per epoch on stderr.
  static func observer() -> PhaseObserver {
    var bar: Progress? = nil
    var barKey = ""
    return PhaseObserver(
      step: { phase, epoch, epochs, step, steps, loss, rate in
        let key = "\(phase)-\(epoch)"
        if key != barKey {
          bar?.finish()
          bar = Progress(label: phase, totalSteps: steps)
          barKey = key
        }
        bar?.update(
          epoch: epoch, epochs: epochs, step: step, steps: steps, loss: loss, examplesPerSecond: rate)
      },
      log: { line in
        bar?.finish()
        bar = nil
        barKey = ""
        printError(line)
      })
  }
}
