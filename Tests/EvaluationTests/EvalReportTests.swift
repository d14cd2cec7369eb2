import Evaluation
import Foundation
import Testing
import Trainer

// MARK: - Helpers

/// A report whose every figure is distinct, so each can be found in the Markdown.
private func sampleReport(stateless: Double?, sweep: Bool = true) -> EvalReport {
  EvalReport(
    inputs: .init(model: "models/tiny", data: "data/held", heldOutFrames: 400, latentDimension: 32),
    reconstruction: .init(frames: 400, psnrDB: 23.45678, ssim: 0.812345),
    sequence: .init(
      windows: 12, stepsPerWindow: 64, steps: 768, nllPerStepStateful: -41.2345,
      nllPerStepStateless: stateless),
    generation: .init(
      seeds: [1, 2, 3, 4], framesPerSeed: 250, piTemperature: 0.9,
      sigmaTemperature: 0.75, temperaturesFromModel: true),
    dance: .init(
      realFrames: 400,
      latentFrechet: .init(meanTerm: 1.25, covarianceTerm: 10.5),
      velocityFrechet: .init(meanTerm: 0.0625, covarianceTerm: 3.375),
      loopRadius: LoopMeasure.defaultRadius(dimension: 32), loopMinLag: 8,
      loopGenerated: .init(looping: 300, eligible: 968), loopReal: .init(looping: 77, eligible: 392),
      latentSpeedGenerated: 1.1111, latentSpeedReal: 2.2222, pixelChangeGenerated: 3.3333,
      pixelChangeReal: nil, jumpThreshold: 7.125, jumpsGenerated: .init(jumps: 37, steps: 996),
      jumpsReal: .init(jumps: 1, steps: 399)),
    sweep: sweep ? sampleSweep() : nil,
    pictures: [
      .init(title: "generated frames", file: "contact-sheet.png"),
      .init(title: "latent speed over time, real vs generated", file: "latent speed.png"),
    ])
}

/// Two grid points with distinct figures; the second wins on both ranks.
private func sampleSweep() -> TemperatureSweep {
  TemperatureSweep(
    seeds: [1, 2], framesPerSeed: 125,
    points: [
      .init(
        temperatures: .init(pi: 1, sigma: 1), latentFrechet: .init(meanTerm: 0.5, covarianceTerm: 4.25),
        velocityFrechet: .init(meanTerm: 0.03125, covarianceTerm: 6.5),
        loop: .init(looping: 5, eligible: 234),
        latentSpeed: 7.7777, pixelChange: 5.5555, jumps: .init(jumps: 22, steps: 248)),
      .init(
        temperatures: .init(pi: 0.3, sigma: 0.5), latentFrechet: .init(meanTerm: 0.75, covarianceTerm: 5.125),
        velocityFrechet: .init(meanTerm: 0.015625, covarianceTerm: 2.375),
        loop: .init(looping: 50, eligible: 234), latentSpeed: 4.4444, pixelChange: 6.6666,
        jumps: .init(jumps: 1, steps: 248)),
    ], realJumpRate: 1.0 / 399)
}

private func object(_ any: Any?) throws -> [String: Any] { try #require(any as? [String: Any]) }

@Suite struct EvalReportTests {
  // MARK: - JSON twin

  @Test func jsonRoundTripsThroughJSONSerialization() throws {
    let report = sampleReport(stateless: -38.5)
    let data = try report.json()
    let top = try object(try JSONSerialization.jsonObject(with: data))
    #expect(
      Set(top.keys) == [
        "dance", "generation", "inputs", "pictures", "reconstruction", "sequence", "sweep",
      ])
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
    let jumps = try object(dance["jumpsGenerated"])
    #expect(jumps["fraction"] as? Double == 37.0 / 996)
    #expect(dance["jumpThreshold"] as? Double == 7.125)
    let sweep = try object(top["sweep"])
    #expect(sweep["chosenPiTemperature"] as? Double == 0.3)
    #expect(sweep["chosenSigmaTemperature"] as? Double == 0.5)
    #expect((sweep["points"] as? [Any])?.count == 2)
    let generation = try object(top["generation"])
    #expect(generation["temperaturesFromModel"] as? Bool == true)
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
    let noSweep = try sampleReport(stateless: 1, sweep: false).json()
    #expect(try object(try JSONSerialization.jsonObject(with: noSweep))["sweep"] is NSNull)
    #expect(try EvalReport.decode(json: noSweep).sweep == nil)
  }

  /// Every stored property of every section is a key of the JSON twin, nil ones included: a
  /// field added to a section cannot be left out of report.json.
  @Test func everyStoredPropertyIsWritten() throws {
    var report = sampleReport(stateless: nil)
    report.dance.jumpThreshold = nil
    let top = try object(try JSONSerialization.jsonObject(with: try report.json()))
    func keys(of value: Any) -> Set<String> {
      // a property wrapper's storage is named "_name"
      Set(
        Mirror(reflecting: value).children.compactMap {
          $0.label.map { $0.hasPrefix("_") ? String($0.dropFirst()) : $0 }
        })
    }
    let sections: [(String, Any)] = [
      ("inputs", report.inputs), ("reconstruction", report.reconstruction),
      ("sequence", report.sequence), ("generation", report.generation), ("dance", report.dance),
      ("sweep", report.sweep!),
    ]
    #expect(Set(top.keys) == keys(of: report))
    for (name, section) in sections {
      let written = Set(try object(top[name]).keys)
      #expect(keys(of: section).isSubset(of: written), "\(name): \(keys(of: section).subtracting(written))")
    }
    let point = try #require((try object(top["sweep"])["points"] as? [Any])?.first)
    #expect(keys(of: report.sweep!.points[0]).isSubset(of: Set(try object(point).keys)))
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
    let figures: [Double?] =
      [
        report.reconstruction.psnrDB, report.reconstruction.ssim,
        report.sequence.nllPerStepStateful, report.sequence.nllPerStepStateless,
        report.generation.piTemperature, report.generation.sigmaTemperature,
        d.latentFrechet.distance, d.latentFrechet.meanTerm, d.latentFrechet.covarianceTerm,
        d.velocityFrechet.distance, d.velocityFrechet.meanTerm, d.velocityFrechet.covarianceTerm,
        d.loopRadius, d.latentSpeedGenerated, d.latentSpeedReal, d.pixelChangeGenerated,
        d.jumpThreshold,
      ]
      + report.sweep!.points.flatMap { p -> [Double?] in
        [
          p.piTemperature, p.sigmaTemperature, p.latentFrechet.distance, p.velocityFrechet.distance,
          p.latentSpeed, p.pixelChange,
        ]
      }
    for f in figures { #expect(md.contains(EvalReport.text(f)), "missing \(EvalReport.text(f))") }
    for s in [
      "23.4568", "0.8123", "-41.2345", "-38.5000", "11.7500", "3.4375", "2.8284",
      "30.99 % (300 of 968)", "19.64 % (77 of 392)", "not measured", "seeds 1, 2, 3, 4",
      "3.71 % (37 of 996)", "0.25 % (1 of 399)", "8.87 % (22 of 248)", "0.40 % (1 of 248)",
      "2.14 % (5 of 234)", "21.37 % (50 of 234)", "(the model's defaults)",
      "Chosen by the rule: pi-temperature 0.3000, sigma-temperature 0.5000",
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
