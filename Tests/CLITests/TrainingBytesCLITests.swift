import Foundation
import TestSupport
import Testing

// MARK: - The same training run gives the same bytes

/// docs/FORMAT.md: the same run gives the same bytes, whatever OpenBLAS's thread count. Each
/// run is a real `dancenet` process with OPENBLAS_NUM_THREADS set (the count is process-wide,
/// so it cannot be varied safely inside the test process), in the same folder path (the model
/// records its command line).
@Suite struct TrainingBytesCLITests {
  /// Runs `arguments` with OpenBLAS on `threads` threads; expects success.
  static func run(_ arguments: [String], threads: Int) throws {
    let r = try DancenetProcess.runCapturingBytes(
      arguments, environment: ["OPENBLAS_NUM_THREADS": String(threads)])
    #expect(r.status == 0, "dancenet \(arguments.joined(separator: " ")): \(r.stderr)")
  }

  static func bytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// `train-vae` on 1 and 2 threads writes the same checkpoint; `train-seq` (tiny, 2 epochs)
  /// on 1, 2 and again 2 threads writes the same model file and the same held-out NLLs, and
  /// the file records no duration.
  @Test func trainingBytesDoNotDependOnTheRunOrTheBLASThreadCount() throws {
    let root = makeTemporaryFolder("train-bytes")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let (frames, base, run) = (root + "/frames", root + "/base", root + "/run")
    let fm = FileManager.default
    try Self.run(["synth", "--count", "24", "--seed", "3", "--out", frames], threads: 1)
    let vae = [
      "train-vae", "--data", frames, "--out", base, "--preset", "tiny", "--epochs-vae", "1",
      "--batch-size", "8", "--held-out-percent", "20",
    ]
    try Self.run(vae, threads: 1)
    let oneThread = try Self.bytes(base + "/vae.ckpt")
    try fm.removeItem(atPath: base + "/vae.ckpt")
    try Self.run(vae, threads: 2)
    #expect(try Self.bytes(base + "/vae.ckpt") == oneThread, "vae.ckpt: 1 and 2 OpenBLAS threads")
    try Self.run(["encode", "--model", base, "--data", frames], threads: 2)

    var models: [[UInt8]] = []
    var heldOut: [[Substring]] = []
    for threads in [1, 2, 2] {
      try? fm.removeItem(atPath: run)
      try fm.copyItem(atPath: base, toPath: run)
      try Self.run(
        [
          "train-seq", "--model", run, "--epochs-seq", "2", "--start-latents", "2", "--primers", "2",
        ], threads: threads)
      models.append(try Self.bytes(run + "/model.dnm"))
      // loss-seq.csv: epoch,step,train_loss,heldout_loss,seconds
      let csv = try String(contentsOfFile: run + "/loss-seq.csv", encoding: .utf8)
      heldOut.append(csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[3] })
    }
    #expect(heldOut[0].count == 2)
    #expect(heldOut[0] == heldOut[1], "held-out NLL on 1 and 2 OpenBLAS threads")
    #expect(models[0] == models[1], "model.dnm differs between 1 and 2 OpenBLAS threads")
    #expect(models[1] == models[2], "two identical train-seq runs wrote different model files")
    let text = String(decoding: models[0], as: UTF8.self)
    #expect(!text.contains("_seconds"), "the model file records a duration")
  }
}
