import Evaluation
import Foundation
import Testing
import Trainer

// MARK: - Helpers

/// A report whose every figure is distinct, so each can be found in the Markdown.
private func sampleReport(stateless: Double?) -> EvalReport {
  EvalReport(
    inputs: .init(model: "models/tiny", data: "data/held", heldOutFrames: 400, latentDimension: 32),
    reconstruction: .init(frames: 400, psnrDB: 23.45678, ssim: 0.812345),
    sequence: .init(
      windows: 12, stepsPerWindow: 64, steps: 768, nllPerStepStateful: -41.2345,
      nllPerStepStateless: stateless),
    generation: .init(
      seeds: [1, 2, 3, 4], framesPerSeed: 250, piTemperature: 0.9,
      sigmaTemperature: 0.75),
    dance: .init(
      realFrames: 400,
      latentFrechet: .init(meanTerm: 1.25, covarianceTerm: 10.5),
      velocityFrechet: .init(meanTerm: 0.0625, covarianceTerm: 3.375),
      loopRadius: LoopMeasure.defaultRadius(dimension: 32), loopMinLag: 8,
      loopGenerated: .init(looping: 300, eligible: 968), loopReal: .init(looping: 77, eligible: 392),
      latentSpeedGenerated: 1.1111, latentSpeedReal: 2.2222, pixelChangeGenerated: 3.3333,
      pixelChangeReal: nil),
    pictures: [
      .init(title: "generated frames", file: "contact-sheet.png"),
      .init(title: "latent speed over time, real vs generated", file: "latent speed.png"),
    ])
}

private func object(_ any: Any?) throws -> [String: Any] { try #require(any as? [String: Any]) }

@Suite struct EvalReportTests {
  // MARK: - JSON twin

  @Test func jsonRoundTripsThroughJSONSerialization() throws {
    let report = sampleReport(stateless: -38.5)
    let data = try report.json()
    let top = try object(try JSONSerialization.jsonObject(with: data))
    #expect(Set(top.keys) == ["dance", "generation", "inputs", "pictures", "reconstruction", "sequence"])
    let reconstruction = try object(top["reconstruction"])
    #expect(reconstruction["psnrDB"] as? Double == 23.45678)
    #expect(reconstruction["ssim"] as? Double == 0.812345)
    let sequence = try object(top["sequence"])
    #expect(sequence["nllPerStepStateful"] as? Double == -41.2345)
    #expect(sequence["nllPerStepStateless"] as? Double == -38.5)
    let dance = try object(top["dance"])
    let fd = try object(dance["latentFrechet"])
    #expect(fd["distance"] as? Double == 11.75)
    let loop = try object(dance["loopReal"])
    #expect(loop["fraction"] as? Double == 77.0 / 392)
    #expect(dance["pixelChangeReal"] is NSNull)  // not measured -> null, key still present
    let generation = try object(top["generation"])
    #expect(generation["seeds"] as? [Int] == [1, 2, 3, 4])
    #expect(generation["frames"] as? Int == 1000)
    #expect(try EvalReport.decode(json: data) == report)
  }

  @Test func nonFiniteNumbersBecomeStringsAndMissingOnesNull() throws {
    var report = sampleReport(stateless: .infinity)
    report.sequence.nllPerStepStateful = -.infinity
    let data = try report.json()
    let sequence = try object(try object(try JSONSerialization.jsonObject(with: data))["sequence"])
    #expect(sequence["nllPerStepStateless"] as? String == "inf")
    #expect(sequence["nllPerStepStateful"] as? String == "-inf")
    #expect(try EvalReport.decode(json: data) == report)
    let missing = try sampleReport(stateless: nil).json()
    let s2 = try object(try object(try JSONSerialization.jsonObject(with: missing))["sequence"])
    #expect(s2["nllPerStepStateless"] is NSNull)
    #expect(try EvalReport.decode(json: missing).sequence.nllPerStepStateless == nil)
  }

  @Test func jsonIsDeterministicWithSortedKeys() throws {
    let a = try sampleReport(stateless: 1).json()
    #expect(a == (try sampleReport(stateless: 1).json()))
    let text = try #require(String(data: a, encoding: .utf8))
    let order = ["\"dance\"", "\"generation\"", "\"inputs\"", "\"pictures\"", "\"reconstruction\""]
    let positions = try order.map { try #require(text.range(of: $0)).lowerBound }
    #expect(positions == positions.sorted())
    #expect(text.hasSuffix("}\n"))
  }

  @Test func badJSONThrowsOneLine() throws {
    do {
      _ = try EvalReport.decode(json: Data("{\"inputs\": 3}".utf8))
      Issue.record("decoding should fail")
    } catch let e as EvaluationError {
      #expect(e.message.hasPrefix("evaluation report JSON: "))
      #expect(!e.message.contains("\n"))
    }
  }

  // MARK: - Markdown

  @Test func markdownContainsEveryFigure() {
    let report = sampleReport(stateless: -38.5)
    let md = report.markdown()
    let d = report.dance
    let figures: [Double?] = [
      report.reconstruction.psnrDB, report.reconstruction.ssim,
      report.sequence.nllPerStepStateful, report.sequence.nllPerStepStateless,
      report.generation.piTemperature, report.generation.sigmaTemperature,
      d.latentFrechet.distance, d.latentFrechet.meanTerm, d.latentFrechet.covarianceTerm,
      d.velocityFrechet.distance, d.velocityFrechet.meanTerm, d.velocityFrechet.covarianceTerm,
      d.loopRadius, d.latentSpeedGenerated, d.latentSpeedReal, d.pixelChangeGenerated,
    ]
    for f in figures { #expect(md.contains(EvalReport.text(f)), "missing \(EvalReport.text(f))") }
    for s in [
      "23.4568", "0.8123", "-41.2345", "-38.5000", "11.7500", "3.4375", "2.8284",
      "30.99 % (300 of 968)", "19.64 % (77 of 392)", "not measured", "seeds 1, 2, 3, 4",
      "1000 generated frames", "250 frames each", "400 held-out", "12 held-out windows",
      "64 steps (768 steps)", "`models/tiny`", "`data/held`", "lag ≥ 8",
      "![generated frames](<contact-sheet.png>)",
      "![latent speed over time, real vs generated](<latent speed.png>)",
    ] {
      #expect(md.contains(s), "missing \(s)")
    }
  }

  @Test func numberTextRules() {
    #expect(EvalReport.text(31.14107) == "31.1411")
    #expect(EvalReport.text(Double.infinity) == "inf")
    #expect(EvalReport.text(-Double.infinity) == "-inf")
    #expect(EvalReport.text(Double.nan) == "nan")
    #expect(EvalReport.text(nil as Double?) == "not measured")
    #expect(EvalReport.loopText(.init(looping: 30, eligible: 32)) == "93.75 % (30 of 32)")
    #expect(EvalReport.loopText(.init(looping: 0, eligible: 0)) == "not measured")
  }
}
