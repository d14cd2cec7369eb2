import Foundation
import Int8Runtime
import ModelFiles
import Trainer

// MARK: - The sequence model

extension Int8Conversion {
  mutating func convertSequence(_ ref: FloatReference, _ stats: ActivationStatistics) throws {
    let seq = ref.sequence
    let p = seq.parameters
    let (D, U, H) = (preset.latentSize, preset.lstmUnits, preset.denseUnits)
    let q12 = 1.0 / 4096
    let q15 = 1.0 / 32768
    for (l, lstm) in seq.lstms.enumerated() {
      let name = "sequence.lstm\(l + 1)"
      let inputs = l == 0 ? D : U
      let inputScale = l == 0 ? latentScale : q15
      let kernel = transposed(Self.values(p, lstm.kernel), rows: inputs, columns: 4 * U)
      let (w, widened) = addRows(
        weights: kernel, bias: Self.values(p, lstm.bias), rows: 4 * U, columns: inputs,
        weightShape: [4 * U, inputs], inputScale: inputScale, inputMagnitude: Self.int16Input,
        weightsName: name + ".weights", biasName: name + ".bias",
        multiplierName: name + ".input_multiplier", shiftName: name + ".input_shift",
        outputScale: { _ in q12 })
      let recurrent = transposed(Self.values(p, lstm.recurrentKernel), rows: U, columns: 4 * U)
      let (r, rWidened) = addRows(
        weights: recurrent, bias: nil, rows: 4 * U, columns: U, weightShape: [4 * U, U],
        inputScale: q15, inputMagnitude: Self.int16Input, weightsName: name + ".recurrent_weights",
        multiplierName: name + ".recurrent_multiplier", shiftName: name + ".recurrent_shift",
        outputScale: { _ in q12 })
      let cf = int16FractionBits(forMagnitude: stats.cells[l].magnitude(.minmax))
      cellFractionBits.append(cf)
      writer.addInt32(name + ".cell_fraction_bits", shape: [], values: [Int32(cf)])
      record(
        name, inputScale: inputScale, inputZeroPoint: 0, outputScale: q15, outputZeroPoint: 0,
        format: "gates Q12, cell Q\(cf), h Q15", weights: w, widened: widened + rWidened,
        clipped: stats.cells[l].fractionOutside(
          lo: -32768 / Foundation.pow(2, Double(cf)), hi: 32767 / Foundation.pow(2, Double(cf))))
      _ = r
    }
    writer.addInt16("sequence.sigmoid_table", shape: [513], values: Self.gateTable(Self.logistic, lo: 0))
    writer.addInt16("sequence.tanh_table", shape: [513], values: Self.gateTable(Foundation.tanh, lo: -32767))

    // sequence.dense: h (Q15) -> int16 symmetric, relu
    let denseMagnitude = stats.sequenceDense.magnitude(method)
    sequenceDenseScale = denseMagnitude > 0 ? denseMagnitude / 32767 : 1
    let denseScale = sequenceDenseScale
    let (dw, dWidened) = addRows(
      weights: transposed(Self.values(p, seq.dense.kernel), rows: U, columns: H),
      bias: Self.values(p, seq.dense.bias), rows: H, columns: U, weightShape: [H, U],
      inputScale: q15, inputMagnitude: Self.int16Input, weightsName: "sequence.dense.weights",
      biasName: "sequence.dense.bias", multiplierName: "sequence.dense.multiplier",
      shiftName: "sequence.dense.shift", outputScale: { _ in denseScale })
    record(
      "sequence.dense", inputScale: q15, inputZeroPoint: 0, outputScale: denseScale,
      outputZeroPoint: 0, format: "int16 symmetric, relu", weights: dw, widened: dWidened,
      clipped: stats.sequenceDense.fractionOutside(lo: 0, hi: denseMagnitude))

    // MDN head: rows in MDNLayout order; means -> latent format, log-sigmas -> Q11, logits -> Q16
    let layout = seq.layout
    let KD = layout.mixtures * layout.dims
    let O = layout.outputs
    let latent = latentScale
    let (mw, mWidened) = addRows(
      weights: transposed(Self.values(p, seq.head.kernel), rows: H, columns: O),
      bias: Self.values(p, seq.head.bias), rows: O, columns: H, weightShape: [O, H],
      inputScale: denseScale, inputMagnitude: Self.int16Input, weightsName: "sequence.mdn.weights",
      biasName: "sequence.mdn.bias", multiplierName: "sequence.mdn.multiplier",
      shiftName: "sequence.mdn.shift",
      outputScale: { o in o < KD ? latent : (o < 2 * KD ? Foundation.pow(2, -11) : Foundation.pow(2, -16)) })
    record(
      "sequence.mdn", inputScale: denseScale, inputZeroPoint: 0, outputScale: latent,
      outputZeroPoint: 0, format: "means Q\(latentFractionBits), log-sigmas Q11, logits Q16",
      weights: mw, widened: mWidened, clipped: 0)
    addExpTables()
  }

  static func logistic(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

  /// T[j] = clamp(round(32768 · f((j − 256) / 32)), lo, 32767), j = 0 ... 512.
  static func gateTable(_ f: (Double) -> Double, lo: Int) -> [Int16] {
    (0...512).map { j in
      Int16(max(lo, min(32767, Int((32768 * f(Double(j - 256) / 32)).rounded()))))
    }
  }

  private mutating func addExpTables() {
    func r(_ x: Double) -> Int32 { Int32(x.rounded()) }
    writer.addInt32(
      "sequence.mdn.sigma_exp_high", shape: [225],
      values: (0..<225).map { r(65536 * Foundation.exp(Double($0) / 16 - 7)) })
    writer.addInt32(
      "sequence.mdn.sigma_exp_low", shape: [128],
      values: (0..<128).map { r(1_073_741_824 * Foundation.exp(Double($0) / 2048)) })
    writer.addInt32(
      "sequence.mdn.softmax_exp_high", shape: [256],
      values: (0..<256).map { r(1_073_741_824 * Foundation.exp(-Double($0) / 16)) })
    writer.addInt32(
      "sequence.mdn.softmax_exp_low", shape: [256],
      values: (0..<256).map { r(1_073_741_824 * Foundation.exp(-Double($0) / 4096)) })
  }
}

// MARK: - The decoder

extension Int8Conversion {
  mutating func convertDecoder(_ ref: FloatReference, _ stats: ActivationStatistics) throws {
    let vae = ref.vae
    let p = vae.parameters
    let D = preset.latentSize
    let bottleneck = preset.bottleneckShape
    let (B, C, E) = (preset.bottleneckSize, bottleneck[2], preset.decoderExpand)

    // decoder.dense (folded normaliser): latent (int16) -> int8, relu
    let denseRange = stats.decoderDense.range(method(for: "decoder.dense"))
    let denseAct = Int8Activation(lo: 0, hi: denseRange.hi)
    let (dw, dWidened) = addRows(
      weights: transposed(Self.values(p, vae.decoderDense.kernel), rows: D, columns: B),
      bias: Self.values(p, vae.decoderDense.bias), rows: B, columns: D, weightShape: [B, D],
      inputScale: latentScale, inputMagnitude: Self.int16Input, weightsName: "decoder.dense.weights",
      biasName: "decoder.dense.bias", multiplierName: "decoder.dense.multiplier",
      shiftName: "decoder.dense.shift", outputScale: { _ in denseAct.scale })
    writer.addInt32("decoder.dense.output_zero_point", shape: [], values: [denseAct.zeroPoint])
    record(
      "decoder.dense", inputScale: latentScale, inputZeroPoint: 0, outputScale: denseAct.scale,
      outputZeroPoint: denseAct.zeroPoint, format: "int8, relu", weights: dw, widened: dWidened,
      clipped: stats.decoderDense.fractionOutside(lo: 0, hi: denseAct.dequantize(denseAct.qmax)))
    decoderActivations.append(denseAct)

    // decoder.expand: per-pixel dense, int8 -> int8 (or 12-bit), linear
    let expandRange = stats.decoderExpand.range(method(for: "decoder.expand"), bits: decoderBits.expand)
    let expandAct = Int8Activation(lo: expandRange.lo, hi: expandRange.hi, bits: decoderBits.expand)
    let (ew, eWidened) = addRows(
      weights: transposed(Self.values(p, vae.expand.kernel), rows: C, columns: E),
      bias: Self.values(p, vae.expand.bias), rows: E, columns: C, weightShape: [E, C],
      inputScale: denseAct.scale, inputMagnitude: Self.int8Input,
      weightsName: "decoder.expand.weights", biasName: "decoder.expand.bias",
      multiplierName: "decoder.expand.multiplier", shiftName: "decoder.expand.shift",
      outputScale: { _ in expandAct.scale })
    writer.addInt32("decoder.expand.output_zero_point", shape: [], values: [expandAct.zeroPoint])
    addOutputBits("decoder.expand", expandAct)
    record(
      "decoder.expand", inputScale: denseAct.scale, inputZeroPoint: denseAct.zeroPoint,
      outputScale: expandAct.scale, outputZeroPoint: expandAct.zeroPoint,
      format: Self.formatName(expandAct, "linear"), weights: ew, widened: eWidened,
      clipped: stats.decoderExpand.fractionOutside(
        lo: expandAct.dequantize(expandAct.qmin), hi: expandAct.dequantize(expandAct.qmax)))
    decoderActivations.append(expandAct)

    // decoder.conv1 ... conv_n (relu), then the pixel conv
    var input = expandAct
    for (k, conv) in vae.decoderConvs.enumerated() {
      let name = "decoder.conv\(k + 1)"
      let (cin, cout) = (conv.inChannels, conv.outChannels)
      let weights = Self.outputMajor(Self.values(p, conv.kernel), in: cin, out: cout)
      let isLast = k == vae.decoderConvs.count - 1
      if isLast {
        let (w, widened) = addRows(
          weights: weights, bias: Self.values(p, conv.bias), rows: cout, columns: 9 * cin,
          weightShape: [cout, 3, 3, cin], inputScale: input.scale,
          inputMagnitude: Int(input.bits.inputMagnitude), weightsName: name + ".weights",
          biasName: name + ".bias")
        let s = input.scale * w.scales[0]
        writer.addInt32(name + ".pixel_thresholds", shape: [255], values: Self.pixelThresholds(step: s))
        record(
          name, inputScale: input.scale, inputZeroPoint: input.zeroPoint, outputScale: 1.0 / 255,
          outputZeroPoint: 0, format: "8-bit pixels by 255 thresholds", weights: w,
          widened: widened, clipped: 0)
        break
      }
      let range = stats.decoderConvs[k].range(method(for: name), bits: decoderBits.convs[k])
      let act = Int8Activation(lo: 0, hi: range.hi, bits: decoderBits.convs[k])
      let (w, widened) = addRows(
        weights: weights, bias: Self.values(p, conv.bias), rows: cout, columns: 9 * cin,
        weightShape: [cout, 3, 3, cin], inputScale: input.scale,
        inputMagnitude: Int(input.bits.inputMagnitude),
        weightsName: name + ".weights", biasName: name + ".bias", multiplierName: name + ".multiplier",
        shiftName: name + ".shift", outputScale: { _ in act.scale })
      writer.addInt32(name + ".output_zero_point", shape: [], values: [act.zeroPoint])
      addOutputBits(name, act)
      record(
        name, inputScale: input.scale, inputZeroPoint: input.zeroPoint, outputScale: act.scale,
        outputZeroPoint: act.zeroPoint, format: Self.formatName(act, "relu"), weights: w, widened: widened,
        clipped: stats.decoderConvs[k].fractionOutside(lo: 0, hi: act.dequantize(act.qmax)))
      decoderActivations.append(act)
      input = act
    }
  }

  /// `<layer>.output_bits` for a 12-bit activation (an 8-bit one has none: the default).
  mutating func addOutputBits(_ layer: String, _ a: Int8Activation) {
    if a.bits.isWide { writer.addInt32(layer + ".output_bits", shape: [], values: [Int32(a.bits.bits)]) }
  }

  /// The report's name of an activation format: "int8, relu", "12-bit, linear".
  static func formatName(_ a: Int8Activation, _ kind: String) -> String {
    (a.bits.isWide ? "12-bit" : "int8") + ", " + kind
  }

  /// A float conv kernel [3, 3, in, out] as rows [out, 3, 3, in].
  static func outputMajor(_ k: [Double], in cin: Int, out cout: Int) -> [Double] {
    var w = [Double](repeating: 0, count: k.count)
    for kr in 0..<3 {
      for kc in 0..<3 {
        for i in 0..<cin {
          for o in 0..<cout {
            w[((o * 3 + kr) * 3 + kc) * cin + i] = k[((kr * 3 + kc) * cin + i) * cout + o]
          }
        }
      }
    }
    return w
  }

  /// t_j = the smallest integer a with 255 · σ(a · s) ≥ j − ½, j = 1 ... 255, so that the
  /// number of thresholds at or below an accumulator is round(255 · σ(acc · s)), ties up.
  ///
  /// ```swift
  /// let t = Int8Conversion.pixelThresholds(step: 0.01)
  /// t[127]   // 0: 255 · σ(0) = 127.5 ≥ 127.5, and 255 · σ(−0.01) < 127.5
  /// ```
  public static func pixelThresholds(step s: Double) -> [Int32] {
    (1...255).map { j in
      let p = (Double(j) - 0.5) / 255
      let x = Foundation.log(p / (1 - p)) / s
      var a = x.rounded(.up)
      // Guard the float rounding of the boundary: step to the exact smallest integer.
      while 255 * logistic((a - 1) * s) >= Double(j) - 0.5 { a -= 1 }
      while 255 * logistic(a * s) < Double(j) - 0.5 { a += 1 }
      return Int32(max(-2_147_483_648, min(2_147_483_647, a)))
    }
  }
}
