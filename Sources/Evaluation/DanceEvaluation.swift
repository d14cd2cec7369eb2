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
///   normalised units, lag 8) of both, latent speed, mean pixel change per frame and the share of
///   large pixel jumps (`PixelJumps`) of both. All latent figures are in normalised units (the
///   model's per-dimension mean/std). The temperatures are the model file's defaults unless
///   `Options.temperatures` says otherwise.
/// - Temperature sweep (`TemperatureSweep`): the same generated-side measures at every point of a
///   small grid of temperatures, on a smaller sample, and the point its rule chooses; with
///   `recordChosenTemperatures` that point becomes the model file's default before the main
///   comparison runs.
///
/// ```swift
/// let report = try DanceEvaluation.run(modelPath: "models/tiny/model.dnm", dataset: data,
///                                      options: .init(), outputFolder: "models/tiny/eval")
/// // models/tiny/eval/report.md, report.json, generated.png, velocity.png, reconstructions.png
/// report.sweep?.chosen   // the grid point the rule picks, e.g. pi 0.5, sigma 1
/// ```
public enum DanceEvaluation {
  public struct Options: Sendable {
    /// 4,000 frames from 16 seeds of 250: with 1,000 frames from 4 seeds the Fréchet distances
    /// of two tiny models moved by about 0.25 between seed sets (more than the gap between the
    /// models); at 4,000 the ranking held. Fréchet distance is biased upward at small samples.
    public var frames = 4000
    public var seeds = 16
    /// The main comparison's temperatures; nil takes the model file's defaults
    /// (`FloatDance.defaultTemperatures`).
    public var temperatures: SamplingTemperatures? = nil
    /// The temperature sweep; nil runs none.
    public var sweep: TemperatureSweep.Grid? = .standard
    /// Writes the sweep's choice into the model file as its default temperatures
    /// (`generation.*`; every tensor and other key unchanged) before the main comparison,
    /// which then runs at them. Needs a sweep and no `temperatures`.
    public var recordChosenTemperatures = false
    public init() {}

    /// Nil when usable, else one line.
    public var problem: String? {
      if seeds < 1 || frames < 2 * seeds { return "need at least 1 seed and 2 frames per seed" }
      if let t = temperatures, let e = SamplingTemperatures.problem(pi: t.pi, sigma: t.sigma) {
        return e
      }
      if let e = sweep?.problem { return e }
      if recordChosenTemperatures && sweep == nil {
        return "recording the chosen temperatures needs the sweep"
      }
      if recordChosenTemperatures && temperatures != nil {
        return "recording the chosen temperatures takes no temperatures of its own"
      }
      return nil
    }
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
        observer: observer
      ).float
    }
  }

  /// The float evaluation, then the int8 dance beside the float one (`Int8DanceComparison`,
  /// written as int8-report.md and int8-report.json, with int8-generated.png and
  /// int8-departure.png) on the same seeds and temperatures.
  public static func run(
    modelPath: String, int8: Int8ModelFile, dataset: FrameDataset, options: Options,
    int8Options: Int8DanceComparison.Options, outputFolder: String, observer: PhaseObserver = .silent
  ) throws -> (float: EvalReport, int8: Int8DanceComparison) {
    try BLASThreads.singleThreaded {
      let (float, compared) = try evaluate(
        modelPath: modelPath, dataset: dataset, options: options, outputFolder: outputFolder,
        observer: observer, int8: (int8, int8Options))
      guard let compared else { preconditionFailure("an int8 model gives an int8 comparison") }
      return (float, compared)
    }
  }

  static func evaluate(
    modelPath: String, dataset: FrameDataset, options: Options, outputFolder: String,
    observer: PhaseObserver, int8: (file: Int8ModelFile, options: Int8DanceComparison.Options)? = nil
  ) throws -> (float: EvalReport, int8: Int8DanceComparison?) {
    if let e = options.problem { throw EvaluationError("eval options: \(e)") }
    if let e = int8?.options.problem { throw EvaluationError("eval options: \(e)") }
    let file = try FloatModelFile.load(from: modelPath)
    let dance = try FloatDance(model: file, path: modelPath)
    let preset = file.preset
    if let int8 { try Int8DanceComparison.checkMatches(int8.file, float: file, path: modelPath) }
    let heldOutClips = try heldOutFrames(file, dataset: dataset, modelPath: modelPath)
    let heldOut = heldOutClips.flatMap { $0 }
    guard heldOut.count >= 2 else {
      throw EvaluationError("\(dataset.folder): fewer than 2 held-out frames; nothing to evaluate")
    }
    let out = ModelDirectory(outputFolder)
    try out.create()

    // MARK: VAE reconstruction
    observer.log("eval: reconstructing \(heldOut.count) held-out frames")
    let latentClips = heldOutClips.map { dance.vae.latentMeans(of: $0.map(\.pixels)) }
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

    // MARK: Real reference
    guard dance.startCount > 0 else { throw EvaluationError("\(modelPath): stores no start latents") }
    let real = normalized.map { $0.map { $0.map(Double.init) } }
    let realSteps = try PixelChange.stepChanges(heldOutClips.map { $0.map(PixelPlane.init) })
    let reference = RealDance(latents: real, pixelSteps: realSteps, dimension: preset.latentSize)
    let realJumps = reference.jumps(reference.pixelSteps)

    // MARK: Temperature sweep
    var sweep: TemperatureSweep? = nil
    if let grid = options.sweep {
      let seeds = (1...grid.seeds).map { UInt64($0) }
      var points: [TemperatureSweep.Point] = []
      for t in grid.points {
        observer.log(
          "eval: sweep pi \(t.pi) sigma \(t.sigma): \(grid.seeds * grid.framesPerSeed) frames")
        let g = try generate(dance, temperatures: t, seeds: seeds, framesPerSeed: grid.framesPerSeed)
        points.append(try reference.point(g, temperatures: t))
      }
      sweep = TemperatureSweep(
        seeds: seeds, framesPerSeed: grid.framesPerSeed, points: points,
        realJumpRate: realJumps.fraction)
    }
    var temperatures = options.temperatures ?? dance.defaultTemperatures
    if options.recordChosenTemperatures, let chosen = sweep?.chosen {
      var recorded = file
      recorded.metadata.merge(chosen.metadataEntries) { _, new in new }
      try recorded.save(to: modelPath)
      observer.log("eval: recorded pi \(chosen.pi), sigma \(chosen.sigma) in \(modelPath)")
      temperatures = chosen
    }

    // MARK: Generated dance
    let perSeed = max(2, options.frames / options.seeds)
    let seeds = (1...options.seeds).map { UInt64($0) }
    observer.log("eval: generating \(perSeed * seeds.count) frames from \(seeds.count) seeds")
    let generated = try generate(dance, temperatures: temperatures, seeds: seeds, framesPerSeed: perSeed)
    let measured = try reference.measure(generated)
    let gen = generated.latents
    let generatedFrames = generated.frames
    let D = preset.latentSize
    let comparison = EvalReport.DanceComparison(
      realFrames: heldOut.count, latentFrechet: measured.latentFrechet,
      velocityFrechet: measured.velocityFrechet, loopRadius: reference.radius,
      loopMinLag: LoopMeasure.defaultMinLag, loopGenerated: measured.loop,
      loopReal: try LoopMeasure.measure(real, radius: reference.radius),
      latentSpeedGenerated: measured.latentSpeed,
      latentSpeedReal: LatentVelocities.meanSpeed(real),
      pixelChangeGenerated: measured.pixelChange, pixelChangeReal: PixelChange.mean(reference.pixelSteps),
      jumpThreshold: reference.jumpThreshold, jumpsGenerated: measured.jumps, jumpsReal: realJumps)

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
        seeds: seeds, framesPerSeed: perSeed, piTemperature: temperatures.pi,
        sigmaTemperature: temperatures.sigma, temperaturesFromModel: options.temperatures == nil),
      dance: comparison, sweep: sweep,
      pictures: [
        .init(title: "generated dance (seed 1)", file: "generated.png"),
        .init(title: "held-out frames and their reconstructions, in pairs", file: "reconstructions.png"),
        .init(title: "latent speed over time, generated vs real", file: "velocity.png"),
      ])
    try AtomicFile.write(Array(report.markdown().utf8), to: out.file("report.md"))
    try AtomicFile.write(Array(try report.json()), to: out.file("report.json"))

    // MARK: Int8 dance
    guard let int8 else { return (report, nil) }
    let compared = try Int8DanceComparison.measure(
      float: dance, floatPath: modelPath, int8: int8.file, reference: reference,
      temperatures: temperatures, seeds: seeds, framesPerSeed: perSeed, options: int8.options,
      outputFolder: outputFolder, observer: observer)
    return (report, compared)
  }

  // MARK: - Generated dances and their measures

  /// Generated clips: one per seed, seed i (0-based) starting from stored start latent
  /// i × N / seeds; latents in the model's normalised units and the decoded frames (none when
  /// not decoded: the pixel measures are then not measured).
  struct GeneratedDance {
    var latents: [[[Double]]]
    var frames: [[GrayImage]]
  }

  /// The stored start latent of seed index i of `seeds`: i × N / seeds.
  static func start(seedIndex i: Int, seeds: Int, startCount: Int) -> Int { i * startCount / seeds }

  /// The float dance of every seed; N is `startCount` (default: every start the model stores).
  static func generate(
    _ dance: FloatDance, temperatures: SamplingTemperatures, seeds: [UInt64], framesPerSeed: Int,
    startCount: Int? = nil, decode: Bool = true
  ) throws -> GeneratedDance {
    var out = GeneratedDance(latents: [], frames: [])
    for (i, seed) in seeds.enumerated() {
      let z = try dance.latents(
        frames: framesPerSeed, seed: seed,
        start: start(seedIndex: i, seeds: seeds.count, startCount: startCount ?? dance.startCount),
        piTemperature: temperatures.pi, sigmaTemperature: temperatures.sigma)
      out.latents.append(z.map { dance.normalizer.normalize($0).map(Double.init) })
      if decode { out.frames.append(dance.decode(z)) }
    }
    return out
  }

  /// The real held-out dance every generated dance is measured against.
  struct RealDance {
    var latents: [[[Double]]]
    var velocities: [[Double]]
    var pixelSteps: [Double]
    var jumpThreshold: Double?
    var radius: Double

    /// The real dance of held-out latent clips (normalised units, D dimensions) and their pixel
    /// step changes: jump threshold J from the steps, loop radius by the fixed rule for D.
    init(latents: [[[Double]]], pixelSteps: [Double], dimension: Int) {
      self.latents = latents
      velocities = LatentVelocities.velocities(latents)
      self.pixelSteps = pixelSteps
      jumpThreshold = PixelJumps.threshold(realSteps: pixelSteps)
      radius = LoopMeasure.defaultRadius(dimension: dimension)
    }

    func jumps(_ steps: [Double]) -> PixelJumps.Result {
      jumpThreshold.map { PixelJumps.count(steps, threshold: $0) }
        ?? PixelJumps.Result(jumps: 0, steps: 0)
    }

    /// The generated side of every dance measure.
    func measure(_ g: GeneratedDance) throws -> (
      latentFrechet: FrechetDistance.Result, velocityFrechet: FrechetDistance.Result,
      loop: LoopMeasure.Result, latentSpeed: Double?, pixelChange: Double?,
      jumps: PixelJumps.Result
    ) {
      var steps: [Double] = []
      for clip in g.frames { steps += try PixelChange.stepChanges([clip.map(PixelPlane.init)]) }
      return (
        try FrechetDistance.compute(g.latents.flatMap { $0 }, latents.flatMap { $0 }),
        try FrechetDistance.compute(LatentVelocities.velocities(g.latents), velocities),
        try LoopMeasure.measure(g.latents, radius: radius), LatentVelocities.meanSpeed(g.latents),
        PixelChange.mean(steps), jumps(steps)
      )
    }

    /// `measure` as one row of measures at the temperatures `g` was generated with.
    func point(_ g: GeneratedDance, temperatures: SamplingTemperatures) throws -> TemperatureSweep.Point {
      let m = try measure(g)
      return TemperatureSweep.Point(
        temperatures: temperatures, latentFrechet: m.latentFrechet, velocityFrechet: m.velocityFrechet,
        loop: m.loop, latentSpeed: m.latentSpeed, pixelChange: m.pixelChange, jumps: m.jumps)
    }
  }

  // MARK: - Held-out frames

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
