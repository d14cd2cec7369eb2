import Foundation
import Int8Runtime
import Testing

@testable import Quantize

// MARK: - Cross-layer equalisation

@Suite struct CrossLayerEqualizationTests {
  @Test func scalesFollowTheFormula() {
    let s = CrossLayerEqualization.scales(outputRanges: [4, 1, 0], inputRanges: [1, 4, 3])
    #expect(s == [2, 0.5, 1])
  }

  @Test func equalisedDecoderGivesTheSameFrames() throws {
    let reference = try MicroConversion.reference()
    let equalized = try reference.equalized()
    #expect(equalized.vae.parameters.values != reference.vae.parameters.values)
    let n = MicroConversion.latents(3).flatMap { $0 }
    let a = reference.decode(n, batch: 3).logits
    let b = equalized.decode(n, batch: 3).logits
    let largest = a.reduce(0) { max($0, abs($1)) }
    let worst = zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    #expect(largest > 0 && worst <= 1e-5 * largest, "worst \(worst) of \(largest)")
  }

  /// Every pair's channel i: the first layer's output range and the second's input range,
  /// unequal before (the micro weights' channels differ by up to 16x), equal after.
  @Test func equalisedPairsHaveEqualChannelRanges() throws {
    let reference = try MicroConversion.reference()
    func worstRatio(_ r: FloatReference) -> Double {
      let chain = CrossLayerEqualization.decoderChain(r.vae)
      let values = r.vae.parameters.values
      var worst = 1.0
      for (first, second) in zip(chain, chain.dropFirst()) {
        for (r1, r2) in zip(first.ranges(values).outputs, second.ranges(values).inputs) {
          worst = max(worst, r1 / r2, r2 / r1)
        }
      }
      return worst
    }
    #expect(worstRatio(reference) > 2)
    #expect(try worstRatio(reference.equalized()) < 1 + 1e-6)
  }
}

// MARK: - Bias correction

@Suite struct BiasCorrectionTests {
  /// What each tap reads, summed by brute force over a zero-padded (and upsampled) input.
  static func bruteTapMeans(
    _ x: [Double], batch: Int, rows: Int, cols: Int, channels c: Int, upsampled: Bool
  ) -> [Double] {
    let f = upsampled ? 2 : 1
    let (h, w) = (rows * f, cols * f)
    var means = [Double](repeating: 0, count: 9 * c)
    for n in 0..<batch {
      for y in 0..<h {
        for col in 0..<w {
          for kr in 0..<3 {
            for kc in 0..<3 {
              let (sy, sx) = (y + kr - 1, col + kc - 1)
              guard sy >= 0 && sy < h && sx >= 0 && sx < w else { continue }
              for i in 0..<c {
                means[(kr * 3 + kc) * c + i] += x[((n * rows + sy / f) * cols + sx / f) * c + i]
              }
            }
          }
        }
      }
    }
    return means.map { $0 / Double(batch * h * w) }
  }

  @Test func tapMeansMatchBruteForce() {
    var rng = DanceRandom(seed: 4)
    for (rows, cols) in [(3, 4), (1, 2), (2, 1)] {
      let x = (0..<(2 * rows * cols * 3)).map { _ in MicroConversion.uniform(&rng) + 0.5 }
      for upsampled in [false, true] {
        let fast = Int8Conversion.tapMeans(
          x, batch: 2, rows: rows, cols: cols, channels: 3, taps: 9, upsampled: upsampled)
        let brute = Self.bruteTapMeans(x, batch: 2, rows: rows, cols: cols, channels: 3, upsampled: upsampled)
        let worst = zip(fast, brute).reduce(0) { max($0, abs($1.0 - $1.1)) }
        #expect(worst < 1e-12, "\(rows)x\(cols), upsampled \(upsampled): \(worst)")
      }
    }
    let example = Int8Conversion.tapMeans([1, 2, 3, 4], batch: 1, rows: 2, cols: 2, channels: 1, taps: 9)
    #expect(example[0] == 0.25 && example[4] == 2.5)
  }

  /// A layer whose weights all round the same way: row 0 = [1, 0.3, 0.3, 0.3] is stored as
  /// [127, 38, 38, 38] · 1/127 (each 0.3 loses 0.1/127), row 1 = [−2, 0.7, 0.7, 0.7] as
  /// [−127, 44, 44, 44] · 2/127 (each loses 0.9/127). On inputs of mean [0.5, 2, 2, 2] the
  /// outputs are off by 3 · 2 · (−0.1/127) and 3 · 2 · (−0.9/127) on average; corrected, by
  /// less than a tenth of that.
  @Test func correctedBiasRemovesAKnownShift() throws {
    var conversion = try MicroConversion.convert(MicroConversion.reference())
    let w = [1, 0.3, 0.3, 0.3, -2, 0.7, 0.7, 0.7]
    let b = [0.25, -0.5]
    let inputScale = 1.0 / 256
    conversion.addRows(
      weights: w, bias: b, rows: 2, columns: 4, weightShape: [2, 4], inputScale: inputScale,
      inputMagnitude: Int8Conversion.int8Input, weightsName: "test.weights", biasName: "test.bias")
    var rng = DanceRandom(seed: 6)
    let mean = [0.5, 2, 2, 2]
    let inputs = (0..<2000).map { _ in mean.map { $0 + MicroConversion.uniform(&rng) } }
    func meanError(row o: Int) -> Double {
      let rows = conversion.quantizedRows["test.weights"]!
      let q = rows.weights.dequantized
      let bias = Double(rows.bias[o]) * inputScale * rows.weights.scales[o]
      var total = 0.0
      for x in inputs {
        for k in 0..<4 { total += (q[o * 4 + k] - w[o * 4 + k]) * x[k] }
        total += bias - b[o]
      }
      return total / Double(inputs.count)
    }
    let known = [6 * -0.1 / 127, 6 * -0.9 / 127]
    let before = [meanError(row: 0), meanError(row: 1)]
    for o in 0..<2 { #expect(abs(before[o] - known[o]) < 0.05 * abs(known[o]), "row \(o): \(before[o])") }
    let measured = (0..<4).map { k in inputs.reduce(0) { $0 + $1[k] } / Double(inputs.count) }
    conversion.correctBias(of: "test.weights", inputMeans: measured)
    for o in 0..<2 {
      let after = meanError(row: o)
      #expect(abs(after) < 0.1 * abs(before[o]), "row \(o): \(before[o]) -> \(after)")
    }
    let written = conversion.writer.entries.filter { $0.name == "test.bias" }
    #expect(written.count == 1)
    #expect(written.first?.bytes.count == 8)
  }

  @Test func correctingTheDecoderKeepsAValidFileAndMovesBiases() throws {
    let reference = try MicroConversion.reference()
    var conversion = try MicroConversion.convert(reference)
    let before = conversion.quantizedRows.mapValues(\.bias)
    conversion.correctBiases(reference: reference, latents: MicroConversion.data().decoderLatents)
    #expect(try MicroConversion.load(conversion) == MicroConversion.preset)
    let moved = conversion.quantizedRows.filter { before[$0.key] != $0.value.bias }.keys
    #expect(moved.allSatisfy { $0.hasPrefix("decoder.") } && !moved.isEmpty, "\(moved)")
    #expect(conversion.writer.metadata["quant.bias_correction"] != nil)
  }
}
