import FileAccess
import ImageIO
import Int8Runtime
import ModelFiles
import Trainer

// MARK: - Int8DanceComparison: measuring

extension Int8DanceComparison {
  /// The comparison against a real dance given as latent clips (normalised units) and its pixel
  /// step changes (empty: no pixel reference). Writes int8-report.md, int8-report.json,
  /// int8-generated.png and int8-departure.png to `outputFolder`; OpenBLAS on one thread, so the
  /// same inputs give the same bytes.
  ///
  /// ```swift
  /// let dance = try FloatDance.load(from: "models/tiny/model.dnm")
  /// let r = try Int8DanceComparison.measure(
  ///   float: dance, floatPath: "models/tiny/model.dnm",
  ///   int8: try Int8ModelFile(path: "models/tiny/model-int8.dnm"), realLatents: clips,
  ///   realPixelSteps: [], temperatures: dance.defaultTemperatures, seeds: [1, 2],
  ///   framesPerSeed: 24, options: .init(), outputFolder: "/tmp/int8-eval")
  /// r.departureSteps   // e.g. [17, nil]
  /// ```
  public static func measure(
    float dance: FloatDance, floatPath: String, int8: Int8ModelFile, realLatents: [[[Double]]],
    realPixelSteps: [Double], temperatures: SamplingTemperatures, seeds: [UInt64],
    framesPerSeed: Int, options: Options, outputFolder: String
  ) throws -> Int8DanceComparison {
    if let e = options.problem { throw EvaluationError("int8 comparison: \(e)") }
    guard !seeds.isEmpty, framesPerSeed >= 2 else {
      throw EvaluationError("int8 comparison: need at least 1 seed and 2 frames per seed")
    }
    try checkMatches(int8, float: dance.file, path: floatPath)
    let reference = DanceEvaluation.RealDance(
      latents: realLatents, pixelSteps: realPixelSteps, dimension: dance.file.preset.latentSize)
    return try BLASThreads.singleThreaded {
      try measure(
        float: dance, floatPath: floatPath, int8: int8, reference: reference,
        temperatures: temperatures, seeds: seeds, framesPerSeed: framesPerSeed, options: options,
        outputFolder: outputFolder, observer: .silent)
    }
  }

  /// Refuses an int8 file that is not a conversion of this float model's preset.
  static func checkMatches(_ int8: Int8ModelFile, float: FloatModelFile, path: String) throws {
    let (a, b) = (int8.model.preset, float.preset)
    guard a == b else {
      throw EvaluationError(
        "\(int8.path): is an int8 model of preset \(a.name) (latent \(a.latentSize)), "
          + "but \(path) is of preset \(b.name) (latent \(b.latentSize))")
    }
    guard int8.model.startCount > 0 else { throw EvaluationError("\(int8.path): stores no start latents") }
  }

  // MARK: - The two dances

  static func measure(
    float dance: FloatDance, floatPath: String, int8 file: Int8ModelFile,
    reference: DanceEvaluation.RealDance, temperatures: SamplingTemperatures, seeds: [UInt64],
    framesPerSeed: Int, options: Options, outputFolder: String, observer: PhaseObserver
  ) throws -> Int8DanceComparison {
    let startCount = min(dance.startCount, file.model.startCount)
    let starts = seeds.indices.map {
      DanceEvaluation.start(seedIndex: $0, seeds: seeds.count, startCount: startCount)
    }
    let decodeAll = options.decodeEveryFrame
    observer.log(
      "eval: int8 and float dances, \(seeds.count) seeds x \(framesPerSeed) frames"
        + (decodeAll ? ", every frame decoded" : ""))
    let float = try DanceEvaluation.generate(
      dance, temperatures: temperatures, seeds: seeds, framesPerSeed: framesPerSeed,
      startCount: startCount, decode: decodeAll)

    // The int8 dance: every latent; frames for the contact sheet (seed 1), or all of them.
    let every = ContactSheet.stride(frameCount: framesPerSeed, tiles: options.contactSheetTiles)
    let preset = file.model.preset
    var int8 = DanceEvaluation.GeneratedDance(latents: [], frames: [])
    var sheet: [GrayImage] = []
    var decoded = 0
    var frame = GrayImage(width: preset.frameWidth, height: preset.frameHeight)
    for (i, seed) in seeds.enumerated() {
      var source = try Int8DanceSource(
        model: file.model, path: file.path, seed: seed, start: starts[i], temperatures: temperatures)
      var latents: [[Double]] = []
      var frames: [GrayImage] = []
      for t in 0..<framesPerSeed {
        let tile = i == 0 && t % every == 0
        guard decodeAll || tile else {
          latents.append(source.next())
          continue
        }
        latents.append(source.next(decodingInto: &frame))
        decoded += 1
        if decodeAll { frames.append(frame) }
        if tile { sheet.append(frame) }
      }
      int8.latents.append(latents)
      if decodeAll { int8.frames.append(frames) }
    }

    // MARK: Measures
    let floatPoint = try reference.point(float, temperatures: temperatures)
    let int8Point = try reference.point(int8, temperatures: temperatures)
    let distances = zip(int8.latents, float.latents).map { LatentDeparture.distances($0, $1) }
    let departures = distances.map {
      LatentDeparture.firstDeparture($0, threshold: options.departureThreshold)
    }
    let allDistances = distances.flatMap { $0 }
    let out = ModelDirectory(outputFolder)
    try out.create()
    try DanceEvaluation.writePNG(ContactSheet.make(sheet, columns: 8), out.file(contactSheetFile))
    try DanceEvaluation.writePNG(
      departurePlot(distances, seeds: seeds, options: options), out.file(departurePlotFile))

    let report = Int8DanceComparison(
      floatModel: floatPath, int8Model: file.path, latentFractionBits: file.model.latentFractionBits,
      latentDimension: preset.latentSize, seeds: seeds, starts: starts, framesPerSeed: framesPerSeed,
      piTemperature: temperatures.pi, sigmaTemperature: temperatures.sigma,
      piTemperatureQ16: Int8DanceSource.q16(temperatures.pi),
      sigmaTemperatureQ16: Int8DanceSource.q16(temperatures.sigma),
      realFrames: reference.latents.reduce(0) { $0 + $1.count }, float: floatPoint, int8: int8Point,
      loopRadius: reference.radius,
      loopReal: try LoopMeasure.measure(reference.latents, radius: reference.radius),
      latentSpeedReal: LatentVelocities.meanSpeed(reference.latents),
      pixelChangeReal: PixelChange.mean(reference.pixelSteps),
      jumpsReal: reference.jumps(reference.pixelSteps),
      velocityFrechetRatio: int8Point.velocityFrechet.distance / floatPoint.velocityFrechet.distance,
      departureThreshold: options.departureThreshold, departureSteps: departures,
      earliestDeparture: departures.compactMap { $0 }.min(),
      medianDeparture: LatentDeparture.median(departures),
      meanDistance: allDistances.reduce(0, +) / Double(max(allDistances.count, 1)),
      everyFrameDecoded: decodeAll, decodedInt8Frames: decoded,
      pictures: [
        .init(title: "int8 dance (seed \(seeds[0]), start \(starts[0]))", file: contactSheetFile),
        .init(title: "float dance, the same seed and frames", file: "generated.png"),
        .init(title: "int8 vs float latent distance over time", file: departurePlotFile),
      ])
    try AtomicFile.write(Array(report.markdown().utf8), to: out.file(markdownFile))
    try AtomicFile.write(Array(try report.json()), to: out.file(jsonFile))
    return report
  }

  // MARK: - Files and the plot

  public static let markdownFile = "int8-report.md"
  public static let jsonFile = "int8-report.json"
  public static let contactSheetFile = "int8-generated.png"
  public static let departurePlotFile = "int8-departure.png"

  /// The int8–float distance of the first seeds over time, and the threshold.
  public static func departurePlot(
    _ distances: [[Double]], seeds: [UInt64], options: Options
  ) -> RGBImage {
    var plot = LinePlot(
      title: "int8 vs float latent, same seed", xLabel: "step",
      yLabel: "RMS distance per dimension")
    for (d, seed) in zip(distances, seeds).prefix(options.plottedSeeds) {
      plot.add("seed \(seed)", y: d)
    }
    let steps = distances.map(\.count).max() ?? 0
    plot.add(
      "departure (\(EvalReport.text(options.departureThreshold)))",
      y: [Double](repeating: options.departureThreshold, count: steps))
    return plot.render(width: 720, height: 360)
  }
}
