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

// MARK: - 12-bit decoder layers

/// `--wide-activations`: the named layers' outputs are 12-bit in the file and the report; a
/// layer the decoder does not have is refused in one line before any calibration; `--out` into
/// a folder that does not exist yet creates it.
@Suite struct QuantizeWideActivationsCLITests {
  @Test func wideLayersAreWrittenAndUnknownOnesRefused() throws {
    let root = makeTemporaryFolder("quantize-wide-cli")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let (_, model, trained, trainErr) = try DancenetProcess.trainSmallTinyModel(in: root, frameCount: 100)
    #expect(trained == 0, "stderr: \(trainErr)")

    let (refused, _, refusedErr) = try DancenetProcess.run([
      "quantize", "--model", model, "--wide-activations", "expand,conv9",
    ])
    #expect(refused == 1)
    #expect(
      refusedErr.split(separator: "\n") == [
        "dancenet: --wide-activations: no layer conv9 (the tiny decoder's are expand, conv1, conv2, conv3)"
      ], "stderr: \(refusedErr)")

    let out = root + "/new/folder/model-int8.dnm"
    let (made, report, err) = try DancenetProcess.run([
      "quantize", "--model", model, "--real-latents", "4", "--sampled-latents", "4",
      "--wide-activations", "expand, conv2", "--out", out,
    ])
    #expect(made == 0, "stderr: \(err)")
    #expect(report.contains("12-bit activations: expand, conv2"))
    #expect(report.contains("| decoder.expand |") && report.contains("12-bit, linear"))
    let (inspected, listing, _) = try DancenetProcess.run(["inspect", out])
    #expect(inspected == 0)
    #expect(listing.contains("decoder.expand.output_bits") && listing.contains("decoder.conv2.output_bits"))
    #expect(!listing.contains("decoder.conv1.output_bits"))
    #expect(
      listing.contains("quant.wide_activations = decoder.expand, decoder.conv2: 12-bit outputs (int16)"))
  }
}
