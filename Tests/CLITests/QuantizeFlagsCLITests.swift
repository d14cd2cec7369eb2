import Foundation
import TestSupport
import Testing

// MARK: - quantize's calibration-study flags, run as a real process

/// The flags parse (a missing model is then the one problem named), and `--method` lists auto.
@Suite struct QuantizeFlagsCLITests {
  @Test func studyFlagsParseAndMethodListsAuto() throws {
    let missing = "/nonexistent-calib-flags/model.dnm"
    let (status, _, err) = try DancenetProcess.run([
      "quantize", "--model", missing, "--method", "auto", "--equalize", "--bias-correction",
      "--per-tensor",
    ])
    #expect(status == 1)
    let lines = err.split(separator: "\n")
    #expect(lines.count == 1 && lines.first?.contains(missing) == true, "stderr: \(err)")

    let (bad, _, badErr) = try DancenetProcess.run(["quantize", "--model", missing, "--method", "nope"])
    #expect(bad != 0)
    #expect(badErr.contains("  - auto\n"), "stderr: \(badErr)")
  }
}
