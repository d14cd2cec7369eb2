import Trainer

// MARK: - Bias correction

/// Removes the expected output shift that rounding the weights causes (the empirical bias
/// correction of Nagel et al. 2019), measured on calibration data.
///
/// For a layer with float weights W, int8 weights W_q (dequantised, ΔW = W_q − W) and its
/// float inputs x from the float model on the calibration latents, output channel o is off on
/// average by
/// ```text
/// shift_o = E[W_q x]_o − E[W x]_o = Σ_k ΔW[o, k] · E[x_k]
/// ```
/// k running over the row's inputs: for a 3x3 conv, tap t and input channel i, E[x_k] being
/// the mean of what tap t reads of channel i over every output pixel (zero padding included,
/// after the upsampling the conv reads through; `tapMeans`). The int32 bias becomes
/// round((b_o − shift_o) / (s_in · s_o)), unless that would break the row's accumulator bound.
///
/// Applied to the decoder's layers (dense, expand, conv1 ... the pixel conv). The sequence
/// model keeps its biases: its int16 inputs make its weight rounding the smaller error.
///
/// ```swift
/// var conversion = try Int8Conversion(...)
/// try conversion.correctBiases(reference: ref, latents: calibrationLatents)
/// // a row W = [0.5, 0.3] (s = 0.5/127) is stored as [127, 76], i.e. [0.5, 0.29921]; on inputs
/// // of mean [1, 2]: shift = 0 · 1 + (−0.00079) · 2 = −0.00157, so the bias grows by 0.00157
/// ```
extension Int8Conversion {
  /// At most this many latents (evenly spread over those given) measure the input means.
  public static let biasCorrectionLatents = 64

  public mutating func correctBiases(reference: FloatReference, latents all: [[Double]], batch: Int = 8) {
    let vae = reference.vae
    let n = min(all.count, Self.biasCorrectionLatents)
    guard n > 0 else { return }
    let latents = (0..<n).map { all[$0 * all.count / n] }
    let convs = vae.decoderConvs
    // Per layer: the sum over batches of (input means × batch size).
    var sums = [[Double]](repeating: [], count: 2 + convs.count)
    var start = 0
    while start < n {
      let chunk = Array(latents[start..<min(start + batch, n)])
      let flat = chunk.flatMap { $0 }
      let trace = reference.decode(flat, batch: chunk.count)
      var means = [
        Self.tapMeans(flat, batch: chunk.count, rows: 1, cols: 1, channels: vae.decoderDense.inputs, taps: 1),
        Self.tapMeans(
          trace.dense, batch: chunk.count, rows: vae.expand.rows, cols: vae.expand.cols,
          channels: vae.expand.inChannels, taps: 1),
      ]
      for (k, conv) in convs.enumerated() {
        means.append(
          Self.tapMeans(
            k == 0 ? trace.expand : trace.convs[k - 1], batch: chunk.count, rows: conv.inputRows,
            cols: conv.inputCols, channels: conv.inChannels, taps: 9, upsampled: conv.upsampleInput))
      }
      for (l, m) in means.enumerated() {
        let weighted = m.map { $0 * Double(chunk.count) }
        sums[l] = sums[l].isEmpty ? weighted : zip(sums[l], weighted).map(+)
      }
      start += batch
    }
    let names = ["decoder.dense", "decoder.expand"] + convs.indices.map { "decoder.conv\($0 + 1)" }
    for (name, sum) in zip(names, sums) {
      correctBias(of: name + ".weights", inputMeans: sum.map { $0 / Double(n) })
    }
    writer.metadata["quant.bias_correction"] = "decoder layers, input means over \(n) calibration latents"
  }

  /// Corrects the bias of the layer whose weights are `weightsName`, given the mean of each
  /// of its rows' inputs.
  mutating func correctBias(of weightsName: String, inputMeans m: [Double]) {
    guard var rows = quantizedRows[weightsName], let biasName = rows.biasName else { return }
    let w = rows.weights
    precondition(m.count == w.columns, "one mean per input of a row")
    let dequantized = w.dequantized
    for o in 0..<w.rows {
      var shift = 0.0
      for k in 0..<w.columns {
        shift += (dequantized[o * w.columns + k] - rows.float[o * w.columns + k]) * m[k]
      }
      let b = ((rows.floatBias[o] - shift) / (rows.inputScale * w.scales[o])).rounded()
      let bound = Double(w.absoluteSum(row: o)) * Double(rows.inputMagnitude)
      if abs(b) + bound < 2_147_483_648 { rows.bias[o] = Int32(b) }
    }
    quantizedRows[weightsName] = rows
    writer.remove(biasName)
    writer.addInt32(biasName, shape: [w.rows], values: rows.bias)
  }

  // MARK: - What each tap reads on average

  /// The mean of what each tap of a 3x3 "same" conv (taps: 9, tap t = 3·kr + kc reading the
  /// input at row y + kr − 1, column x + kc − 1, zero outside) or of a per-pixel dense layer
  /// (taps: 1) reads of each channel, over every output pixel: [taps · channels], tap-major as
  /// the int8 rows are. x is [batch, rows, cols, channels]; `upsampled` reads it through nearest
  /// 2x upsampling.
  ///
  /// The sums come from the tensor's total, its edge rows and columns and its corners: a tap
  /// with kr = 0 never reads the last row, kr = 2 never the first, likewise kc and the columns,
  /// and a corner excluded twice is added back once. Upsampling doubles each edge (every edge
  /// pixel appears twice along it) and quadruples the total; the corners stay.
  ///
  /// ```swift
  /// Int8Conversion.tapMeans([1, 2, 3, 4], batch: 1, rows: 2, cols: 2, channels: 1, taps: 9)
  /// // tap (0, 0) reads only 1, at the bottom-right output: 1/4; the centre tap: 10/4
  /// ```
  public static func tapMeans(
    _ x: [Double], batch: Int, rows: Int, cols: Int, channels c: Int, taps: Int,
    upsampled: Bool = false
  ) -> [Double] {
    precondition(x.count == batch * rows * cols * c && (taps == 1 || taps == 9))
    var total = [Double](repeating: 0, count: c)
    // first row, last row, first column, last column; corners: top-left, top-right,
    // bottom-left, bottom-right
    var edges = [[Double]](repeating: total, count: 4)
    var corners = [[Double]](repeating: total, count: 4)
    for n in 0..<batch {
      for y in 0..<rows {
        for col in 0..<cols {
          let base = ((n * rows + y) * cols + col) * c
          for i in 0..<c {
            let v = x[base + i]
            total[i] += v
            if y == 0 { edges[0][i] += v }
            if y == rows - 1 { edges[1][i] += v }
            if col == 0 { edges[2][i] += v }
            if col == cols - 1 { edges[3][i] += v }
            if y == 0 && col == 0 { corners[0][i] += v }
            if y == 0 && col == cols - 1 { corners[1][i] += v }
            if y == rows - 1 && col == 0 { corners[2][i] += v }
            if y == rows - 1 && col == cols - 1 { corners[3][i] += v }
          }
        }
      }
    }
    let f = upsampled ? 2.0 : 1.0
    let pixels = Double(batch * rows * cols) * f * f
    if taps == 1 { return total.map { $0 * f * f / pixels } }
    var means = [Double](repeating: 0, count: 9 * c)
    for kr in 0..<3 {
      for kc in 0..<3 {
        for i in 0..<c {
          var sum = total[i] * f * f
          if kr != 1 { sum -= f * edges[kr == 0 ? 1 : 0][i] }
          if kc != 1 { sum -= f * edges[kc == 0 ? 3 : 2][i] }
          if kr != 1 && kc != 1 { sum += corners[(kr == 0 ? 2 : 0) + (kc == 0 ? 1 : 0)][i] }
          means[(kr * 3 + kc) * c + i] = sum / pixels
        }
      }
    }
    return means
  }
}
