import Foundation
import TestSupport
import Testing

// MARK: - train, generate, eval and inspect: flags and bad inputs, run as a real process

/// Bad flags get swift-argument-parser's usage message; bad files, models and folders get one
/// line naming the thing and the problem. Every failure exits non-zero and writes no file.
@Suite struct ModelCLITests {
  static func run(_ arguments: [String]) throws -> (Int32, String, String) {
    try DancenetProcess.run(arguments)
  }

  static func folder() throws -> String {
    makeTemporaryFolder("model-cli")
  }

  /// The stderr lines that are not empty.
  static func lines(_ s: String) -> [Substring] { s.split(separator: "\n") }

  @Test func inspectPrintsPaperTotals() throws {
    let (status, out, _) = try Self.run(["inspect", "--preset", "paper"])
    #expect(status == 0)
    #expect(out.contains("1,724,128") && out.contains("1,744,545") && out.contains("12,198,336"))
    #expect(out.contains("decoder.conv3") && out.contains("460,062,720"))
  }

  @Test(arguments: [
    ["inspect", "--preset", "huge"],
    ["train", "--data", "x", "--out", "y", "--preset", "huge"],
    ["train", "--data", "x", "--out", "y", "--epochs-vae", "-1"],
    ["train", "--data", "x", "--out", "y", "--optimizer", "sgd"],
    ["train", "--data", "x", "--out", "y", "--held-out-percent", "100"],
    ["train-seq", "--model", "m", "--input-noise", "-1"],
    ["train-seq", "--model", "m", "--target", "latent"],
    ["train-seq", "--model", "m", "--latent-axes", "diagonal"],
    ["train-seq", "--model", "m", "--forget-bias", "nan"],
    ["train-seq", "--model", "m", "--state-reset-percent", "101"],
    ["train-seq", "--model", "m", "--sampled-input-percent", "50"],
    ["generate", "--model", "m", "--out", "o", "--float", "--reference"],
    ["generate", "--model", "m", "--format", "png"],
    ["generate", "--model", "m", "--out", "o", "--float", "--frames", "0"],
    ["generate", "--model", "m", "--out", "o", "--float", "--pi-temp", "0"],
    ["eval", "--model", "m", "--data", "d", "--seeds", "0"],
  ])
  func badFlagsPrintUsage(_ arguments: [String]) throws {
    let (status, _, err) = try Self.run(arguments)
    #expect(status != 0)
    #expect(err.contains("Usage:") || err.contains("Error:"), "stderr: \(err)")
  }

  @Test func missingDataFolderIsOneLine() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let (status, _, err) = try Self.run([
      "train", "--data", root + "/nothing", "--out", root + "/model", "--epochs-vae", "1",
    ])
    #expect(status == 1)
    #expect(Self.lines(err).count == 1, "stderr: \(err)")
    #expect(err.contains(root + "/nothing"))
  }

  @Test func damagedFrameIsOneLine() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let data = root + "/frames"
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    try Data("not a png".utf8).write(to: URL(fileURLWithPath: data + "/1.png"))
    let (status, _, err) = try Self.run(["train-vae", "--data", data, "--out", root + "/m"])
    #expect(status == 1)
    #expect(Self.lines(err).count == 1 && err.contains("1.png"), "stderr: \(err)")
  }

  @Test func notAModelFileIsOneLineAndWritesNothing() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let model = root + "/model.dnm"
    try Data(repeating: 7, count: 300).write(to: URL(fileURLWithPath: model))
    let (status, _, err) = try Self.run([
      "generate", "--model", model, "--float", "--frames", "3", "--out", root + "/out",
    ])
    #expect(status == 1)
    #expect(Self.lines(err) == ["dancenet: \(model): not a dancenet model file"])
    #expect(!FileManager.default.fileExists(atPath: root + "/out"))
  }

  @Test func missingCheckpointsAreNamed() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let (status, _, err) = try Self.run(["train-seq", "--model", root])
    #expect(status == 1)
    #expect(Self.lines(err) == ["dancenet: \(root)/latents.ckpt: not found (run encode first)"])
    // a negative forget-gate bias is a value, not a flag
    let (status2, _, err2) = try Self.run(["train-seq", "--model", root, "--forget-bias", "-2"])
    #expect(status2 == 1)
    #expect(Self.lines(err2) == ["dancenet: \(root)/latents.ckpt: not found (run encode first)"])
  }

  /// A shipped model folder holds model.dnm and no checkpoints; every command that reads a
  /// model works on it: encode (the VAE inside model.dnm), generate and eval.
  @Test func everyCommandWorksOnAFolderWithoutCheckpoints() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let (frames, model, trained, trainErr) = try DancenetProcess.trainSmallTinyModel(
      in: root, frameCount: 30)
    #expect(trained == 0, "stderr: \(trainErr)")
    for file in ["vae.ckpt", "latents.ckpt", "seq.ckpt"] {
      try FileManager.default.removeItem(atPath: "\(model)/\(file)")
    }
    let (encoded, _, encodeErr) = try Self.run(["encode", "--model", model, "--data", frames])
    #expect(encoded == 0, "stderr: \(encodeErr)")
    #expect(encodeErr.contains("with the VAE of \(model)/model.dnm"))
    #expect(FileManager.default.fileExists(atPath: "\(model)/latents.ckpt"))
    let (generated, _, generateErr) = try Self.run([
      "generate", "--model", model, "--float", "--frames", "3", "--out", root + "/gen",
    ])
    #expect(generated == 0, "stderr: \(generateErr)")
    #expect(generateErr.contains("pi-temperature 1.0, sigma-temperature 1.0"))
    #expect(FileManager.default.fileExists(atPath: root + "/gen/3.png"))
    let (evaluated, _, evalErr) = try Self.run([
      "eval", "--model", model, "--data", frames, "--frames", "4", "--seeds", "2",
      "--sweep-frames-per-seed", "2", "--out", root + "/eval",
    ])
    #expect(evaluated == 0, "stderr: \(evalErr)")
    let report = try String(contentsOfFile: root + "/eval/report.md", encoding: .utf8)
    #expect(report.contains("## Temperature sweep") && report.contains("(the model's defaults)"))
  }
}
