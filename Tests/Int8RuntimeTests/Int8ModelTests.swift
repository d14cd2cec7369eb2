import Int8Runtime
import Testing

// MARK: - Helpers

/// Loads `bytes` as an int8 model; the description of the error, or nil when it loads.
private func refusal(_ bytes: [UInt8]) -> String? {
  let aligned = AlignedBytes(bytes)
  return withExtendedLifetime(aligned) { () -> String? in
    do throws(Int8ModelError) {
      _ = try Int8Model(aligned.buffer)
      return nil
    } catch {
      return error.description
    }
  }
}

/// Tiny's conv2 with row 0 at Σ|w| = 127 · 144 and bias 2,072,594,288: |bias| + Σ|w| · 255 fits
/// 32 bits, |bias| + Σ|w| · 4095 = 2^31 does not.
private func heavyConv2Row(_ b: inout ContainerBuilder) {
  var w = [Int8](repeating: 0, count: 16 * 9 * 16)
  for j in 0..<144 { w[j] = 127 }
  b.int8("decoder.conv2.weights", [16, 3, 3, 16], w)
  var bias = [Int32](repeating: 0, count: 16)
  bias[0] = 2_072_594_288
  b.int32("decoder.conv2.bias", [16], bias)
}

private func refusal(_ edit: (inout ContainerBuilder) -> Void) -> String? {
  var b = SyntheticInt8Model().builder
  edit(&b)
  return refusal(b.bytes())
}

// MARK: - Round trip

@Test func aSyntheticTinyModelLoadsWithItsPresetAndViews() throws {
  let synthetic = SyntheticInt8Model()
  let aligned = AlignedBytes(synthetic.builder.bytes())
  try withExtendedLifetime(aligned) {
    let model = try Int8Model(aligned.buffer)
    #expect(model.preset == .tiny)
    #expect(!model.isStateless)
    #expect(model.latentFractionBits == 10)
    #expect(model.startCount == 3)
    #expect(model.primerCount == 4)
    #expect(model.lstms.count == 2)
    #expect(model.lstms[1].inputs == 64 && model.lstms[1].units == 64)
    #expect(model.lstms[0].cellFractionBits == 11)
    #expect(model.mdn.layer.outputs == 2 * 5 * 32 + 5)
    #expect(model.convs.count == 3)
    #expect(model.convs.map(\.outChannels) == [16, 16, 16])
    #expect(model.pixelConv.inChannels == 16)
    #expect(model.decoderDenseZeroPoint == -128)
    // the views read the very values that were written, in place
    for i in [0, 17, synthetic.decoderDense.weights.count - 1] {
      #expect(model.decoderDense.weights[i] == synthetic.decoderDense.weights[i])
    }
    #expect(model.convs[2].bias[3] == synthetic.convs[2].bias[3])
    let base = UInt(bitPattern: aligned.buffer.baseAddress!)
    let w = UInt(bitPattern: model.mdn.layer.weights.bytes.baseAddress!)
    #expect(w > base && w < base + UInt(aligned.count))  // not a copy
    #expect(w % 16 == 0)
  }
}

@Test func metadataChoosesTheMode() throws {
  var b = SyntheticInt8Model().builder
  b.metadata["sequence.target"] = "latent"
  b.metadata["sequence.mode"] = "stateless"
  let aligned = AlignedBytes(b.bytes())
  try withExtendedLifetime(aligned) {
    let model = try Int8Model(aligned.buffer)
    #expect(model.isStateless)
  }
}

// MARK: - Refusals, one line each

@Test func refusalsNameTheProblemInOneLine() {
  let cases: [(String, (inout ContainerBuilder) -> Void)] = [
    ("not an int8 model (the file is a float model)", { $0.kind = 1 }),
    ("missing tensor sequence.mdn.bias", { $0.tensors["sequence.mdn.bias"] = nil }),
    (
      "missing metadata quant.scheme (not an int8 model of this format)",
      { $0.metadata["quant.scheme"] = nil }
    ),
    (
      "unsupported integer scheme quant.scheme = '2' (this build reads 1)",
      { $0.metadata["quant.scheme"] = "2" }
    ),
    ("missing metadata preset.mixtures", { $0.metadata["preset.mixtures"] = nil }),
    (
      "metadata preset.lstm_units = '6x4' is not a size in 1...16384",
      { $0.metadata["preset.lstm_units"] = "6x4" }
    ),
    ("metadata sequence.target = 'delta' is not latent", { $0.metadata["sequence.target"] = "delta" }),
    (
      "tensor decoder.conv2.weights has shape [16, 3, 3, 8], expected [16, 3, 3, 16] for this preset",
      { $0.int8("decoder.conv2.weights", [16, 3, 3, 8], [Int8](repeating: 1, count: 16 * 9 * 8)) }
    ),
    (
      "tensor sequence.dense.bias is i16, expected i32",
      { $0.int16("sequence.dense.bias", [64], [Int16](repeating: 0, count: 64)) }
    ),
    (
      "tensor decoder.expand.shift element 3 is 63, outside 1...62",
      { b in
        var s = [Int8](repeating: 30, count: 32)
        s[3] = 63
        b.int8("decoder.expand.shift", [32], s)
      }
    ),
    (
      "tensor sequence.lstm2.input_multiplier element 0 is -5, outside 0...2147483647",
      { b in
        var m = [Int32](repeating: 1 << 30, count: 256)
        m[0] = -5
        b.int32("sequence.lstm2.input_multiplier", [256], m)
      }
    ),
    (
      "tensor decoder.conv1.output_zero_point element 0 is 200, outside -128...127",
      { $0.int32("decoder.conv1.output_zero_point", [], [200]) }
    ),
    (
      "tensor decoder.conv2.output_bits element 0 is 10, outside 8 or 12",
      { $0.int32("decoder.conv2.output_bits", [], [10]) }
    ),
    (
      "tensor decoder.conv1.output_zero_point element 0 is -2049, outside -2048...2047",
      { b in
        b.int32("decoder.conv1.output_bits", [], [12])
        b.int32("decoder.conv1.output_zero_point", [], [-2049])
      }
    ),
    (
      // Σ|w| = 127 · 144 for conv2's row 0: within 2^31 for an 8-bit input (· 255), not for a
      // 12-bit one (· 4095): 2,072,594,288 + 18,288 · 4095 = 2^31.
      "tensor decoder.conv2.weights row 0 can overflow a 32-bit accumulator (|bias| + Σ|w|·x = 2147483648)",
      { b in
        b.int32("decoder.conv1.output_bits", [], [12])
        b.int32("decoder.conv1.output_zero_point", [], [-2048])
        heavyConv2Row(&b)
      }
    ),
    (
      "tensor latent.fraction_bits element 0 is 16, outside 0...15",
      { $0.int32("latent.fraction_bits", [], [16]) }
    ),
    (
      "tensor decoder.dense.weights element 0 is -128, outside -127...127",
      { b in
        var w = [Int8](repeating: 1, count: 3120 * 32)
        w[0] = -128
        b.int8("decoder.dense.weights", [3120, 32], w)
      }
    ),
    (
      "tensor sequence.mdn.weights row 2 can overflow a 32-bit accumulator (|bias| + Σ|w|·x = 2147581952)",
      { b in
        var w = [Int8](repeating: 0, count: 325 * 64)
        for j in 0..<64 { w[2 * 64 + j] = 127 }
        b.int8("sequence.mdn.weights", [325, 64], w)
        var bias = [Int32](repeating: 0, count: 325)
        bias[2] = 1_881_243_648  // + 64 · 127 · 32768 = 2^31 + 98,304
        b.int32("sequence.mdn.bias", [325], bias)
      }
    ),
    (
      "table sequence.sigmoid_table decreases at entry 300",
      { b in
        var t = SpecTables.sigmoid()
        t[300] = t[299] - 1
        b.int16("sequence.sigmoid_table", [513], t)
      }
    ),
    (
      "tensor sequence.mdn.softmax_exp_low element 0 is 1073741823, outside 2^30",
      { b in
        var t = SpecTables.softmaxLow()
        t[0] -= 1
        b.int32("sequence.mdn.softmax_exp_low", [256], t)
      }
    ),
    (
      "tensor start.primers has shape [2, 4, 32], expected [3, 4, 32] for this preset",
      { $0.int16("start.primers", [2, 4, 32], [Int16](repeating: 0, count: 2 * 4 * 32)) }
    ),
    (
      "metadata preset.mixtures = '300' is not at most 255 for an int8 model",
      { $0.metadata["preset.mixtures"] = "300" }
    ),
  ]
  for (expected, edit) in cases {
    let got = refusal(edit)
    #expect(got == expected)
    #expect(got.map { !$0.contains("\n") } ?? false)
  }
}

@Test func damagedAndTruncatedFilesAreRefusedByTheContainerChecks() {
  let good = SyntheticInt8Model().builder.bytes()
  #expect(refusal(good) == nil)
  var flipped = good
  flipped[good.count / 2] ^= 0x10
  #expect(refusal(flipped) == "damaged (checksum mismatch)")
  let truncated = Array(good[0..<1000])
  #expect(refusal(truncated) == "truncated (1000 of \(good.count) bytes)")
  #expect(refusal(Array("PK\u{3}\u{4} not a model".utf8)) == "not a dancenet model file")
}

// MARK: - 12-bit activations

/// The accumulator bound follows the input's width: conv2's row 0 with Σ|w| = 127 · 144 and a bias
/// of 2,072,594,288 fits for an 8-bit conv1 (· 255) and is refused for a 12-bit one (above).
@Test func theAccumulatorBoundReadsTheInputsWidth() throws {
  #expect(refusal { heavyConv2Row(&$0) } == nil)
  let aligned = AlignedBytes(SyntheticInt8Model(wide: true).builder.bytes())
  try withExtendedLifetime(aligned) {
    let model = try Int8Model(aligned.buffer)
    #expect(model.decoderBits == DecoderActivationBits(expand: .wide, convs: [.wide, .wide, .wide]))
    #expect(model.convZeroPoints == [-2048, -2048, -2048])
  }
}
