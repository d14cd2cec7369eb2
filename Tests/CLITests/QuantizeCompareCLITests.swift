import Foundation
import TestSupport
import Testing

// MARK: - quantize --compare, run as a real process

/// `quantize --compare` on a tiny model trained here (100 synthetic frames, one epoch) and
/// quantised once with the default method: one row per calibration method with and without
/// equalisation and bias correction, the shipped (default) one marked, one best, and the int8
/// file untouched.
@Suite struct QuantizeCompareCLITests {
  @Test func compareWritesOneRowPerConfigurationAndNoModel() throws {
    let root = makeTemporaryFolder("quantize-compare-cli")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let (_, model, trained, trainErr) = try DancenetProcess.trainSmallTinyModel(in: root, frameCount: 100)
    #expect(trained == 0, "stderr: \(trainErr)")
    let small = ["--real-latents", "4", "--sampled-latents", "4"]
    let (quantized, _, quantizeErr) = try DancenetProcess.run(["quantize", "--model", model] + small)
    #expect(quantized == 0, "stderr: \(quantizeErr)")
    let int8 = model + "/model-int8.dnm"
    let shipped = try Data(contentsOf: URL(fileURLWithPath: int8))

    let (status, out, err) = try DancenetProcess.run(
      ["quantize", "--model", model, "--compare", "--compare-latents", "4"] + small)
    #expect(status == 0, "stderr: \(err)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: int8)) == shipped, "--compare rewrote the model")
    let md = try String(contentsOfFile: model + "/quant/compare.md", encoding: .utf8)
    #expect(out.contains("# Calibration comparison"))
    let rows = md.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| configuration") }
    let methods = ["minmax", "percentile 99.99", "mse", "ema-minmax 0.9", "entropy", "auto"]
    let switched = ["", " + equalize", " + bias correction", " + equalize + bias correction"]
    #expect(
      rows.map { String($0.split(separator: "|")[0]).trimmingCharacters(in: .whitespaces) }
        == switched.flatMap { s in methods.map { $0 + s } })
    #expect(rows.filter { $0.contains("shipped") }.count == 1)
    #expect(rows.first { $0.contains("shipped") }?.hasPrefix("| percentile 99.99 |") == true)
    #expect(rows.filter { $0.contains("**best**") }.count == 1)

    let json =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: model + "/quant/compare.json"))) as? [String: Any]
    let jsonRows = try #require(json?["rows"] as? [[String: Any]])
    #expect(jsonRows.count == 24 && json?["shipped"] as? String == "percentile 99.99")
    #expect(
      jsonRows.allSatisfy { ($0["meanSSIM"] as? Double ?? 0) > 0 && ($0["meanPSNR"] as? Double ?? 0) > 10 })
    #expect(json?["decoderLatents"] as? Int == 4)

    // With --out pointing elsewhere: still no model file.
    let elsewhere = root + "/other/model-int8.dnm"
    let (again, _, againErr) = try DancenetProcess.run(
      ["quantize", "--model", model, "--compare", "--compare-latents", "2", "--out", elsewhere] + small)
    #expect(again == 0, "stderr: \(againErr)")
    #expect(!FileManager.default.fileExists(atPath: elsewhere))
    #expect(FileManager.default.fileExists(atPath: root + "/other/quant/compare.md"))
  }
}
