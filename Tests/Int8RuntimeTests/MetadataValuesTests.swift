import Testing

@testable import Int8Runtime

// MARK: - Metadata numbers and the preset name (docs/FORMAT.md, "Metadata entry")

@Suite struct MetadataValuesTests {
  static func decimal(_ text: String, limit: Int = 1 << 14) -> Int? {
    Array(text.utf8).withUnsafeBytes { MetadataValues.decimal($0, limit: limit) }
  }

  static func list(_ text: String) -> [Int]? {
    Array(text.utf8).withUnsafeBytes { MetadataValues.decimalList($0) }
  }

  /// Decimal without sign and without leading zeros: the one spelling a writer produces.
  @Test func decimalsHaveOneSpelling() {
    #expect(Self.decimal("0") == 0)
    #expect(Self.decimal("7") == 7)
    #expect(Self.decimal("128") == 128)
    #expect(Self.decimal("16384") == 16384)
    #expect(Self.decimal("1000", limit: 1000) == 1000)
    for bad in [
      "", "+32", "-1", "-0", "032", "00", "0032", " 32", "32 ", "3,2", "1e3", "16385", "1234567890",
    ] {
      #expect(Self.decimal(bad) == nil, "'\(bad)'")
    }
    #expect(Self.list("128,64,32") == [128, 64, 32])
    for bad in ["", ",", "016,16", "16,+16", "16,,16", "16,0", "1,2,3,4,5,6,7,8,9"] {
      #expect(Self.list(bad) == nil, "'\(bad)'")
    }
  }

  /// 1 to 64 printable ASCII characters without space; the reason never repeats the name.
  @Test func presetNamesAreBounded() {
    for good in ["tiny", "paper", "p", String(repeating: "a", count: 64), "seq-test_2.b~!"] {
      #expect(ModelPreset.nameProblem(good.utf8) == nil, "'\(good)'")
    }
    let rule = "it must be 1 to 64 printable ASCII characters without space"
    #expect(ModelPreset.nameProblem("".utf8) == "preset name has 0 bytes; \(rule)")
    #expect(
      ModelPreset.nameProblem(String(repeating: "a", count: 100_000).utf8)
        == "preset name has 100000 bytes; \(rule)")
    #expect(
      ModelPreset.nameProblem(String(repeating: "a", count: 65).utf8) == "preset name has 65 bytes; \(rule)")
    #expect(
      ModelPreset.nameProblem("my preset".utf8)
        == "preset name has the byte 32 (not printable ASCII or a space); \(rule)")
    #expect(ModelPreset.nameProblem("été".utf8) != nil)
    #expect(ModelPreset.nameProblem("a\nb".utf8) != nil)
    var p = ModelPreset.tiny
    p.name = ""
    #expect(p.validationError == "preset name has 0 bytes; \(rule)")
  }

  /// The int8 reader applies both rules (the float reader's tests are in ModelFilesTests).
  @Test func int8ReaderRefusesSignsLeadingZerosAndBadNames() {
    func refusal(_ key: String, _ value: String) -> String? {
      var b = SyntheticInt8Model().builder
      b.metadata[key] = value
      let aligned = AlignedBytes(b.bytes())
      return withExtendedLifetime(aligned) { () -> String? in
        do throws(Int8ModelError) {
          _ = try Int8Model(aligned.buffer)
          return nil
        } catch { return error.description }
      }
    }
    let rule = "it must be 1 to 64 printable ASCII characters without space"
    #expect(refusal("preset.latent_size", "32") == nil)
    #expect(refusal("preset.dropout_percent", "0") == nil)
    #expect(
      refusal("preset.latent_size", "+32") == "metadata preset.latent_size = '+32' is not a size in 1...16384"
    )
    #expect(
      refusal("preset.latent_size", "032") == "metadata preset.latent_size = '032' is not a size in 1...16384"
    )
    #expect(
      refusal("preset.decoder_channels", "016,16,16")
        == "metadata preset.decoder_channels = '016,16,16' is not a list of sizes")
    #expect(refusal("preset.name", "") == "invalid preset in metadata: preset name has 0 bytes; \(rule)")
    #expect(
      refusal("preset.name", String(repeating: "n", count: 100_000))
        == "invalid preset in metadata: preset name has 100000 bytes; \(rule)")
  }
}
