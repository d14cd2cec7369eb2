import FileAccess
import Int8Runtime
import ModelFiles
import Testing

// MARK: - Damaged float models and checkpoints: one line naming the file (issue 16)

/// A float model of a 4-dimensional latent written by `ContainerWriter` directly, so that it
/// can hold what `FloatModelFile` itself would never write.
@Suite struct FloatModelRefusalTests {
  static let preset = ModelPreset(
    name: "micro", frameHeight: 8, frameWidth: 12, latentSize: 4, encoderChannels: [3, 2],
    encoderHidden: 5, decoderExpand: 3, decoderChannels: [2, 3], lstmLayers: 1, lstmUnits: 2,
    dropoutPercent: 10, denseUnits: 3, mixtures: 2)

  /// Every required tensor (f32, values 0.5), `edit`ed, then loaded; the message or nil.
  static func refusal(
    float: (inout [String: FloatTensor]) -> Void = { _ in },
    int32: (inout [String: Int32Tensor]) -> Void = { _ in },
    metadata: (inout [String: String]) -> Void = { _ in }
  ) throws -> String? {
    var tensors: [String: FloatTensor] = [:]
    for (name, shape) in FloatModelFile.requiredTensors(of: preset) {
      tensors[name] = FloatTensor(shape: shape, values: .init(repeating: 0.5, count: shape.reduce(1, *)))
    }
    var integers = [FloatModelFile.heldoutRanges: Int32Tensor(shape: [1, 2], values: [0, 3])]
    var meta = preset.metadataEntries
    float(&tensors)
    int32(&integers)
    metadata(&meta)
    var w = ContainerWriter(kind: .floatModel)
    for (name, t) in tensors { w.addFloat32(name, shape: t.shape, values: t.values) }
    for (name, t) in integers { w.addInt32(name, shape: t.shape, values: t.values) }
    w.metadata = meta
    let bytes = try w.encoded()
    do throws(FileIOError) {
      _ = try FloatModelFile(decoding: bytes, source: "m.dnm")
      return nil
    } catch { return error.message }
  }

  static func rotation(_ values: [Float]) -> (inout [String: FloatTensor]) -> Void {
    { $0[FloatModelFile.normalizationRotation] = FloatTensor(shape: [values.count], values: values) }
  }

  @Test func theUndamagedFixtureLoads() throws {
    #expect(try Self.refusal() == nil)
    // a permutation is orthonormal
    #expect(try Self.refusal(float: Self.rotation([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0])) == nil)
  }

  @Test func aRotationThatIsNotOrthonormalOrOfTheWrongSize() throws {
    var doubled = [Float](repeating: 0, count: 16)
    for i in 0..<4 { doubled[5 * i] = 2 }
    #expect(
      try Self.refusal(float: Self.rotation(doubled))
        == "m.dnm: tensor sequence.normalizer.rotation is not orthonormal: column 0 has length 2.0, not 1")
    var sheared = [Float](repeating: 0, count: 16)
    for i in 0..<4 { sheared[5 * i] = 1 }
    sheared[1 * 4 + 2] = 0.5  // R[1, 2]: columns 1 and 2 share row 1
    #expect(
      try Self.refusal(float: Self.rotation(sheared))
        == "m.dnm: tensor sequence.normalizer.rotation is not orthonormal: columns 1 and 2 are not orthogonal "
        + "(dot product 0.5)")
    sheared[1 * 4 + 2] = 0
    sheared[0 * 4 + 1] = 1e-3  // column 1's length stays within 1e-4 of 1, but not orthogonal to column 0
    #expect(
      try Self.refusal(float: Self.rotation(sheared))
        == "m.dnm: tensor sequence.normalizer.rotation is not orthonormal: columns 0 and 1 are not orthogonal "
        + "(dot product 0.0010000000474974513)")
    #expect(
      try Self.refusal(float: Self.rotation([1, 0, 0, 1]))
        == "m.dnm: tensor sequence.normalizer.rotation has shape [4], expected [16] (D x D, row-major)")
  }

  @Test func aFloatTensorStoredAsIntegersIsAWrongTypeNotAMissingTensor() throws {
    #expect(
      try Self.refusal(
        float: { $0["decoder.conv2.bias"] = nil },
        int32: { $0["decoder.conv2.bias"] = Int32Tensor(shape: [3], values: [0, 0, 0]) })
        == "m.dnm: tensor decoder.conv2.bias is i32; it must be f32 or f16")
    #expect(
      try Self.refusal(int32: {
        $0[FloatModelFile.startLatents] = Int32Tensor(shape: [1, 4], values: [0, 0, 0, 0])
      })
        == "m.dnm: tensor start.latents is i32; it must be f32 or f16")
    #expect(
      try Self.refusal(
        float: { $0[FloatModelFile.heldoutRanges] = FloatTensor(shape: [1, 2], values: [0, 3]) },
        int32: { $0[FloatModelFile.heldoutRanges] = nil })
        == "m.dnm: tensor heldout.ranges is a float tensor; it must be i32")
  }

  /// docs/FORMAT.md: numbers are decimal without sign, without leading zeros.
  @Test func numbersHaveNoSignAndNoLeadingZero() throws {
    #expect(try Self.refusal(metadata: { $0["preset.dropout_percent"] = "0" }) == nil)
    for (key, value) in [
      ("preset.latent_size", "+4"), ("preset.latent_size", "04"), ("preset.dropout_percent", "-0"),
      ("preset.dropout_percent", "00"), ("preset.mixtures", " 2"),
    ] {
      #expect(
        try Self.refusal(metadata: { $0[key] = value })
          == "m.dnm: metadata \(key) is not a valid size: '\(value)'")
    }
    for value in ["03,2", "3,+2", "3,,2"] {
      #expect(
        try Self.refusal(metadata: { $0["preset.encoder_channels"] = value })
          == "m.dnm: metadata preset.encoder_channels is not a list of sizes: '\(value)'")
    }
  }

  @Test func presetNamesAreOneToSixtyFourPrintableCharacters() throws {
    let rule = "it must be 1 to 64 printable ASCII characters without space"
    #expect(try Self.refusal(metadata: { $0["preset.name"] = String(repeating: "m", count: 64) }) == nil)
    #expect(
      try Self.refusal(metadata: { $0["preset.name"] = "" })
        == "m.dnm: invalid preset in metadata: preset name has 0 bytes; \(rule)")
    #expect(
      try Self.refusal(metadata: { $0["preset.name"] = String(repeating: "m", count: 100_000) })
        == "m.dnm: invalid preset in metadata: preset name has 100000 bytes; \(rule)")
    #expect(
      try Self.refusal(metadata: { $0["preset.name"] = "mi cro" })
        == "m.dnm: invalid preset in metadata: preset name has the byte 32 (not printable ASCII or a space); \(rule)"
    )
  }

  @Test func checkpointCountsHaveNoSignAndNoLeadingZero() throws {
    func refusal(_ epoch: String) throws -> String? {
      var w = ContainerWriter(kind: .checkpoint)
      w.metadata = Self.preset.metadataEntries.merging([
        "training.phase": "vae", "training.epoch": epoch, "training.step": "4", "training.seed": "1",
        "training.optimizer_steps": "4",
      ]) { $1 }
      let bytes = try w.encoded()
      do throws(FileIOError) {
        _ = try Checkpoint(decoding: bytes, source: "c.ckpt")
        return nil
      } catch { return error.message }
    }
    #expect(try refusal("2") == nil)
    #expect(try refusal("0") == nil)
    for bad in ["+2", "02", "-0", " 2"] {
      #expect(try refusal(bad) == "c.ckpt: metadata training.epoch is not a count: '\(bad)'")
    }
  }
}
