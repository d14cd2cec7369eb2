// MARK: - RowWindow

/// A rolling window of an activation's rows inside the arena: `slots` rows of cols + 2 pixels ×
/// channels int8, row y in slot y mod slots, pixel x at padded column x + 1. Columns 0 and cols + 1
/// hold the zero point, so a 3x3 (or 2x2 sub-pixel) tap that falls off the left or right edge adds
/// w · (zx − zx) = 0, exactly the reference's padding, without a branch.
struct RowWindow {
  let base: UnsafeMutablePointer<Int8>
  let slots: Int
  let cols: Int
  let channels: Int
  /// Rows of the whole activation.
  let rows: Int
  let zeroPoint: Int32

  var paddedRowLength: Int { (cols + 2) * channels }

  /// Padded column 0 of row y.
  @inline(__always) func row(_ y: Int) -> UnsafeMutablePointer<Int8> {
    base + (y % slots) * paddedRowLength
  }

  /// Writes the zero point into every padding column (once, at load).
  func fillPadding() {
    let z = Int8(truncatingIfNeeded: zeroPoint)
    for s in 0..<slots {
      let r = base + s * paddedRowLength
      for ch in 0..<channels {
        r[ch] = z
        r[(cols + 1) * channels + ch] = z
      }
    }
  }
}

// MARK: - StreamingDecoder

/// The decoder, row by row, inside the arena (docs/INT8.md for every operation; `StreamingPlan`
/// for the buffers). Rows are pulled: the pixel stage asks conv n for the rows it needs, conv n
/// asks conv n − 1, down to decoder.dense and decoder.expand, which compute one bottleneck row
/// from the latent on demand. Each stage produces its rows in order, so a window of 3 rows
/// (conv1's input) or 2 rows (an upsampled input) always holds what the next row needs.
///
/// A conv after an upsample reads the low-resolution window directly, output row y reading input
/// rows ⌊(y + ky − 1)/2⌋ (and columns the same way), or, when the file carries the exact
/// sub-pixel form, the four 2x2 phase kernels (4/9 of the multiply-accumulates). Both give the
/// reference's integers: accumulation order does not matter in exact 32-bit arithmetic.
///
/// ```swift
/// var d = StreamingDecoder(model: model, plan: plan, arena: arena)
/// d.decode(latent: z) { y, pixels in ... }   // rows 0 ..< frameHeight, top to bottom
/// ```
struct StreamingDecoder {
  /// Scale steps (convs before the pixel conv) this runtime supports; the presets have 3.
  static let maxScaleSteps = 6

  let model: Int8Model
  let denseRow: UnsafeMutablePointer<Int8>
  /// decoder.expand's output, then each conv's output (index i + 1 = conv i + 1).
  let windows: [RowWindow]
  let pixelRow: UnsafeMutablePointer<UInt8>

  init(model: Int8Model, plan: StreamingPlan, arena: UnsafeMutableRawPointer) {
    self.model = model
    let p = model.preset
    let b = p.bottleneckShape
    func pointer(_ i: Int) -> UnsafeMutablePointer<Int8> {
      (arena + plan.buffers[i].offset).assumingMemoryBound(to: Int8.self)
    }
    denseRow = pointer(StreamingPlan.denseRow)
    var windows = [
      RowWindow(
        base: pointer(StreamingPlan.expandRows), slots: StreamingPlan.sameResolutionWindow, cols: b[1],
        channels: p.decoderExpand, rows: b[0], zeroPoint: model.expandZeroPoint)
    ]
    var (rows, cols) = (b[0], b[1])
    for (i, width) in p.decoderChannels.enumerated() {
      windows.append(
        RowWindow(
          base: pointer(StreamingPlan.firstConvRows + i), slots: StreamingPlan.upsampledWindow, cols: cols,
          channels: width, rows: rows, zeroPoint: model.convZeroPoints[i]))
      rows *= 2
      cols *= 2
    }
    self.windows = windows
    pixelRow = (arena + plan.buffers[StreamingPlan.firstConvRows + p.decoderChannels.count].offset)
      .assumingMemoryBound(to: UInt8.self)
  }

  /// Writes every window's padding columns: the frame buffers share memory with the step's
  /// buffers, so this runs before every frame (a few hundred bytes).
  func preparePadding() {
    for w in windows { w.fillPadding() }
  }

  // MARK: - Frame

  /// Decodes one latent (latent format) and hands each pixel row, top to bottom, to `emit`.
  func decode(latent z: UnsafePointer<Int16>, _ emit: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
    preparePadding()
    // produced[s]: rows of stage s computed so far (stage 0 = decoder.expand, s = conv s).
    var produced = InlineArray<7, Int>(repeating: 0)
    let n = windows.count - 1
    let height = model.preset.frameHeight
    let width = model.preset.frameWidth
    for y in 0..<height {
      ensure(stage: n, through: min((y + 1) >> 1, windows[n].rows - 1), latent: z, produced: &produced)
      pixels(row: y)
      emit(y, UnsafeBufferPointer(start: pixelRow, count: width))
    }
  }

  /// Computes rows of stage s until row `last` is in its window.
  func ensure(
    stage s: Int, through last: Int, latent z: UnsafePointer<Int16>, produced: inout InlineArray<7, Int>
  ) {
    while produced[s] <= last {
      let y = produced[s]
      if s == 0 {
        expand(row: y, latent: z)
      } else {
        // conv1 reads rows y − 1 ... y + 1 of decoder.expand; conv s > 1 reads conv s − 1 upsampled.
        let need = s == 1 ? y + 1 : (y + 1) >> 1
        ensure(stage: s - 1, through: min(need, windows[s - 1].rows - 1), latent: z, produced: &produced)
        conv(s, row: y)
      }
      produced[s] = y + 1
    }
  }

  // MARK: - decoder.dense and decoder.expand

  /// Bottleneck row r from the latent (decoder.dense's outputs r·W·C ..< (r + 1)·W·C, relu), then
  /// decoder.expand on each of its pixels into the window.
  func expand(row r: Int, latent z: UnsafePointer<Int16>) {
    let dense = model.decoderDense
    let D = dense.inputs
    let w = windows[0]
    let C = model.expand.inputs
    let first = r * w.cols * C
    let zd = model.decoderDenseZeroPoint
    for j in 0..<(w.cols * C) {
      let o = first + j
      let acc = dense.bias[o] &+ DotProduct.int8(dense.weights.pointer + o * D, int16: z, count: D)
      denseRow[j] = Int8(
        truncatingIfNeeded: dense.requantization.requantize(
          acc, channel: o, zeroPoint: zd, min: max(zd, -128), max: 127))
    }
    let e = model.expand
    let out = w.row(r)
    for x in 0..<w.cols {
      let pixel = UnsafePointer(denseRow + x * C)
      let target = out + (x + 1) * e.outputs
      for o in 0..<e.outputs {
        let (product, weightSum) = DotProduct.int8(e.weights.pointer + o * C, int8: pixel, count: C)
        let acc = e.bias[o] &+ product &- zd &* weightSum
        target[o] = Int8(
          truncatingIfNeeded: e.requantization.requantize(
            acc, channel: o, zeroPoint: w.zeroPoint, min: -128, max: 127))
      }
    }
  }

  // MARK: - Convolutions

  /// Row y of conv s (relu) into window s.
  func conv(_ s: Int, row y: Int) {
    let layer = model.convs[s - 1]
    let requantization = model.convRequantizations[s - 1]
    let output = windows[s]
    let out = output.row(y)
    let zy = output.zeroPoint
    let lo = max(zy, -128)
    let O = layer.outChannels
    for x in 0..<output.cols {
      let target = out + (x + 1) * O
      for o in 0..<O {
        let acc = accumulator(s, o, row: y, col: x, weights: layer)
        target[o] = Int8(
          truncatingIfNeeded: requantization.requantize(acc, channel: o, zeroPoint: zy, min: lo, max: 127))
      }
    }
  }

  /// Pixel row y: the last conv's accumulators mapped by the thresholds.
  func pixels(row y: Int) {
    let n = windows.count - 1
    let thresholds = model.pixelThresholds
    for x in 0..<model.preset.frameWidth {
      pixelRow[x] = thresholds.pixel(accumulator(n + 1, 0, row: y, col: x, weights: model.pixelConv))
    }
  }

  /// The accumulator of output channel o at (y, x) of the conv whose input is window s − 1:
  /// conv1 at the input's resolution, every later conv through a 2x upsample (sub-pixel phases
  /// when the file carries them).
  @inline(__always)
  func accumulator(_ s: Int, _ o: Int, row y: Int, col x: Int, weights layer: Conv3x3Weights) -> Int32 {
    let input = windows[s - 1]
    let C = layer.inChannels
    let zx = input.zeroPoint
    var acc = layer.bias[o]
    if s == 1 {
      // Same resolution: kernel row ky reads padded columns x ... x + 2 (3·C contiguous int8).
      for ky in 0..<3 {
        let yy = y + ky - 1
        if yy < 0 || yy >= input.rows { continue }
        let (product, weightSum) = DotProduct.int8(
          layer.weights.pointer + (o * 3 + ky) * 3 * C, int8: input.row(yy) + x * C, count: 3 * C)
        acc = acc &+ product &- zx &* weightSum
      }
      return acc
    }
    if let phases = model.subPixelPhases[s - 2] {
      // Phase (py, px): tap row ty reads low-resolution row r + py + ty − 1, padded columns
      // c + px ... c + px + 1 (2·C contiguous), with int16 taps.
      let (r, py, c, px) = (y >> 1, y & 1, x >> 1, x & 1)
      let phase = 2 * py + px
      for ty in 0..<2 {
        let yy = r + py + ty - 1
        if yy < 0 || yy >= input.rows { continue }
        let (product, weightSum) = DotProduct.int16(
          phases.weights.pointer + ((phase * layer.outChannels + o) * 2 + ty) * 2 * C,
          int8: input.row(yy) + (c + px) * C, count: 2 * C)
        acc = acc &+ product &- zx &* weightSum
      }
      return acc
    }
    // Upsample by indexing: full-resolution (yy, xx) reads low-resolution (yy >> 1, xx >> 1).
    for ky in 0..<3 {
      let yy = y + ky - 1
      if yy < 0 || yy >= 2 * input.rows { continue }
      let row = input.row(yy >> 1)
      for kx in 0..<3 {
        let column = ((x + kx - 1) >> 1) + 1
        let (product, weightSum) = DotProduct.int8(
          layer.weights.pointer + ((o * 3 + ky) * 3 + kx) * C, int8: row + column * C, count: C)
        acc = acc &+ product &- zx &* weightSum
      }
    }
    return acc
  }
}
