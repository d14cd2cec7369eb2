import Int8Runtime
import Testing

@Suite struct PresetTests {
  @Test func paperParameterCountsMatchTheSeed() {
    let p = ModelPreset.paper
    #expect(p.encoderLayers.totalParameters == 1_724_128)
    #expect(p.decoderLayers.totalParameters == 1_744_545)
    #expect(p.sequenceLayers.totalParameters == 12_198_336)
  }

  @Test func paperShapes() {
    let p = ModelPreset.paper
    #expect(p.bottleneckShape == [15, 26, 32])
    #expect(p.bottleneckSize == 12480)
    #expect(p.mdnOutputs == 6168)
    #expect(p.decoderLayers.last?.outputShape == [120, 208, 1])
  }

  @Test func paperDecoderBiggestConvMACs() {
    // The 64 -> 128 conv at 60x104 does 460.1 M multiply-accumulates (the original's figure).
    let conv = ModelPreset.paper.decoderLayers.first { $0.name == "decoder.conv3" }
    #expect(conv?.macs == 460_062_720)
  }

  @Test(arguments: ModelPreset.all) func presetsAreWellFormed(_ p: ModelPreset) {
    #expect(p.validationError == nil)
    #expect(ModelPreset.named(p.name) == p)
  }

  @Test func unknownPresetIsNil() {
    #expect(ModelPreset.named("huge") == nil)
  }
}
