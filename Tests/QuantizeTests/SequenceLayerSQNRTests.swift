import Evaluation
import FileAccess
import Foundation
import ImageIO
import Int8Runtime
import TestSupport
import Testing

@testable import Quantize

// MARK: - The sequence model's per-layer SQNR in the report

/// Every LSTM layer's h and cell, sequence.dense and the MDN outputs, on the shipped tiny model
/// with `TinyQuantizationTests`' small calibration (20 held-out steps; 2 held-out latents for the
/// decoder, which these tests do not look at).
@Suite struct SequenceLayerSQNRTests {
  static func measured() throws -> (
    Quantizer.Prepared, Int8Conversion, InMemoryInt8Model, Quantizer.Measures, Quantizer.MeasureOptions
  ) {
    let p = try QuantReportContentTests.prepared()
    let (conversion, int8) = try QuantReportContentTests.converted(p)
    var options = Quantizer.MeasureOptions()
    options.latents = 2
    options.layerLatents = 1
    options.departureSeeds = []
    let m = try p.measure(conversion, model: int8.model, path: "tiny", options: options)
    return (p, conversion, int8, m, options)
  }

  @Test func everySequenceLayerHasAFiniteSQNRInTheTableTheJSONAndTheChart() throws {
    let (p, conversion, int8, m, _) = try Self.measured()
    defer { withExtendedLifetime(int8) {} }
    let L = p.file.preset.lstmLayers
    let layers = try #require(m.sequence.layers)
    let expected =
      (1...L).flatMap { ["sequence.lstm\($0) h", "sequence.lstm\($0) cell"] } + ["sequence.dense"]
    #expect(layers.map(\.layer) == expected)
    #expect(m.sequence.layerRows.map(\.layer) == expected + m.sequence.outputSQNR.map(\.layer))
    // Real noise, but small: int8 costs every layer something and none more than 20 dB's worth.
    for row in m.sequence.layerRows {
      #expect(row.sqnr.isFinite && row.sqnr > 20 && row.sqnr < 99, "\(row.layer): \(row.sqnr) dB")
    }

    let folder = makeTemporaryFolder("sequence-layer-sqnr")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var report = QuantReport(
      model: "models/tiny/model.dnm", conversion: conversion, calibration: p.calibrationText,
      fileBytes: int8.byteCount, decoder: m.decoder, decoderLayers: m.decoderLayers,
      sequence: m.sequence)
    try report.writePictures(
      to: folder, latents: p.evaluationLatents, reference: p.reference, model: int8.model,
      departureDistances: [])

    // report.json: sequence.layers then sequence.outputSQNR, the same numbers.
    let json = try JSONSerialization.jsonObject(with: Data(try report.json())) as? [String: Any]
    let sequence = try #require(json?["sequence"] as? [String: Any])
    let jsonRows = try ["layers", "outputSQNR"].flatMap { key in
      try #require(sequence[key] as? [[String: Any]])
    }
    #expect(jsonRows.map { $0["layer"] as? String } == m.sequence.layerRows.map(\.layer))
    for (row, j) in zip(m.sequence.layerRows, jsonRows) {
      let sqnr = try #require(j["sqnr"] as? Double)
      #expect(abs(sqnr - row.sqnr) < 1e-9, "\(row.layer): JSON \(sqnr), measured \(row.sqnr)")
    }

    // report.md: the sequence section's table lists the JSON's rows in order, one decimal.
    let md = report.markdown()
    let after = try #require(md.components(separatedBy: "## Sequence model").last)
    let section = after.components(separatedBy: "\n## ")[0]
    let table = section.split(separator: "\n").filter { $0.hasPrefix("| sequence.") }.map(String.init)
    let fromJSON = jsonRows.map { j in
      "| \(j["layer"] as? String ?? "?") | \(ReportFormat.fixed(j["sqnr"] as? Double ?? .nan, 1)) dB |"
    }
    #expect(table == fromJSON)
    #expect(md.contains("Where it is lost: each layer's int8 output read as reals (h Q15, cell Q(cf)"))

    // sequence-sqnr.png: one bar per row (`BarChart`'s height: title, then 16 pixels a bar).
    let chart = try PNGFile.readGray(path: folder + "/" + QuantReport.sequenceChartFile)
    #expect(chart.height == 8 + BitmapFont.lineHeight + 4 + 16 * m.sequence.layerRows.count + 8)
    #expect(
      report.pictures.contains { $0.file == QuantReport.sequenceChartFile && $0.title.contains("layer") })
  }

  @Test func probeStateIsTheGeneratorsAndReadsAsReals() throws {
    let p = try QuantReportContentTests.prepared()
    let int8 = try QuantReportContentTests.converted(p).1
    defer { withExtendedLifetime(int8) {} }  // it owns the bytes `model` reads
    let model = int8.model
    var probe = try Int8SequenceProbe(model)
    // Two steps on held-out latents: the reals are the generator's integers over their scales.
    for z in p.evaluationClip.prefix(2) {
      _ = probe.step(LatentFormat.quantize(z, fractionBits: model.latentFractionBits))
    }
    let reals = probe.realState(denseScale: 0.5)
    #expect(reals.count == 2 * model.lstms.count + 1)
    for (l, layer) in model.lstms.enumerated() {
      #expect(reals[2 * l] == probe.hidden[l].map { Double($0) / 32768 })
      let cf = Double(layer.cellFractionBits)
      #expect(reals[2 * l + 1] == probe.cells[l].map { Double($0) / Foundation.pow(2, cf) })
      #expect(probe.hidden[l].contains { $0 != 0 } && probe.cells[l].contains { $0 != 0 })
    }
    #expect(reals.last == probe.dense.map { Double($0) * 0.5 })
    probe.reset()
    #expect(probe.hidden.allSatisfy { $0.allSatisfy { $0 == 0 } })
    #expect(probe.cells.allSatisfy { $0.allSatisfy { $0 == 0 } })
  }

  @Test func theFloatSideComputedOnceGivesEverythingButTheLayers() throws {
    let (p, conversion, int8, m, options) = try Self.measured()
    defer { withExtendedLifetime(int8) {} }
    let again = try p.measure(
      conversion, model: int8.model, path: "tiny", options: options, float: p.floatSide(options))
    #expect(again.sequence.layers == nil && m.sequence.layers != nil)
    var withoutLayers = m.sequence
    withoutLayers.layers = nil
    #expect(again.sequence == withoutLayers)
    // compare.json's sequence entries are unchanged: no "layers" key when not measured.
    let json = try JSONSerialization.jsonObject(with: Data(try ReportFormat.json(again.sequence)))
    #expect((json as? [String: Any])?["layers"] == nil)
  }
}
