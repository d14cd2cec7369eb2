import FileAccess
import Foundation
import ImageIO
import Int8Runtime
import ModelFiles
import Trainer

// MARK: - DanceEvaluation

/// `dancenet eval`: how well a float model reconstructs and dances, on the frames it never
/// trained on (the held-out tails recorded in the model file).
///
/// - VAE: PSNR and SSIM of held-out frames against their reconstructions decode(mean(encode(x))).
/// - Sequence model: mean MDN negative log-likelihood per step on the held-out latents, with the
///   state carried through each held-out clip (stateful) and with it reset every step
///   (the original's use), in nats, in the model's normalised latent units.
/// - Generated vs real: `frames` generated frames split over `seeds` seeds (seed s starts from
///   stored start latent s x N / seeds) against the held-out latents: Fréchet distance of the
///   latents and of their frame-to-frame velocities, the loop measure (radius 0.5 sqrt(D) in
///   normalised units, lag 8) of both, latent speed, and mean pixel change per frame of both.
///   All latent figures are in normalised units (the model's per-dimension mean/std).
///
/// ```swift
/// let report = try DanceEvaluation.run(modelPath: "models/tiny/model.dnm", dataset: data,
///                                      options: .init(), outputFolder: "models/tiny/eval")
/// // models/tiny/eval/report.md, report.json, generated.png, velocity.png, reconstructions.png
/// ```
public enum DanceEvaluation {
  public struct Options: Sendable {
    /// 4,000 frames from 16 seeds of 250: with 1,000 frames from 4 seeds the Fréchet distances
    /// of two tiny models moved by about 0.25 between seed sets (more than the gap between the
    /// models); at 4,000 the ranking held. Fréchet distance is biased upward at small samples.
    public var frames = 4000
    public var seeds = 16
    public var piTemperature = 1.0
    public var sigmaTemperature = 1.0
    public init() {}
  }

  /// Runs with OpenBLAS on one thread (`BLASThreads`), so the report is the same bytes on every
  /// run and machine of this kind; do not call it while other threads use OpenBLAS.
  public static func run(
    modelPath: String, dataset: FrameDataset, options: Options, outputFolder: String,
    observer: PhaseObserver = .silent
  ) throws -> EvalReport {
    try BLASThreads.singleThreaded {
      try evaluate(
        modelPath: modelPath, dataset: dataset, options: options, outputFolder: outputFolder,
        observer: observer)
    }
  }

  static func evaluate(
    modelPath: String, dataset: FrameDataset, options: Options, outputFolder: String,
    observer: PhaseObserver
  ) throws -> EvalReport {
    let file = try FloatModelFile.load(from: modelPath)
    let dance = try FloatDance(model: file)
    let preset = file.preset
    let heldOutClips = try heldOutFrames(file, dataset: dataset, modelPath: modelPath)
    let heldOut = heldOutClips.flatMap { $0 }
    guard heldOut.count >= 2 else {
      throw EvaluationError("\(dataset.folder): fewer than 2 held-out frames; nothing to evaluate")
    }
    let out = ModelDirectory(outputFolder)
    try out.create()

    // MARK: VAE reconstruction
    observer.log("eval: reconstructing \(heldOut.count) held-out frames")
    let latentClips = heldOutClips.map { EncodePhase.encode($0.map(\.pixels), with: dance.vae) }
    let reconstructions = dance.decode(latentClips.flatMap { $0 })
    let pairs = zip(heldOut, reconstructions).map { (PixelPlane($0), PixelPlane($1)) }
    let reconstruction = EvalReport.Reconstruction(
      frames: pairs.count, psnrDB: try ImageMetrics.meanPSNR(pairs),
      ssim: try ImageMetrics.meanSSIM(pairs))

    // MARK: Sequence likelihood
    observer.log("eval: held-out NLL")
    let normalized = latentClips.map { $0.map { dance.normalizer.normalize($0) } }
    let stateful = dance.sequence.meanNLL(clips: normalized, mode: .stateful)
    let stateless = dance.sequence.meanNLL(clips: normalized, mode: .stateless)
    let steps = normalized.reduce(0) { $0 + max($1.count - 1, 0) }
    let sequence = EvalReport.SequenceLikelihood(
      windows: (normalized.map { max($0.count - 1, 0) + 63 }.reduce(0) { $0 + $1 / 64 }),
      stepsPerWindow: 64, steps: steps, nllPerStepStateful: stateful,
      nllPerStepStateless: stateless)

    // MARK: Generated dance
    guard dance.startCount > 0 else { throw EvaluationError("\(modelPath): stores no start latents") }
    let perSeed = max(2, options.frames / options.seeds)
    let seeds = (1...options.seeds).map { UInt64($0) }
    observer.log("eval: generating \(perSeed * seeds.count) frames from \(seeds.count) seeds")
    var generated: [[[Float]]] = []
    var generatedFrames: [[GrayImage]] = []
    for (i, seed) in seeds.enumerated() {
      let z = try dance.latents(
        frames: perSeed, seed: seed, start: i * dance.startCount / seeds.count,
        piTemperature: options.piTemperature, sigmaTemperature: options.sigmaTemperature)
      generated.append(z)
      generatedFrames.append(dance.decode(z))
    }
    let gen = generated.map { $0.map { dance.normalizer.normalize($0).map(Double.init) } }
    let real = normalized.map { $0.map { $0.map(Double.init) } }
    let D = preset.latentSize
    let radius = LoopMeasure.defaultRadius(dimension: D)
    let comparison = EvalReport.DanceComparison(
      realFrames: heldOut.count,
      latentFrechet: try FrechetDistance.compute(gen.flatMap { $0 }, real.flatMap { $0 }),
      velocityFrechet: try FrechetDistance.compute(
        LatentVelocities.velocities(gen), LatentVelocities.velocities(real)),
      loopRadius: radius, loopMinLag: LoopMeasure.defaultMinLag,
      loopGenerated: try LoopMeasure.measure(gen, radius: radius),
      loopReal: try LoopMeasure.measure(real, radius: radius),
      latentSpeedGenerated: LatentVelocities.meanSpeed(gen),
      latentSpeedReal: LatentVelocities.meanSpeed(real),
      pixelChangeGenerated: try PixelChange.meanAbsoluteChange(
        generatedFrames.map { $0.map(PixelPlane.init) }),
      pixelChangeReal: try PixelChange.meanAbsoluteChange(heldOutClips.map { $0.map(PixelPlane.init) }))

    // MARK: Pictures
    let firstDance = generatedFrames[0]
    try writePNG(
      ContactSheet.make(
        Swift.stride(
          from: 0, to: firstDance.count,
          by: ContactSheet.stride(frameCount: firstDance.count, tiles: 48)
        ).map { firstDance[$0] }, columns: 8), out.file("generated.png"))
    let shown = min(24, heldOut.count)
    let step = max(1, heldOut.count / shown)
    var tiles: [GrayImage] = []
    for i in Swift.stride(from: 0, to: heldOut.count, by: step).prefix(shown) {
      tiles += [heldOut[i], reconstructions[i]]
    }
    try writePNG(ContactSheet.make(tiles, columns: 8), out.file("reconstructions.png"))
    var plot = LinePlot(title: "latent speed per frame", xLabel: "frame", yLabel: "speed")
    plot.add("generated (seed 1)", y: LatentVelocities.speeds(gen[0]))
    if let longest = real.max(by: { $0.count < $1.count }) {
      plot.add("real held-out", y: LatentVelocities.speeds(longest))
    }
    try writePNG(plot.render(width: 720, height: 360), out.file("velocity.png"))

    let report = EvalReport(
      inputs: .init(model: modelPath, data: dataset.folder, heldOutFrames: heldOut.count, latentDimension: D),
      reconstruction: reconstruction, sequence: sequence,
      generation: .init(
        seeds: seeds, framesPerSeed: perSeed, piTemperature: options.piTemperature,
        sigmaTemperature: options.sigmaTemperature),
      dance: comparison,
      pictures: [
        .init(title: "generated dance (seed 1)", file: "generated.png"),
        .init(title: "held-out frames and their reconstructions, in pairs", file: "reconstructions.png"),
        .init(title: "latent speed over time, generated vs real", file: "velocity.png"),
      ])
    try AtomicFile.write(Array(report.markdown().utf8), to: out.file("report.md"))
    try AtomicFile.write(Array(try report.json()), to: out.file("report.json"))
    return report
  }

  /// The dataset's frames inside the model's held-out ranges, one array per range; refuses a
  /// dataset that is not the one the model was trained on (frame count differs).
  static func heldOutFrames(_ file: FloatModelFile, dataset: FrameDataset, modelPath: String) throws
    -> [[GrayImage]]
  {
    let all = dataset.clips.flatMap { $0 }
    if let trained = file.metadata["provenance.frames"].flatMap(Int.init), trained != all.count {
      throw EvaluationError(
        "\(dataset.folder): has \(all.count) frames but \(modelPath) was trained on \(trained)")
    }
    guard let ranges = file.integerTensors[FloatModelFile.heldoutRanges] else {
      throw EvaluationError("\(modelPath): records no held-out frames")
    }
    var clips: [[GrayImage]] = []
    for r in 0..<ranges.shape[0] {
      let (a, b) = (Int(ranges.values[2 * r]), Int(ranges.values[2 * r + 1]))
      guard 0 <= a, a <= b, b <= all.count else {
        throw EvaluationError("\(modelPath): held-out range \(a)..<\(b) is outside the data")
      }
      if b > a { clips.append(Array(all[a..<b])) }
    }
    return clips
  }

  static func writePNG(_ image: GrayImage, _ path: String) throws {
    do { try PNGFile.write(image, to: path) } catch { throw FileIOError(error.description) }
  }

  static func writePNG(_ image: RGBImage, _ path: String) throws {
    do { try PNGFile.write(image, to: path) } catch { throw FileIOError(error.description) }
  }
}
