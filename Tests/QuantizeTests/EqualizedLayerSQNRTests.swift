import Int8Runtime
import Testing

@testable import Quantize

// MARK: - Per-layer SQNR of an equalised conversion

/// Equalisation rescales the channels between the decoder's layers (only the decoder's output
/// stays the same), so an equalised conversion's layers must be compared with the equalised
/// float model's layers. Measured against the loaded model instead, the rescaled channels read
/// as noise: the first shipped `--equalize` report printed 5 to 16 dB per layer for a decoder
/// whose frames were at 56.7 dB.
@Test func anEqualizedConversionsLayersAreMeasuredAgainstTheEqualizedFloatModel() throws {
  var options = TinyQuantizationTests.options
  options.equalize = true
  let prepared = try Quantizer.prepare(
    model: TinyQuantizationTests.model(), path: "models/tiny/model.dnm",
    frames: [TinyQuantizationTests.frames], options: options)
  let equalized = try prepared.floatModel(for: options)
  #expect(equalized != nil)
  let conversion = try prepared.convert(
    options, statistics: prepared.statistics(of: equalized), reference: equalized)
  let int8 = try InMemoryInt8Model(try conversion.writer.encoded())
  var measure = Quantizer.MeasureOptions()
  measure.latents = 8
  measure.layerLatents = 8
  measure.departureSeeds = []
  let right = try prepared.measure(
    conversion, model: int8.model, path: "tiny", options: measure, quantised: equalized)
  let wrong = try prepared.measure(conversion, model: int8.model, path: "tiny", options: measure)
  #expect(right.decoderLayers.count == wrong.decoderLayers.count && right.decoderLayers.count >= 5)
  for row in right.decoderLayers {
    #expect(row.sqnr > 25, "\(row.layer): \(row.sqnr) dB")
  }
  // The frames are the same function either way; the layers are not.
  #expect(abs(right.decoder.meanPSNR - wrong.decoder.meanPSNR) < 0.01)
  #expect(zip(right.decoderLayers, wrong.decoderLayers).contains { $0.sqnr - $1.sqnr > 10 })
}
