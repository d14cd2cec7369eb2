// MARK: - RowWindow

/// A rolling window of an activation's rows inside the arena: `slots` rows of cols + 2 pixels ×
/// channels values (bytes for an 8-bit activation, int16 for a 12-bit one), row y in slot
/// y mod slots, pixel x at padded column x + 1. The padding columns make a 3x3 (or 2x2 sub-pixel)
/// tap that falls off the left or right edge add nothing, exactly the reference's padding,
/// without a branch: they hold the zero point of a signed window (w · (zx − zx) = 0) and 0 in an
/// unsigned window (relu outputs kept as u = x − zy).
struct RowWindow {
  let base: UnsafeMutableRawPointer
  let slots: Int
  let cols: Int
  let channels: Int
  /// Rows of the whole activation.
  let rows: Int
  /// The value in every padding column.
  let padding: Int16
  let bits: ActivationBits

  /// Bytes of one padded row.
  var paddedRowLength: Int { (cols + 2) * channels * bits.bytes }

  /// Pixel 0 of row y (padded column 1), whatever the element.
  @inline(__always) func firstPixel(_ y: Int) -> UnsafeMutableRawPointer {
    row(y) + channels * bits.bytes
  }

  /// Pixel x's first value in row y, as bytes (8-bit) ...
  @inline(__always) func bytes(_ y: Int, pixel x: Int) -> UnsafeMutablePointer<UInt8> {
    (row(y) + (x + 1) * channels).assumingMemoryBound(to: UInt8.self)
  }

  /// ... or as int16 (12-bit).
  @inline(__always) func wide(_ y: Int, pixel x: Int) -> UnsafeMutablePointer<Int16> {
    (row(y) + 2 * (x + 1) * channels).assumingMemoryBound(to: Int16.self)
  }

  /// Padded column 0 of row y (any y; only rows in the window may be read).
  @inline(__always) func row(_ y: Int) -> UnsafeMutableRawPointer {
    base + (y & Int.max) % slots * paddedRowLength
  }

  /// Writes every padding column.
  func fillPadding() {
    for s in 0..<slots {
      let r = base + s * paddedRowLength
      if bits.isWide {
        r.initializeMemory(as: Int16.self, repeating: padding, count: channels)
        (r + 2 * (cols + 1) * channels).initializeMemory(as: Int16.self, repeating: padding, count: channels)
      } else {
        let byte = UInt8(truncatingIfNeeded: padding)
        r.initializeMemory(as: UInt8.self, repeating: byte, count: channels)
        (r + (cols + 1) * channels).initializeMemory(as: UInt8.self, repeating: byte, count: channels)
      }
    }
  }
}

// MARK: - ConvStage

/// One 3x3 conv of the decoder as the streaming kernels read it: typed pointers into the file.
struct ConvStage {
  let inChannels: Int
  let outChannels: Int
  let weights: UnsafePointer<Int8>
  /// The sub-pixel form [4, 2·in, out, 2], when the file carries it (convs after an upsample).
  let phases: UnsafePointer<Int16>?
  let requantization: RowRequantization?
  let bias: UnsafePointer<Int32>
  /// Relu outputs are stored as u = x − zy in 0 ... hi − zy (hi: 127, or 2047 for 12 bits).
  let outputCeiling: Int32
}

// MARK: - Accumulator stores

/// Where a conv row's finished accumulators go (a generic parameter rather than a closure, so
/// that even an unoptimised build allocates no closure context per row).
protocol AccumulatorStore {
  func callAsFunction(_ x: Int, _ o: Int, _ acc: Int32)
  /// All `count` channels of output pixel x at once.
  func pixel(_ x: Int, _ sums: UnsafePointer<Int32>, count: Int)
}

extension AccumulatorStore {
  func pixel(_ x: Int, _ sums: UnsafePointer<Int32>, count: Int) {
    for o in 0..<count { self(x, o, sums[o]) }
  }
}

/// A relu conv's outputs into its window row, as u = clamp(scaled, 0, hi − zy): bytes for an
/// 8-bit activation (hi 127), int16 for a 12-bit one (hi 2047). One store type for both widths,
/// branching per pixel (per value on the 3x3 paths), so the conv rows are compiled once per
/// input element, not once per input and output pair: 5 KB less firmware code, for 2 % more
/// instructions on tiny's 3x3 rows (firmware-sim/README.md).
struct ReluRowStore: AccumulatorStore {
  /// Pixel 0 of the row.
  let out: UnsafeMutableRawPointer
  let wide: Bool
  let channels: Int
  let requantization: RowRequantization
  let ceiling: Int32

  @inline(__always) func callAsFunction(_ x: Int, _ o: Int, _ acc: Int32) {
    let u = requantization(acc, o, zeroPoint: 0, min: 0, max: ceiling)
    if wide {
      out.assumingMemoryBound(to: Int16.self)[x * channels + o] = Int16(truncatingIfNeeded: u)
    } else {
      out.assumingMemoryBound(to: UInt8.self)[x * channels + o] = UInt8(truncatingIfNeeded: u)
    }
  }

  /// One loop over the channels, which the optimiser vectorises (64-bit products and shifts).
  @inline(__always) func pixel(_ x: Int, _ sums: UnsafePointer<Int32>, count: Int) {
    if wide {
      let target = out.assumingMemoryBound(to: Int16.self) + x * channels
      for o in 0..<count {
        target[o] = Int16(truncatingIfNeeded: requantization(sums[o], o, zeroPoint: 0, min: 0, max: ceiling))
      }
    } else {
      let target = out.assumingMemoryBound(to: UInt8.self) + x * channels
      for o in 0..<count {
        target[o] = UInt8(truncatingIfNeeded: requantization(sums[o], o, zeroPoint: 0, min: 0, max: ceiling))
      }
    }
  }
}

/// The pixel conv's accumulators through the thresholds into the pixel row.
struct PixelRowStore: AccumulatorStore {
  let out: UnsafeMutablePointer<UInt8>
  let thresholds: PixelThresholds

  @inline(__always) func callAsFunction(_ x: Int, _ o: Int, _ acc: Int32) { out[x] = thresholds.pixel(acc) }
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
/// sub-pixel form, the four 2x2 phase kernels (4/9 of the multiply-accumulates). Relu outputs
/// (decoder.dense, every conv) are kept as u = x − zy, so the next layer's sum needs no zero
/// point; only conv1 reads a signed window (decoder.expand has no relu) and sums w · (x − zx).
/// A 12-bit activation's window holds int16 instead of bytes (`WindowElement`), the same sums.
/// All of it gives the reference's integers: accumulation order does not matter in exact 32-bit
/// arithmetic, and clamp(s + zy, zy, hi) − zy = clamp(s, 0, hi − zy) (hi: 127, or 2047).
///
/// ```swift
/// let d = StreamingDecoder(model: model, plan: plan, arena: arena)
/// d.decode(latent: z) { y, pixels in ... }   // rows 0 ..< frameHeight, top to bottom
/// ```
struct StreamingDecoder {
  /// Scale steps (convs before the pixel conv) this runtime supports; the presets have 3.
  static let maxScaleSteps = 6

  let model: Int8Model
  let denseRow: UnsafeMutablePointer<UInt8>
  /// decoder.expand's output (int8), then each conv's output (unsigned), index s = conv s.
  let windows: [RowWindow]
  /// conv1 ... conv n, then the pixel conv (index s − 1 = conv s).
  let stages: [ConvStage]
  let pixelRow: UnsafeMutablePointer<UInt8>
  /// One output pixel's sub-pixel inputs, widened: tap row 0 then tap row 1, 2·C each.
  let phaseTaps: UnsafeMutablePointer<Int16>
  /// One output pixel's accumulators (bias included), requantised together.
  let pixelSums: UnsafeMutablePointer<Int32>

  init(model: Int8Model, plan: StreamingPlan, arena: UnsafeMutableRawPointer) {
    self.model = model
    let p = model.preset
    let b = p.bottleneckShape
    denseRow = (arena + plan.buffers[StreamingPlan.denseRow].offset).assumingMemoryBound(to: UInt8.self)
    let bits = model.decoderBits
    var windows = [
      RowWindow(
        base: arena + plan.buffers[StreamingPlan.expandRows].offset,
        slots: StreamingPlan.sameResolutionWindow,
        cols: b[1], channels: p.decoderExpand, rows: b[0],
        padding: Int16(truncatingIfNeeded: model.expandZeroPoint), bits: bits.expand)
    ]
    var (rows, cols) = (b[0], b[1])
    var stages: [ConvStage] = []
    for (i, width) in p.decoderChannels.enumerated() {
      windows.append(
        RowWindow(
          base: arena + plan.buffers[StreamingPlan.firstConvRows + i].offset,
          slots: StreamingPlan.upsampledWindow,
          cols: cols, channels: width, rows: rows, padding: 0, bits: bits.convs[i]))
      let conv = model.convs[i]
      stages.append(
        ConvStage(
          inChannels: conv.inChannels, outChannels: conv.outChannels, weights: conv.weights.pointer,
          phases: i == 0 ? nil : model.subPixelPhases[i - 1]?.weights.pointer,
          requantization: RowRequantization(bias: conv.bias, model.convRequantizations[i]),
          bias: conv.bias.pointer,
          outputCeiling: bits.convs[i].hi - model.convZeroPoints[i]))
      rows *= 2
      cols *= 2
    }
    let last = model.pixelConv
    stages.append(
      ConvStage(
        inChannels: last.inChannels, outChannels: 1, weights: last.weights.pointer,
        phases: model.subPixelPhases[p.decoderChannels.count - 1]?.weights.pointer, requantization: nil,
        bias: last.bias.pointer, outputCeiling: 0))
    self.windows = windows
    self.stages = stages
    pixelRow = (arena + plan.buffers[StreamingPlan.pixelRow(p)].offset).assumingMemoryBound(to: UInt8.self)
    phaseTaps = (arena + plan.buffers[StreamingPlan.phaseTaps(p)].offset).assumingMemoryBound(to: Int16.self)
    pixelSums = (arena + plan.buffers[StreamingPlan.pixelSums(p)].offset).assumingMemoryBound(to: Int32.self)
  }

  // MARK: - Frame

  /// Decodes one latent (latent format) and hands each pixel row, top to bottom, to `emit`.
  func decode(latent z: UnsafePointer<Int16>, _ emit: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
    // The frame buffers share memory with the step's buffers: pad afresh (a few hundred bytes).
    for s in 0..<windows.count { windows[s].fillPadding() }
    // produced[s]: rows of stage s computed so far (stage 0 = decoder.expand, s = conv s).
    var produced = InlineArray<7, Int>(repeating: 0)
    let n = windows.count - 1
    let width = model.preset.frameWidth
    let thresholds = model.pixelThresholds
    for y in 0..<model.preset.frameHeight {
      ensure(stage: n, through: min((y + 1) >> 1, windows[n].rows - 1), latent: z, produced: &produced)
      let store = PixelRowStore(out: pixelRow, thresholds: thresholds)
      if windows[n].bits.isWide {
        upsampledConvRow(WideWindow.self, stages[n], input: windows[n], row: y, cols: width, store)
      } else {
        upsampledConvRow(ByteWindow.self, stages[n], input: windows[n], row: y, cols: width, store)
      }
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
        convRow(s, row: y)
      }
      produced[s] = y + 1
    }
  }

  // MARK: - decoder.dense and decoder.expand

  /// Bottleneck row r from the latent (decoder.dense's outputs r·W·C ..< (r + 1)·W·C, relu, kept
  /// as u = x − zd), then decoder.expand on each of its pixels into window 0 (int8, no relu).
  func expand(row r: Int, latent z: UnsafePointer<Int16>) {
    let dense = model.decoderDense
    let D = dense.inputs
    let dq = RowRequantization(bias: dense.bias, dense.requantization)
    let denseWeights = dense.weights.pointer
    let window = windows[0]
    let C = model.expand.inputs
    let first = r * window.cols * C
    let ceiling = 127 - model.decoderDenseZeroPoint
    for j in 0..<(window.cols * C) {
      let o = first + j
      let acc = dq.bias[o] &+ DotProduct.int8(denseWeights + o * D, int16: z, count: D)
      denseRow[j] = UInt8(truncatingIfNeeded: dq(acc, o, zeroPoint: 0, min: 0, max: ceiling))
    }
    let e = model.expand
    let eq = RowRequantization(bias: e.bias, e.requantization)
    let expandWeights = e.weights.pointer
    let ze = model.expandZeroPoint
    let (lo, hi) = (window.bits.lo, window.bits.hi)
    for x in 0..<window.cols {
      let pixel = UnsafePointer(denseRow + x * C)
      if window.bits.isWide {
        let target = window.wide(r, pixel: x)
        for o in 0..<e.outputs {
          let acc = eq.bias[o] &+ DotProduct.int8(expandWeights + o * C, uint8: pixel, count: C)
          target[o] = Int16(truncatingIfNeeded: eq(acc, o, zeroPoint: ze, min: lo, max: hi))
        }
      } else {
        let target = UnsafeMutableRawPointer(window.bytes(r, pixel: x)).assumingMemoryBound(to: Int8.self)
        for o in 0..<e.outputs {
          let acc = eq.bias[o] &+ DotProduct.int8(expandWeights + o * C, uint8: pixel, count: C)
          target[o] = Int8(truncatingIfNeeded: eq(acc, o, zeroPoint: ze, min: lo, max: hi))
        }
      }
    }
  }

  // MARK: - Convolutions

  /// Row y of conv s (relu) into window s, kept as u = x − zy (bytes, or int16 for 12 bits).
  func convRow(_ s: Int, row y: Int) {
    let stage = stages[s - 1]
    let output = windows[s]
    let O = stage.outChannels
    let ceiling = stage.outputCeiling
    guard let rq = stage.requantization else { preconditionFailure("conv stages requantise") }
    let store = ReluRowStore(
      out: output.firstPixel(y), wide: output.bits.isWide, channels: O, requantization: rq, ceiling: ceiling)
    convRow(s, row: y, cols: output.cols, store)
  }

  /// The input window's element chosen once per row, so the inner loops carry no branch on it.
  @inline(__always)
  func convRow(_ s: Int, row y: Int, cols: Int, _ store: some AccumulatorStore) {
    let input = windows[s - 1]
    switch (s == 1, input.bits.isWide) {
    case (true, true):
      sameResolutionConvRow(
        WideWindow.self, stages[0], input: input, zeroPoint: model.expandZeroPoint, row: y, store)
    case (true, false):
      sameResolutionConvRow(
        ByteWindow.self, stages[0], input: input, zeroPoint: model.expandZeroPoint, row: y, store)
    case (false, true):
      upsampledConvRow(WideWindow.self, stages[s - 1], input: input, row: y, cols: cols, store)
    case (false, false):
      upsampledConvRow(ByteWindow.self, stages[s - 1], input: input, row: y, cols: cols, store)
    }
  }

  /// conv1: the input's resolution, a signed input (8- or 12-bit, `E`) with zero point zx. Kernel
  /// row ky reads padded columns x ... x + 2, 3·C contiguous values: acc = bias + Σ_ky Σ w·(x − zx).
  @inline(__always)
  func sameResolutionConvRow<E: WindowElement>(
    _ element: E.Type, _ stage: ConvStage, input: RowWindow, zeroPoint zx: Int32, row y: Int,
    _ store: some AccumulatorStore
  ) {
    let C = stage.inChannels
    let span = 3 * C
    let first = max(0, 1 - y)
    let end = min(3, input.rows - y + 1)
    let pixelBytes = C * E.size
    let rows = (input.row(y - 1), input.row(y), input.row(y + 1))
    for x in 0..<input.cols {
      for o in 0..<stage.outChannels {
        var acc = stage.bias[o]
        for ky in first..<end {
          let row = UnsafeRawPointer(ky == 0 ? rows.0 : (ky == 1 ? rows.1 : rows.2)) + x * pixelBytes
          acc &+= E.signedRow(stage.weights + (o * 3 + ky) * span, row, zeroPoint: zx, count: span)
        }
        store(x, o, acc)
      }
    }
  }

  /// A conv after a 2x upsample, full-resolution output row y from the unsigned low-resolution
  /// window (`E`: bytes, or int16 for 12 bits): through the sub-pixel phases when the stage has
  /// them, else by indexing.
  @inline(__always)
  func upsampledConvRow<E: WindowElement>(
    _ element: E.Type, _ stage: ConvStage, input: RowWindow, row y: Int, cols: Int,
    _ store: some AccumulatorStore
  ) {
    let C = stage.inChannels
    let O = stage.outChannels
    let pixelBytes = C * E.size
    if let phases = stage.phases {
      // Phase (py, px): tap row ty reads low-resolution row r + py + ty − 1, padded columns
      // c + px ... c + px + 1 (2·C contiguous values), with int16 taps; a tap row outside the
      // image adds nothing.
      let (r, py) = (y >> 1, y & 1)
      let inside = (r + py - 1 >= 0, r + py < input.rows)
      let span = 2 * C
      let rows = (UnsafeRawPointer(input.row(r + py - 1)), UnsafeRawPointer(input.row(r + py)))
      for x in 0..<cols {
        let (c, px) = (x >> 1, x & 1)
        let phase = 2 * py + px
        let (top, bottom) = (rows.0 + (c + px) * pixelBytes, rows.1 + (c + px) * pixelBytes)
        let w = phases + phase * O * 4 * C
        if O == 1 {
          // The pixel conv: one output channel reads the window directly.
          var acc = stage.bias[0]
          switch inside {
          case (true, true): acc &+= E.phaseRows(w, top, w + span, bottom, count: span)
          case (true, false): acc &+= E.phaseRow(w, top, count: span)
          case (false, true): acc &+= E.phaseRow(w + span, bottom, count: span)
          case (false, false): break
          }
          store(x, 0, acc)
          continue
        }
        // The four pixels as int16 once (a row outside the image as zeros), then every output
        // channel's sum reads them in pairs (`PhaseSums`).
        E.taps(top, inside: inside.0, into: phaseTaps, count: span)
        E.taps(bottom, inside: inside.1, into: phaseTaps + span, count: span)
        PhaseSums.run(w, taps: phaseTaps, bias: stage.bias, pairs: span, outputs: O, into: pixelSums)
        store.pixel(x, pixelSums, count: O)
      }
      return
    }
    // Upsample by indexing: full-resolution (yy, xx) reads low-resolution (yy >> 1, xx >> 1);
    // kernel row ky is valid while 0 ≤ y + ky − 1 < 2·rows.
    let first = max(0, 1 - y)
    let end = min(3, 2 * input.rows - y + 1)
    let rows = (
      UnsafeRawPointer(input.row((y - 1) >> 1)), UnsafeRawPointer(input.row(y >> 1)),
      UnsafeRawPointer(input.row((y + 1) >> 1))
    )
    for x in 0..<cols {
      // Padded columns ((x − 1) >> 1) + 1, (x >> 1) + 1, ((x + 1) >> 1) + 1.
      let c0 = (((x - 1) >> 1) + 1) * pixelBytes
      let c1 = ((x >> 1) + 1) * pixelBytes
      let c2 = (((x + 1) >> 1) + 1) * pixelBytes
      for o in 0..<O {
        var acc = stage.bias[o]
        for ky in first..<end {
          let row = ky == 0 ? rows.0 : (ky == 1 ? rows.1 : rows.2)
          acc &+= E.upsampledRow(stage.weights + (o * 3 + ky) * 3 * C, row + c0, row + c1, row + c2, count: C)
        }
        store(x, o, acc)
      }
    }
  }
}

// MARK: - Window elements

/// How the conv kernels read a window's values: bytes (8-bit activations, `ByteWindow`) or int16
/// (12-bit, `WideWindow`). A generic parameter, chosen once per row, so that each inner loop is
/// the plain `DotProduct` loop for its element.
protocol WindowElement {
  /// Bytes per value.
  static var size: Int { get }
  /// Σ w[i] · (x[i] − zx) over `count` signed values (conv1 reading decoder.expand).
  static func signedRow(_ w: UnsafePointer<Int8>, _ x: UnsafeRawPointer, zeroPoint zx: Int32, count: Int)
    -> Int32
  /// An upsampled 3x3 kernel row: the three column taps' weights in a row, three unsigned pixels.
  static func upsampledRow(
    _ w: UnsafePointer<Int8>, _ u0: UnsafeRawPointer, _ u1: UnsafeRawPointer, _ u2: UnsafeRawPointer,
    count: Int
  ) -> Int32
  /// Σ w[i] · u[i], int16 phase weights by unsigned pixels (the pixel conv's one tap row) ...
  static func phaseRow(_ w: UnsafePointer<Int16>, _ u: UnsafeRawPointer, count: Int) -> Int32
  /// ... and its two tap rows in one loop.
  static func phaseRows(
    _ w0: UnsafePointer<Int16>, _ u0: UnsafeRawPointer, _ w1: UnsafePointer<Int16>, _ u1: UnsafeRawPointer,
    count: Int
  ) -> Int32
  /// `count` unsigned values as int16 sub-pixel taps, or zeros for a row outside the image.
  static func taps(_ u: UnsafeRawPointer, inside: Bool, into taps: UnsafeMutablePointer<Int16>, count: Int)
}

/// An 8-bit window: int8 (decoder.expand) or unsigned bytes u = x − zy (relu outputs).
enum ByteWindow: WindowElement {
  static var size: Int { 1 }

  @inline(__always) static func signedRow(
    _ w: UnsafePointer<Int8>, _ x: UnsafeRawPointer, zeroPoint zx: Int32, count: Int
  ) -> Int32 {
    DotProduct.int8(
      w, int8: x.assumingMemoryBound(to: Int8.self), zeroPoint: Int8(truncatingIfNeeded: zx), count: count)
  }

  @inline(__always) static func upsampledRow(
    _ w: UnsafePointer<Int8>, _ u0: UnsafeRawPointer, _ u1: UnsafeRawPointer, _ u2: UnsafeRawPointer,
    count: Int
  ) -> Int32 {
    DotProduct.int8(
      w, uint8: u0.assumingMemoryBound(to: UInt8.self), u1.assumingMemoryBound(to: UInt8.self),
      u2.assumingMemoryBound(to: UInt8.self), count: count)
  }

  @inline(__always) static func phaseRow(_ w: UnsafePointer<Int16>, _ u: UnsafeRawPointer, count: Int)
    -> Int32
  {
    DotProduct.int16(w, uint8: u.assumingMemoryBound(to: UInt8.self), count: count)
  }

  @inline(__always) static func phaseRows(
    _ w0: UnsafePointer<Int16>, _ u0: UnsafeRawPointer, _ w1: UnsafePointer<Int16>, _ u1: UnsafeRawPointer,
    count: Int
  ) -> Int32 {
    DotProduct.int16(
      w0, uint8: u0.assumingMemoryBound(to: UInt8.self), w1, uint8: u1.assumingMemoryBound(to: UInt8.self),
      count: count)
  }

  /// Widened byte by byte.
  @inline(__always) static func taps(
    _ u: UnsafeRawPointer, inside: Bool, into taps: UnsafeMutablePointer<Int16>, count: Int
  ) {
    if inside {
      let bytes = u.assumingMemoryBound(to: UInt8.self)
      for i in 0..<count { taps[i] = Int16(bytes[i]) }
    } else {
      taps.update(repeating: 0, count: count)
    }
  }
}

/// A 12-bit window in int16: decoder.expand's signed values, or u = x − zy in 0 ... 4095.
enum WideWindow: WindowElement {
  static var size: Int { 2 }

  @inline(__always) static func signedRow(
    _ w: UnsafePointer<Int8>, _ x: UnsafeRawPointer, zeroPoint zx: Int32, count: Int
  ) -> Int32 {
    DotProduct.int8(
      w, int16: x.assumingMemoryBound(to: Int16.self), zeroPoint: Int16(truncatingIfNeeded: zx), count: count)
  }

  @inline(__always) static func upsampledRow(
    _ w: UnsafePointer<Int8>, _ u0: UnsafeRawPointer, _ u1: UnsafeRawPointer, _ u2: UnsafeRawPointer,
    count: Int
  ) -> Int32 {
    DotProduct.int8(
      w, int16: u0.assumingMemoryBound(to: Int16.self), u1.assumingMemoryBound(to: Int16.self),
      u2.assumingMemoryBound(to: Int16.self), count: count)
  }

  @inline(__always) static func phaseRow(_ w: UnsafePointer<Int16>, _ u: UnsafeRawPointer, count: Int)
    -> Int32
  {
    DotProduct.int16(w, int16: u.assumingMemoryBound(to: Int16.self), count: count)
  }

  @inline(__always) static func phaseRows(
    _ w0: UnsafePointer<Int16>, _ u0: UnsafeRawPointer, _ w1: UnsafePointer<Int16>, _ u1: UnsafeRawPointer,
    count: Int
  ) -> Int32 {
    DotProduct.int16(
      w0, int16: u0.assumingMemoryBound(to: Int16.self), w1, int16: u1.assumingMemoryBound(to: Int16.self),
      count: count)
  }

  /// Already int16: copied.
  @inline(__always) static func taps(
    _ u: UnsafeRawPointer, inside: Bool, into taps: UnsafeMutablePointer<Int16>, count: Int
  ) {
    if inside {
      taps.update(from: u.assumingMemoryBound(to: Int16.self), count: count)
    } else {
      taps.update(repeating: 0, count: count)
    }
  }
}
