import Evaluation
import FileAccess
import Foundation
import ImageIO
import Int8Runtime
import TestSupport
import Testing
import Trainer

@testable import Quantize

// MARK: - The report's new content on the shipped tiny model

/// SSIM, the frame pictures, the layer bar chart and the departure measure, on the shipped tiny
/// model with `TinyQuantizationTests`' small calibration (6 held-out latents, 20 steps).
@Suite struct QuantReportContentTests {
  static func prepared() throws -> Quantizer.Prepared {
    try Quantizer.prepare(
      model: TinyQuantizationTests.model(), path: "models/tiny/model.dnm",
      frames: [TinyQuantizationTests.frames], options: TinyQuantizationTests.options)
  }

  static func converted(_ p: Quantizer.Prepared) throws -> (Int8Conversion, InMemoryInt8Model) {
    let conversion = try p.convert(TinyQuantizationTests.options, statistics: p.statistics())
    return (conversion, try InMemoryInt8Model(try conversion.writer.encoded()))
  }

  @Test func ssimAndTheFramesChosenForPicturesAreSane() throws {
    let p = try Self.prepared()
    let (conversion, int8) = try Self.converted(p)
    var options = Quantizer.MeasureOptions()
    options.departureSeeds = []
    let m = try p.measure(conversion, model: int8.model, path: "tiny", options: options)
    let d = m.decoder
    #expect(d.frames == 6 && d.framePSNRs.count == 6)
    // int8 frames look like the float frames: SSIM near 1, never above it
    #expect(d.meanSSIM > 0.9 && d.meanSSIM <= 1, "SSIM \(d.meanSSIM)")
    #expect(d.framePSNRs[d.worstFrame] == d.framePSNRs.min())
    let sorted = d.framePSNRs.sorted()
    #expect(d.framePSNRs[d.medianFrame] == sorted[(sorted.count - 1) / 2])

    // The float side computed once (quantize --compare) gives the same figures.
    let float = p.floatSide(options)
    let again = try p.measure(conversion, model: int8.model, path: "tiny", options: options, float: float)
    // (The sequence model's per-layer rows need the whole float step: `SequenceLayerSQNRTests`.)
    var sequence = m.sequence
    sequence.layers = nil
    #expect(again.decoder == d && again.sequence == sequence && again.decoderLayers == m.decoderLayers)
    // Fewer latents for the per-layer SQNR change only the SQNR rows.
    options.layerLatents = 2
    let fewer = try p.measure(conversion, model: int8.model, path: "tiny", options: options, float: float)
    #expect(fewer.decoder == d && fewer.decoderLayers != m.decoderLayers)
  }

  @Test func framePictureIsFloatInt8AndAmplifiedDifference() throws {
    let p = try Self.prepared()
    let (_, int8) = try Self.converted(p)
    let preset = p.file.preset
    let (w, h) = (preset.frameWidth, preset.frameHeight)
    let picture = try DecoderPictures.frame(
      0, latents: p.evaluationLatents, reference: p.reference, model: int8.model)
    #expect(picture.width == 3 * w + 8 && picture.height == h + 4)
    func panel(_ k: Int) -> [UInt8] {
      (0..<h).flatMap { r in (0..<w).map { c in picture[2 + r, 2 + k * (w + 2) + c] } }
    }
    let float = DecoderAccuracy.floatFrames(p.reference, latents: [p.evaluationLatents[0]])[0]
    // The middle panel is the reference generator's frame.
    var generator = try Int8Generator(model: int8.model, seed: 0)
    var reference = [UInt8](repeating: 0, count: w * h)
    LatentFormat.quantize(p.evaluationLatents[0], fractionBits: int8.model.latentFractionBits)
      .withUnsafeBufferPointer { z in
        reference.withUnsafeMutableBufferPointer { generator.decode(latent: z, into: $0) }
      }
    #expect(panel(1) == reference)
    #expect(panel(0) == float.map { UInt8(($0 * 255).rounded()) })
    let gain = Double(DecoderPictures.gain)
    let expected = zip(float, reference).map { f, q in
      UInt8(min(255, (gain * abs(Double(q) - 255 * f)).rounded()))
    }
    #expect(panel(2) == expected)
    #expect(panel(2).contains { $0 != 0 }, "an int8 frame differs from the float one somewhere")
  }

  @Test func reportWritesPicturesDepartureAndSSIM() throws {
    let p = try Self.prepared()
    let (conversion, int8) = try Self.converted(p)
    var options = Quantizer.MeasureOptions()
    options.departureSeeds = [1, 2]
    options.departureSteps = 30
    let m = try p.measure(conversion, model: int8.model, path: "tiny", options: options)
    let departure = try #require(m.departure)
    #expect(m.departureDistances.count == 2 && m.departureDistances.allSatisfy { $0.count == 30 })
    #expect(m.departureDistances.joined().allSatisfy { $0.isFinite && $0 >= 0 })
    // Same noise: the first step differs by rounding only.
    #expect(
      m.departureDistances.allSatisfy { $0[0] < LatentDeparture.threshold },
      "\(m.departureDistances.map { $0[0] })")
    #expect(departure.departureSteps == m.departureDistances.map { LatentDeparture.firstDeparture($0) })
    // The means' SQNR is the relative RMSE of the means in decibels: −20·log10(RMSE %/100).
    let means = m.sequence.outputSQNR[0]
    #expect(m.sequence.outputSQNR.map(\.layer).first == "sequence.mdn means")
    let fromRMSE = -20 * Foundation.log10(m.sequence.meansRelativeRMSEPercent / 100)
    #expect(abs(means.sqnr - fromRMSE) < 1e-9, "\(means.sqnr) vs \(fromRMSE)")
    #expect(m.sequence.outputSQNR.count == 3 && m.sequence.outputSQNR.allSatisfy(\.sqnr.isFinite))

    let folder = makeTemporaryFolder("quant-report")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var report = QuantReport(
      model: "models/tiny/model.dnm", conversion: conversion, calibration: p.calibrationText,
      fileBytes: int8.byteCount, decoder: m.decoder, decoderLayers: m.decoderLayers,
      sequence: m.sequence, departure: departure)
    try report.writePictures(
      to: folder, latents: p.evaluationLatents, reference: p.reference, model: int8.model,
      departureDistances: m.departureDistances)
    let files = [
      QuantReport.worstFrameFile, QuantReport.typicalFrameFile, QuantReport.layerChartFile,
      QuantReport.sequenceChartFile, SequenceDeparture.plotFile,
    ]
    #expect(report.pictures.map(\.file) == files)
    for file in files {
      let bytes = try AtomicFile.read(folder + "/" + file)
      #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(file) is a PNG")
    }
    let worst = try PNGFile.readGray(path: folder + "/" + QuantReport.worstFrameFile)
    #expect(worst.width == 3 * p.file.preset.frameWidth + 8)
    let md = report.markdown()
    #expect(md.contains("mean SSIM") && md.contains(String(format: "%.5f", m.decoder.meanSSIM)))
    #expect(md.contains("difference x\(DecoderPictures.gain)"))
    #expect(md.contains("median departure") && md.contains("](\(SequenceDeparture.plotFile))"))
    let json = try JSONSerialization.jsonObject(with: Data(try report.json())) as? [String: Any]
    #expect((json?["decoder"] as? [String: Any])?["meanSSIM"] as? Double == m.decoder.meanSSIM)
    #expect((json?["departure"] as? [String: Any])?["departureSteps"] != nil)
  }
}
