import Int8Runtime
import Quantize
import Testing

@Suite struct Int8FootprintTests {
  @Test func tinyPresetFitsIn256KB() {
    let bytes = Int8Footprint.model(.tiny, startLatents: 64)
    #expect(bytes <= 256 * 1024)
  }

  @Test func paperIsAbout14MB() {
    // The original: int8 weights of decoder + sequence model are about 14 MB.
    let bytes = Int8Footprint.model(.paper, startLatents: 0)
    #expect(bytes > 13_500_000 && bytes < 14_500_000)
  }

  @Test func convBytesAreWeightsBiasAndRequantisation() {
    let conv = LayerSpec.conv3x3(
      name: "c", rows: 4, cols: 4, inChannels: 2, outChannels: 3, activation: .relu)
    #expect(Int8Footprint.bytes(of: conv) == 9 * 2 * 3 + 3 * 12)
  }
}
