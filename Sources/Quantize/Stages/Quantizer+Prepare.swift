import FileAccess
import Int8Runtime
import ModelFiles
import Trainer

// MARK: - Stage 1: prepare

extension Quantizer {
  /// Everything the quantizer reads before it chooses a single scale, computed once: the float
  /// model (float32 for generation, float64 for the reference), the calibration latents and
  /// windows, the start latents and primers, and the held-out latents the report measures on.
  /// None of it depends on the calibration method, so `quantize --compare` prepares once and
  /// then runs `statistics` and `convert` per configuration.
  ///
  /// ```swift
  /// let prepared = try Quantizer.prepare(model: file, path: path, frames: clips, options: o)
  /// let stats = prepared.statistics()                      // stage 2, float64 forward passes
  /// let mse = try prepared.convert(o, statistics: stats)    // stage 3, per configuration
  /// ```
  public struct Prepared {
    public let file: FloatModelFile
    public let path: String
    public let dance: FloatDance
    public let reference: FloatReference
    public let data: CalibrationData
    /// Normalised start latents and the primers before each (empty primers: none stored).
    public let starts: [[Double]]
    public let primers: [[[Double]]]
    /// Normalised latents of up to `evaluationLatents` frames that calibration never saw.
    public let evaluationLatents: [[Double]]
    /// The longest run of consecutive unseen frames' latents, up to `evaluationSteps` + 1.
    public let evaluationClip: [[Double]]
    /// Frames whose latents calibrate (real decoder latents plus every window step).
    public let calibrationFrames: Int
    /// "200 real + 200 sampled latents; 16 windows of 72 steps" (metadata quant.calibration).
    public let calibrationText: String
  }

  /// Stage 1: loads the float model and encodes every latent calibration and measuring need.
  /// `frames`, `decoderEvaluation` and `progress` as in `run`.
  public static func prepare(
    model file: FloatModelFile, path: String, frames clips: [[[UInt8]]],
    decoderEvaluation: [[[UInt8]]]? = nil,
    options: Options, progress: (String, Int, Int) -> Void = { _, _, _ in }
  ) throws -> Prepared {
    let preset = file.preset
    let dance = try FloatDance(model: file, path: path)
    let reference = try FloatReference(file)
    let total = clips.reduce(0) { $0 + $1.count }
    var heldOut = heldOutIndices(file).filter { $0 < total }
    if heldOut.isEmpty {
      // The folder holds none of the model's held-out frames: keep its last tenth back, so the
      // report never measures on calibration frames.
      heldOut = Set((total - max(1, total / 10))..<total)
    }
    let runs = trainingRuns(clips, heldOut: heldOut)
    let all = clips.flatMap { $0 }
    let training = runs.flatMap { $0 }
    guard !training.isEmpty else {
      throw FileIOError("calibration: no training frames (every frame is held out)")
    }
    for (i, f) in all.enumerated() where f.count != preset.pixelsPerFrame {
      throw FileIOError("calibration: frame \(i + 1) has \(f.count) pixels, not \(preset.pixelsPerFrame)")
    }

    // Decoder latents: real (spread evenly) + sampled by the float model.
    let realCount = min(options.realLatents, training.count)
    let realPicks = (0..<realCount).map { training[$0 * training.count / realCount] }
    progress("encode", 0, 1)
    let real = dance.vae.latentMeans(of: realPicks.map { all[$0] })
    var sampled: [[Float]] = []
    var seed: UInt64 = 1
    while sampled.count < options.sampledLatents {
      let n = min(50, options.sampledLatents - sampled.count)
      sampled += try dance.latents(
        frames: n, seed: seed, start: 0, piTemperature: 1, sigmaTemperature: 1)
      seed += 1
    }
    let normalise = { (z: [Float]) in reference.normalizer.normalize(z.map(Double.init)) }
    let decoderLatents = (real + sampled).map(normalise)

    // Sequence windows: consecutive training latents.
    let length = options.primerSteps + options.windowSteps
    let longRuns = runs.filter { $0.count >= length }
    var windows: [[[Double]]] = []
    if !longRuns.isEmpty {
      let starts = longRuns.flatMap { run in
        stride(from: 0, through: run.count - length, by: length).map { Array(run[$0..<($0 + length)]) }
      }
      let picks = (0..<min(options.windows, starts.count)).map {
        starts[$0 * starts.count / min(options.windows, starts.count)]
      }
      for (w, window) in picks.enumerated() {
        progress("encode windows", w, picks.count)
        windows.append(dance.vae.latentMeans(of: window.map { all[$0] }).map(normalise))
      }
    }
    guard !windows.isEmpty else {
      throw FileIOError(
        "calibration: no run of \(length) consecutive training frames for the sequence model")
    }
    let data = CalibrationData(
      decoderLatents: decoderLatents, sequenceClips: windows, primerSteps: options.primerSteps,
      stateless: dance.mode == .stateless)

    // Starts and primers, normalised.
    var starts: [[Double]] = []
    var primers: [[[Double]]] = []
    for k in 0..<min(dance.startCount, options.starts ?? dance.startCount) {
      let p = try dance.primer(start: k).map(normalise)
      starts.append(p.last!)
      primers.append(Array(p.dropLast()))
    }

    // Evaluation: frames calibration never saw.
    progress("encode held-out", 0, 1)
    let unseen = heldOut.sorted()
    let evalCount = min(options.evaluationLatents, unseen.count)
    let evalPicks = (0..<evalCount).map { unseen[$0 * unseen.count / evalCount] }
    var evaluationFrames = evalPicks.map { all[$0] }
    if let vaeClips = decoderEvaluation {
      let split = ClipSplit(clipLengths: vaeClips.map(\.count), heldOutPercent: 10)
      let held = zip(vaeClips, split.heldOutRanges).flatMap { clip, range in Array(clip[range]) }
      let n = min(options.evaluationLatents, held.count)
      evaluationFrames = (0..<n).map { held[$0 * held.count / n] }
    }
    let evaluationLatents = dance.vae.latentMeans(of: evaluationFrames).map(normalise)
    let clipFrames = Array(longestRun(unseen).prefix(options.evaluationSteps + 1))
    let evaluationClip = dance.vae.latentMeans(of: clipFrames.map { all[$0] }).map(normalise)
    return Prepared(
      file: file, path: path, dance: dance, reference: reference, data: data, starts: starts,
      primers: primers, evaluationLatents: evaluationLatents, evaluationClip: evaluationClip,
      calibrationFrames: realCount + windows.count * length,
      calibrationText:
        "\(realCount) real + \(sampled.count) sampled latents; \(windows.count) windows of \(length) steps")
  }

  // MARK: - Frame indices

  /// The training frames of each clip, as runs of consecutive global frame indices.
  static func trainingRuns(_ clips: [[[UInt8]]], heldOut: Set<Int>) -> [[Int]] {
    var runs: [[Int]] = []
    var offset = 0
    for clip in clips {
      var run: [Int] = []
      for i in 0..<clip.count {
        if heldOut.contains(offset + i) {
          if !run.isEmpty { runs.append(run) }
          run = []
        } else {
          run.append(offset + i)
        }
      }
      if !run.isEmpty { runs.append(run) }
      offset += clip.count
    }
    return runs
  }

  /// The longest run of consecutive indices in sorted `indices` (the first of equal length).
  static func longestRun(_ indices: [Int]) -> [Int] {
    var longest: [Int] = []
    var current: [Int] = []
    for i in indices {
      if let last = current.last, last + 1 == i { current.append(i) } else { current = [i] }
      if current.count > longest.count { longest = current }
    }
    return longest
  }
}
