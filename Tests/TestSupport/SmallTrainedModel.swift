// MARK: - A small model trained by the command-line tool

extension DancenetProcess {
  /// `dancenet synth` writes `frameCount` frames (seed 3) to ROOT/frames, then `dancenet train`
  /// trains a `tiny` model on them in ROOT/m for one epoch of each phase (batch 8, 20 % held
  /// out, 2 start latents with 2 primers each). Returns the two folders and train's exit
  /// status and stderr.
  ///
  /// ```swift
  /// let t = try DancenetProcess.trainSmallTinyModel(in: root, frameCount: 30)
  /// #expect(t.status == 0, "stderr: \(t.stderr)")   // t.model holds model.dnm
  /// ```
  public static func trainSmallTinyModel(in root: String, frameCount: Int) throws -> (
    frames: String, model: String, status: Int32, stderr: String
  ) {
    let (frames, model) = (root + "/frames", root + "/m")
    let (synth, _, synthErr) = try run([
      "synth", "--count", String(frameCount), "--seed", "3", "--out", frames,
    ])
    guard synth == 0 else { return (frames, model, synth, synthErr) }
    let (trained, _, trainErr) = try run([
      "train", "--data", frames, "--preset", "tiny", "--out", model, "--epochs-vae", "1",
      "--epochs-seq", "1", "--batch-size", "8", "--held-out-percent", "20", "--start-latents", "2",
      "--primers", "2",
    ])
    return (frames, model, trained, trainErr)
  }
}
