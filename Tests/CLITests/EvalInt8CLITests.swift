import Foundation
import TestSupport
import Testing

// MARK: - eval --int8, run as a real process

/// `eval --int8` on a tiny model trained and quantised here (100 synthetic frames, one epoch):
/// it writes the int8 report beside the float one; without model-int8.dnm it is one line
/// saying how to make it.
@Suite struct EvalInt8CLITests {
  static func run(_ arguments: [String]) throws -> (Int32, String, String) {
    try DancenetProcess.run(arguments)
  }

  @Test func evalInt8WritesTheInt8ReportOrSaysHowToMakeTheModel() throws {
    let root = makeTemporaryFolder("eval-int8-cli")
    defer { try? FileManager.default.removeItem(atPath: root) }
    // 100 frames: quantize calibrates the sequence model on a run of 72 training frames
    let (frames, model, trained, trainErr) = try DancenetProcess.trainSmallTinyModel(
      in: root, frameCount: 100)
    #expect(trained == 0, "stderr: \(trainErr)")
    let evalInt8 = [
      "eval", "--model", model, "--data", frames, "--frames", "8", "--seeds", "2",
      "--sweep-frames-per-seed", "0", "--int8", "--out", root + "/eval",
    ]

    // no int8 model yet: one line, non-zero exit, no report
    let (missing, _, missingErr) = try Self.run(evalInt8)
    #expect(missing == 1)
    // (the folder comes back normalised: a temporary folder may hold "//")
    let folder = (model as NSString).standardizingPath
    #expect(
      missingErr.split(separator: "\n") == [
        "dancenet: no int8 model at \(folder)/model-int8.dnm; run dancenet quantize --model \(folder)"
      ])
    #expect(!FileManager.default.fileExists(atPath: root + "/eval"))

    let (quantized, _, quantizeErr) = try Self.run([
      "quantize", "--model", model, "--real-latents", "4", "--sampled-latents", "4",
    ])
    #expect(quantized == 0, "stderr: \(quantizeErr)")
    let (evaluated, out, evalErr) = try Self.run(evalInt8 + ["--int8-pixels"])
    #expect(evaluated == 0, "stderr: \(evalErr)")
    #expect(out.contains("# dancenet int8 evaluation") && out.contains("Every frame decoded."))
    for file in [
      "report.json", "int8-report.md", "int8-report.json", "int8-generated.png", "int8-departure.png",
    ] {
      #expect(FileManager.default.fileExists(atPath: root + "/eval/" + file), "\(file) missing")
    }
    let json = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: root + "/eval/int8-report.json")))
    let report = try #require(json as? [String: Any])
    #expect(report["framesPerSeed"] as? Int == 4)
    #expect((report["departureSteps"] as? [Any])?.count == 2)

    // --int8-pixels alone is a usage error
    let (alone, _, aloneErr) = try Self.run([
      "eval", "--model", model, "--data", frames, "--int8-pixels",
    ])
    #expect(alone != 0 && aloneErr.contains("--int8-pixels needs --int8"))
  }
}
