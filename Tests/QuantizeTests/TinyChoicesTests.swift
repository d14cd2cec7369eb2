import Int8Runtime
import Testing

@testable import Quantize

// MARK: - The shipped tiny model with every choice on

@Suite struct TinyChoicesTests {
  /// auto, equalisation and bias correction together: a valid file that names its choices, and
  /// frames as close to float as the sanity bound of `TinyQuantizationTests`.
  @Test func everyChoiceOnGivesAValidFileThatNamesThem() throws {
    var options = TinyQuantizationTests.options
    options.method = .auto
    options.equalize = true
    options.biasCorrection = true
    let result = try Quantizer.run(
      model: TinyQuantizationTests.model(), path: "models/tiny/model.dnm",
      frames: [TinyQuantizationTests.frames], options: options)
    let metadata = result.conversion.writer.metadata
    #expect(metadata["quant.method"] == "auto")
    #expect(metadata["quant.equalize"] != nil && metadata["quant.bias_correction"] != nil)
    #expect(metadata["quant.auto"]?.contains("decoder.expand") == true)
    #expect(metadata["quant.calibration"]?.hasSuffix("; cross-layer equalised; bias-corrected") == true)

    let bytes = try result.conversion.writer.encoded()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
    defer { buffer.deallocate() }
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    let model = try Int8Model(UnsafeRawBufferPointer(buffer))
    let (decoder, _) = try DecoderAccuracy.measure(
      result.reference, model, activations: result.conversion.decoderActivations,
      latents: result.evaluationLatents)
    #expect(decoder.meanPSNR > 40, "mean PSNR \(decoder.meanPSNR)")
  }
}
