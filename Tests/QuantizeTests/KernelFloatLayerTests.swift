import Foundation
import Int8Runtime
import TestSupport
import Testing
import Trainer

@testable import Quantize

// MARK: - Each reference kernel against its float layer, within a bound from the scales

/// Small random float layers of Trainer (float64), quantised by the quantizer's scheme
/// (`ChannelWeights`, `RequantizationMultiplier`, `Int8Activation`, `LatentFormat`, the pixel
/// thresholds and gate tables of `Int8Conversion`), run through the Int8Runtime reference
/// kernel; the kernel's dequantised output must lie within a bound derived from the scales:
///
///     |y8 − y| ≤ s_y/2                          output rounding (half a step)
///              + (s_x/2)·Σ|ŵ| + (s_w/2)·Σ|x| + s_x·s_w/2   input, weight, bias rounding
///                                     (`ChannelWeights.linearErrorBound`, propagated exactly)
///              + 2^−31·|y|                       the multiplier's relative rounding
///
/// Output formats are calibrated on the very outputs measured (min/max), so nothing saturates;
/// relu is 1-Lipschitz and leaves the bound as it is. The sigmoid pixels, the LSTM gates and
/// the MDN head derive their own terms below. No bound is tuned to pass: each is the worst
/// case of the rounding the scheme does.
@Suite struct KernelFloatLayerTests {
  /// Uniform values in [−scale, scale].
  static func uniform(_ count: Int, seed: UInt64, scale: Double) -> [Double] {
    GradientCheck.randomVector(count, seed: seed).map { $0 * scale }
  }

  /// Random biases for `slot`, uniform in [−scale, scale] (the layers start them at zero).
  static func randomBias(
    _ p: Parameters<Double>, _ slot: Parameters<Double>.Slot, seed: UInt64, scale: Double
  ) {
    p.values.replaceSubrange(slot.range, with: uniform(slot.range.count, seed: seed, scale: scale))
  }

  /// The activation format calibrated on `values` (min/max, 0 included).
  static func calibrated(_ values: [Double], bits: ActivationBits = .int8) -> Int8Activation {
    Int8Activation(lo: values.min() ?? 0, hi: values.max() ?? 0, bits: bits)
  }

  static func quantize(_ x: [Double], _ a: Int8Activation) -> [Int8] { x.map { Int8(a.quantize($0)) } }

  /// The decoder's activations after decoder.dense: 8- or 12-bit values held in int16.
  static func quantize16(_ x: [Double], _ a: Int8Activation) -> [Int16] { x.map { Int16(a.quantize($0)) } }

  /// The int8 model's latent format, round(v · 2^f) (`LatentFormat` in Evaluation, which this
  /// test target does not link); the values here stay far inside int16.
  static func latentFormat(_ x: [Double], fractionBits f: Int) -> [Int16] {
    x.map { Int16(($0 * Double(1 << f)).rounded()) }
  }

  // MARK: - Dense

  /// A float Dense layer with random bias, its linear outputs on `batch` random inputs, and its
  /// weights quantised per output row ([out, in], the file's order).
  struct DenseCase {
    let n: Int, m: Int, batch: Int
    let p = Parameters<Double>()
    let x: [Double]
    let y: [Double]
    let q: ChannelWeights
    let bias: [Double]

    /// Inputs uniform in [−inputScale, inputScale], through `inputShape` (e.g. a relu).
    init(
      inputs n: Int, outputs m: Int, batch: Int, seed: UInt64, inputScale: Double, biasScale: Double,
      inputShape: (Double) -> Double = { $0 }
    ) {
      (self.n, self.m, self.batch) = (n, m, batch)
      var rng = DanceRandom(seed: seed)
      let fc = Dense("fc", inputs: n, outputs: m, in: p, rng: &rng)
      KernelFloatLayerTests.randomBias(p, fc.bias, seed: seed + 1, scale: biasScale)
      x = KernelFloatLayerTests.uniform(batch * n, seed: seed + 2, scale: inputScale).map(inputShape)
      y = fc.forward(x, batch: batch, p)
      q = ChannelWeights(
        rows: m, columns: n, values: transposed(Array(p.values[fc.kernel.range]), rows: n, columns: m))
      bias = Array(p.values[fc.bias.range])
    }

    func input(_ b: Int) -> [Double] { Array(x[(b * n)..<((b + 1) * n)]) }
  }

  /// decoder.dense: the latent (int16, 2^−f) -> int8, relu.
  @Test func denseLatentToInt8() throws {
    let k = DenseCase(inputs: 6, outputs: 10, batch: 8, seed: 1, inputScale: 3, biasScale: 0.3)
    let f = 12
    let y = Activation.relu.forward(k.y)
    let out = Self.calibrated(y)
    let sx = Foundation.pow(2, -Double(f))
    let t = QuantizedLayerTensors()
    t.addRows("fc", weights: k.q, bias: k.bias, inputScale: sx, outputScale: { _ in out.scale })
    try t.open()
    let layer = t.dense("fc", inputs: k.n, outputs: k.m)
    withExtendedLifetime(t) {
      for b in 0..<k.batch {
        var y8 = [Int8](repeating: 0, count: k.m)
        Self.latentFormat(k.input(b), fractionBits: f).withUnsafeBufferPointer { xq in
          y8.withUnsafeMutableBufferPointer {
            DenseKernel.run(layer, input: xq, output: $0, outputZeroPoint: out.zeroPoint, relu: true)
          }
        }
        for o in 0..<k.m {
          let real = y[b * k.m + o]
          let bound = k.q.outputErrorBound(
            row: o, inputs: k.input(b), inputStep: sx, outputStep: out.scale, real: real)
          let got = out.dequantize(Int32(y8[o]))
          #expect(abs(got - real) <= bound, "example \(b) output \(o): \(got) vs \(real), bound \(bound)")
        }
      }
    }
  }

  /// sequence.dense: h (int16 Q15) -> int16 symmetric, relu.
  @Test func denseQ15ToInt16() throws {
    let k = DenseCase(inputs: 12, outputs: 7, batch: 8, seed: 4, inputScale: 0.99, biasScale: 0.2)
    let y = Activation.relu.forward(k.y)
    let sy = (y.max() ?? 1) / 32767
    let sx = 1.0 / 32768
    let t = QuantizedLayerTensors()
    t.addRows("fc", weights: k.q, bias: k.bias, inputScale: sx, outputScale: { _ in sy })
    try t.open()
    let layer = t.dense("fc", inputs: k.n, outputs: k.m)
    withExtendedLifetime(t) {
      for b in 0..<k.batch {
        var y16 = [Int16](repeating: 0, count: k.m)
        k.input(b).map { Int16(($0 * 32768).rounded()) }.withUnsafeBufferPointer { xq in
          y16.withUnsafeMutableBufferPointer { DenseKernel.run(layer, input: xq, output: $0, relu: true) }
        }
        for o in 0..<k.m {
          let real = y[b * k.m + o]
          let bound = k.q.outputErrorBound(
            row: o, inputs: k.input(b), inputStep: sx, outputStep: sy, real: real)
          let got = Double(y16[o]) * sy
          #expect(abs(got - real) <= bound, "example \(b) output \(o): \(got) vs \(real), bound \(bound)")
        }
      }
    }
  }

  // MARK: - Per-pixel dense

  /// decoder.expand: int8 -> int8 on every pixel, linear.
  @Test func perPixelDense() throws {
    let (rows, cols, cin, cout) = (4, 3, 3, 5)
    let pixels = rows * cols
    let p = Parameters<Double>()
    var rng = DanceRandom(seed: 7)
    let expand = PerPixelDense(
      "e", rows: rows, cols: cols, inChannels: cin, outChannels: cout, in: p, rng: &rng)
    Self.randomBias(p, expand.bias, seed: 8, scale: 0.2)
    let x = Self.uniform(pixels * cin, seed: 9, scale: 1).map { max($0, 0) * 2 }  // a relu output
    let y = expand.forward(x, batch: 1, p)
    let (input, out) = (Self.calibrated(x), Self.calibrated(y))
    let q = ChannelWeights(
      rows: cout, columns: cin,
      values: transposed(Array(p.values[expand.kernel.range]), rows: cin, columns: cout))
    let t = QuantizedLayerTensors()
    t.addRows(
      "e", weights: q, bias: Array(p.values[expand.bias.range]), inputScale: input.scale,
      outputScale: { _ in out.scale })
    try t.open()
    var y8 = [Int16](repeating: 0, count: pixels * cout)
    withExtendedLifetime(t) {
      Self.quantize(x, input).withUnsafeBufferPointer { xq in
        y8.withUnsafeMutableBufferPointer {
          PerPixelDenseKernel.run(
            t.dense("e", inputs: cin, outputs: cout), input: xq, inputZeroPoint: input.zeroPoint,
            output: $0, outputZeroPoint: out.zeroPoint, relu: false)
        }
      }
    }
    for px in 0..<pixels {
      for o in 0..<cout {
        let real = y[px * cout + o]
        let bound = q.outputErrorBound(
          row: o, inputs: Array(x[(px * cin)..<((px + 1) * cin)]), inputStep: input.scale,
          outputStep: out.scale, real: real)
        let got = out.dequantize(Int32(y8[px * cout + o]))
        #expect(abs(got - real) <= bound, "pixel \(px) channel \(o): \(got) vs \(real), bound \(bound)")
      }
    }
  }

  // MARK: - 3x3 convolutions

  /// A float conv (relu or sigmoid), its int8 rows [out, 3, 3, in] and its input.
  struct ConvCase {
    let rows = 5, cols = 4, cin = 3
    let cout: Int
    let conv: Conv3x3<Double>
    let p = Parameters<Double>()
    let x: [Double]
    let y: [Double]
    let q: ChannelWeights
    let bias: [Double]

    init(outChannels: Int, activation: Activation, seed: UInt64) {
      cout = outChannels
      var rng = DanceRandom(seed: seed)
      conv = Conv3x3(
        "c", rows: rows, cols: cols, inChannels: cin, outChannels: cout, activation: activation, in: p,
        rng: &rng)
      KernelFloatLayerTests.randomBias(p, conv.bias, seed: seed + 1, scale: 0.2)
      x = KernelFloatLayerTests.uniform(rows * cols * cin, seed: seed + 2, scale: 1).map { max($0, 0) * 3 }
      y = conv.forward(x, batch: 1, p)
      q = ChannelWeights(
        rows: cout, columns: 9 * cin,
        values: Int8Conversion.outputMajor(Array(p.values[conv.kernel.range]), in: cin, out: cout))
      bias = Array(p.values[conv.bias.range])
    }

    /// The 9·in inputs output (r, c) multiplies, in the rows' [3, 3, in] order (0 outside).
    func patch(_ r: Int, _ c: Int) -> [Double] {
      var out: [Double] = []
      for kr in 0..<3 {
        for kc in 0..<3 {
          let (rr, cc) = (r + kr - 1, c + kc - 1)
          let inside = rr >= 0 && rr < rows && cc >= 0 && cc < cols
          for i in 0..<cin { out.append(inside ? x[(rr * cols + cc) * cin + i] : 0) }
        }
      }
      return out
    }

    /// The linear error bound of output channel o at (r, c); padding is exact (x − zx = 0).
    func linearBound(_ r: Int, _ c: Int, _ o: Int, inputStep sx: Double) -> Double {
      q.linearErrorBound(row: o, inputs: patch(r, c), inputStep: sx)
    }
  }

  /// decoder.conv_k: int8 -> int8, relu; and 12-bit -> 12-bit, whose bound (from the input and
  /// output steps) is 16 times tighter.
  @Test(arguments: [ActivationBits.int8, .wide]) func conv3x3(bits: ActivationBits) throws {
    let k = ConvCase(outChannels: 4, activation: .relu, seed: 10)
    let (input, out) = (Self.calibrated(k.x, bits: bits), Self.calibrated(k.y, bits: bits))
    let t = QuantizedLayerTensors()
    t.addRows("c", weights: k.q, bias: k.bias, inputScale: input.scale, outputScale: { _ in out.scale })
    try t.open()
    var y8 = [Int16](repeating: 0, count: k.y.count)
    withExtendedLifetime(t) {
      Self.quantize16(k.x, input).withUnsafeBufferPointer { xq in
        y8.withUnsafeMutableBufferPointer {
          Conv3x3Kernel.run(
            t.conv("c", inChannels: k.cin, outChannels: k.cout), requantization: t.requantization("c"),
            input: xq, rows: k.rows, cols: k.cols, inputZeroPoint: input.zeroPoint, output: $0,
            outputZeroPoint: out.zeroPoint, outputBits: bits, relu: true)
        }
      }
    }
    for r in 0..<k.rows {
      for c in 0..<k.cols {
        for o in 0..<k.cout {
          let i = (r * k.cols + c) * k.cout + o
          let bound = k.q.outputErrorBound(
            row: o, inputs: k.patch(r, c), inputStep: input.scale, outputStep: out.scale, real: k.y[i])
          let got = out.dequantize(Int32(y8[i]))
          #expect(abs(got - k.y[i]) <= bound, "(\(r), \(c), \(o)): \(got) vs \(k.y[i]), bound \(bound)")
        }
      }
    }
  }

  /// The last conv with its sigmoid, straight to pixels by the quantizer's thresholds:
  /// pixel = round(255·σ(acc·s)) and σ' ≤ ¼, so |pixel − 255·σ(y)| ≤ ½ + 255·¼·(linear bound).
  @Test func pixelConv() throws {
    let k = ConvCase(outChannels: 1, activation: .sigmoid, seed: 20)
    let input = Self.calibrated(k.x)
    let t = QuantizedLayerTensors()
    t.addRows("c", weights: k.q, bias: k.bias, inputScale: input.scale, outputScale: nil)
    t.writer.addInt32(
      "c.pixel_thresholds", shape: [255],
      values: Int8Conversion.pixelThresholds(step: input.scale * k.q.scales[0]))
    try t.open()
    var pixels = [UInt8](repeating: 0, count: k.rows * k.cols)
    withExtendedLifetime(t) {
      Self.quantize16(k.x, input).withUnsafeBufferPointer { xq in
        pixels.withUnsafeMutableBufferPointer {
          PixelConvKernel.run(
            t.conv("c", inChannels: k.cin, outChannels: 1),
            thresholds: PixelThresholds(t.int32("c.pixel_thresholds")), input: xq, rows: k.rows,
            cols: k.cols, inputZeroPoint: input.zeroPoint, output: $0)
        }
      }
    }
    for r in 0..<k.rows {
      for c in 0..<k.cols {
        let real = 255 * k.y[r * k.cols + c]
        let bound = 0.5 + 255 / 4 * k.linearBound(r, c, 0, inputStep: input.scale)
        let got = Double(pixels[r * k.cols + c])
        #expect(abs(got - real) <= bound, "(\(r), \(c)): \(got) vs \(real), bound \(bound)")
      }
    }
  }

  // MARK: - Upsampling

  /// Nearest 2x: the kernel copies int8 values, so its output is the float layer's output on
  /// the dequantised input exactly, and within half an input step of the float layer on x.
  @Test func upsample2() {
    let (rows, cols, ch) = (3, 4, 2)
    let x = Self.uniform(rows * cols * ch, seed: 30, scale: 2)
    let a = Self.calibrated(x)
    let up = Upsample2(rows: rows, cols: cols, channels: ch)
    let y = up.forward(x, batch: 1)
    let xq = Self.quantize16(x, a)
    let exact = up.forward(xq.map { a.dequantize(Int32($0)) }, batch: 1)
    var y8 = [Int16](repeating: 0, count: 4 * x.count)
    xq.withUnsafeBufferPointer { i in
      y8.withUnsafeMutableBufferPointer {
        Upsample2Kernel.run(input: i, rows: rows, cols: cols, channels: ch, output: $0)
      }
    }
    let got = y8.map { a.dequantize(Int32($0)) }
    #expect(got == exact)
    #expect(zip(got, y).allSatisfy { abs($0 - $1) <= a.scale / 2 })
  }
}
