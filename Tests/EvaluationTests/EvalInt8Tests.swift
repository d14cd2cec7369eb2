import Evaluation
import Foundation
import ImageIO
import ModelFiles
import SynthDancer
import TestSupport
import Testing
import Trainer

// MARK: - The int8 dance beside the float dance (eval --int8), on the shipped tiny model

@Suite struct EvalInt8Tests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
  static let floatPath = root + "/models/tiny/model.dnm"
  static let int8Path = root + "/models/tiny/model-int8.dnm"

  /// The real side: 16 frames of the tiny model's dance (synth seed 1), encoded and
  /// normalised, in one clip; and their pixel step changes.
  static func realDance(_ dance: FloatDance) throws -> ([[[Double]]], [Double]) {
    let frames = SyntheticDancer(seed: 1, frameCount: 16).frames()
    let latents = dance.vae.latentMeans(of: frames.map(\.pixels)).map {
      dance.normalizer.normalize($0).map(Double.init)
    }
    return ([latents], try PixelChange.stepChanges([frames.map(PixelPlane.init)]))
  }

  static func compare(into folder: String, decodeEveryFrame: Bool, framesPerSeed: Int = 8) throws
    -> Int8DanceComparison
  {
    let dance = try FloatDance.load(from: floatPath)
    let (real, steps) = try realDance(dance)
    var options = Int8DanceComparison.Options()
    options.decodeEveryFrame = decodeEveryFrame
    options.contactSheetTiles = 4
    return try Int8DanceComparison.measure(
      float: dance, floatPath: floatPath, int8: try Int8ModelFile(path: int8Path), realLatents: real,
      realPixelSteps: steps, temperatures: dance.defaultTemperatures, seeds: [1, 2],
      framesPerSeed: framesPerSeed, options: options, outputFolder: folder)
  }

  // MARK: - The comparison

  @Test func tinyComparisonIsSaneAndTheSameBytesTwice() throws {
    let root = makeTemporaryFolder("eval-int8")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let r = try Self.compare(into: root + "/a", decodeEveryFrame: false)
    #expect(r.seeds == [1, 2] && r.starts == [0, 8] && r.framesPerSeed == 8)
    #expect(r.latentDimension == 32 && r.latentFractionBits > 0)
    #expect(r.piTemperatureQ16 == Int8DanceSource.q16(r.piTemperature))
    for p in [r.float, r.int8] {
      #expect(p.latentFrechet.distance.isFinite && p.latentFrechet.distance >= 0)
      #expect(p.velocityFrechet.distance.isFinite && p.velocityFrechet.distance >= 0)
      #expect(p.pixelChange == nil && p.jumps.steps == 0)  // frames not decoded
    }
    #expect(r.velocityFrechetRatio.isFinite && r.velocityFrechetRatio > 0)
    #expect(r.departureSteps.count == 2)
    #expect(r.departureSteps.allSatisfy { $0 == nil || (1...8).contains($0!) })
    #expect(r.earliestDeparture.map { $0 >= 1 } ?? true)
    #expect(r.meanDistance.isFinite && r.meanDistance >= 0)
    // every other frame of seed 1 (8 frames, 4 tiles)
    #expect(r.decodedInt8Frames == 4)
    let sheet = try PNGFile.readGray(path: root + "/a/" + Int8DanceComparison.contactSheetFile)
    #expect(sheet.width > 2 * 208 && sheet.height > 120)

    _ = try Self.compare(into: root + "/b", decodeEveryFrame: false)
    for file in [
      Int8DanceComparison.jsonFile, Int8DanceComparison.markdownFile,
      Int8DanceComparison.contactSheetFile, Int8DanceComparison.departurePlotFile,
    ] {
      let a = try Data(contentsOf: URL(fileURLWithPath: root + "/a/" + file))
      let b = try Data(contentsOf: URL(fileURLWithPath: root + "/b/" + file))
      #expect(a == b, "\(file) differs between two runs")
    }
    let json = try Data(contentsOf: URL(fileURLWithPath: root + "/a/" + Int8DanceComparison.jsonFile))
    #expect(try Int8DanceComparison.decode(json: json) == r)
  }

  @Test func everyFrameDecodedGivesThePixelMeasures() throws {
    let root = makeTemporaryFolder("eval-int8-pixels")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let r = try Self.compare(into: root, decodeEveryFrame: true, framesPerSeed: 4)
    #expect(r.decodedInt8Frames == 8)
    for p in [r.float, r.int8] {
      #expect(p.jumps.steps == 2 * 3)
      #expect(p.pixelChange.map { $0 > 0 && $0 < 255 } == true)
    }
    #expect(r.markdown().contains("Every frame decoded."))
  }

  @Test func badOptionsAreOneLine() throws {
    let dance = try FloatDance.load(from: Self.floatPath)
    let int8 = try Int8ModelFile(path: Self.int8Path)
    var options = Int8DanceComparison.Options()
    options.departureThreshold = 0
    #expect(throws: EvaluationError("int8 comparison: the departure threshold must be above 0")) {
      try Int8DanceComparison.measure(
        float: dance, floatPath: Self.floatPath, int8: int8, realLatents: [], realPixelSteps: [],
        temperatures: .unit, seeds: [1], framesPerSeed: 4, options: options,
        outputFolder: "/nonexistent")
    }
  }

  // MARK: - Departure

  @Test func departureIsTheFirstStepBeyondTheThreshold() {
    let float: [[Double]] = [[0, 0], [1, 1], [2, 2]]
    let int8: [[Double]] = [[0, 0.1], [1, 1.2], [3, 2]]
    let d = LatentDeparture.distances(int8, float)
    #expect(abs(d[0] - 0.1 / 2.0.squareRoot()) < 1e-12)
    #expect(abs(d[2] - 1 / 2.0.squareRoot()) < 1e-12)
    #expect(LatentDeparture.firstDeparture(d) == 3)
    #expect(LatentDeparture.firstDeparture(d, threshold: 0.8) == nil)
    #expect(LatentDeparture.median([5, nil, 2]) == 5)
    #expect(LatentDeparture.median([nil, nil, 2]) == nil)
    #expect(LatentDeparture.median([4, 2, 9, 7]) == 4)
    #expect(LatentDeparture.median([]) == nil)
  }

  @Test func latentFormatRoundTrips() {
    #expect(LatentFormat.quantize([0.5, -3, 100], fractionBits: 12) == [2048, -12288, 32767])
    #expect(LatentFormat.real([2048, -12288], fractionBits: 12) == [0.5, -3])
    #expect(Int8DanceSource.q16(0.3) == 19661 && Int8DanceSource.q16(1) == 65536)
  }
}
