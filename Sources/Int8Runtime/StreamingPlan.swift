// MARK: - StreamingPlan

/// The streaming generator's one arena, planned at load from the preset alone: every buffer, its
/// offset, size and lifetime. Nothing else is written while generating (the weights are read
/// where they lie), so the plan's total is the runtime's whole working memory.
///
/// Buffers that live for one sequence step (the next h, sequence.dense's output, the mixture
/// logits) and buffers that live while one frame is decoded share one region: the decoder starts
/// after the sample is drawn. The decoder never holds a whole intermediate tensor, only rolling
/// windows of rows (each padded with one zero-point column at both ends): 3 rows of
/// decoder.expand's output (conv1 reads rows y − 1 ... y + 1), 2 rows of every other conv's output
/// (the next conv reads them upsampled, so rows ⌊(y − 1)/2⌋ ... ⌊(y + 1)/2⌋: at most two), and
/// one row of pixels.
///
/// Worked example, the tiny preset (120 × 208, latent 32, LSTM 2 × 64, dense 64, 5 mixtures,
/// bottleneck 15 × 26 × 8, expand 32, convs 16, 16, 16):
/// ```text
/// buffer                  offset  bytes  lifetime
/// lstm.h                       0    256  run      2 layers × 64 units, int16
/// lstm.c                     256    256  run
/// latent                     512     64  run      the current latent, int16
/// lstm.h_next                576    128  step     one layer's new h
/// sequence.dense.output      704    128  step
/// mdn.logits                 832     20  step
/// decoder.dense.row          576    208  frame    26 × 8, one bottleneck row (uint8: x − zero point)
/// decoder.expand.rows        784  2,688  frame    3 × 28 × 32 int8
/// decoder.conv1.rows       3,472    896  frame    2 × 28 × 16 (uint8: x − zero point)
/// decoder.conv2.rows       4,368  1,728  frame    2 × 54 × 16
/// decoder.conv3.rows       6,096  3,392  frame    2 × 106 × 16
/// pixels.row               9,488    208  frame
/// decoder.phase.taps       9,696    128  frame    2 × 2 × 16 int16
/// decoder.pixel.sums       9,824     64  frame    16 int32, total 9,888
/// ```
/// The last two serve the sub-pixel form (docs/INT8.md), when the file carries it. The taps are
/// the four low-resolution pixels one output pixel of conv2 ... conv n reads, widened to int16
/// once and then read by every output channel: int16 by int16 sums are what vector multiply-add
/// instructions take in pairs (x86 `pmaddwd`, Arm `smlad`). The sums are that pixel's
/// accumulators, requantised in one loop over the channels. The pixel conv has one output
/// channel, so widening its input would cost as much as its sum: it reads its window directly.
/// A layer whose activation the file makes 12-bit (`ActivationBits`) keeps its window in int16,
/// twice the bytes: the paper model with 12-bit decoder.expand, conv1 and conv2 plans 74,512
/// bytes instead of 55,056 (`StreamingPlan(model:)` reads the widths from the model).
/// Each buffer starts on a 16-byte boundary; step and frame buffers overlap; `totalBytes` is the
/// end of the last one.
public struct StreamingPlan: Sendable {
  /// When a buffer's contents matter.
  public enum Lifetime: Sendable {
    /// From load to the last frame: the LSTM state and the current latent.
    case run
    /// During one sequence step and its sample.
    case step
    /// While one frame is decoded.
    case frame

    public var label: String {
      switch self {
      case .run: return "run"
      case .step: return "step"
      case .frame: return "frame"
      }
    }
  }

  public struct Buffer: Sendable {
    public let name: String
    public let offset: Int
    public let bytes: Int
    public let lifetime: Lifetime
    /// What the buffer holds, in words (shape and element type).
    public let contents: String
  }

  public static let alignment = 16

  public let buffers: [Buffer]
  /// The arena's size: the end of the last buffer.
  public let totalBytes: Int

  // MARK: Indices of the buffers the generator uses
  static let h = 0, c = 1, latent = 2, hNext = 3, denseOutput = 4, logits = 5
  static let denseRow = 6, expandRows = 7, firstConvRows = 8
  /// The pixel row, then the sub-pixel scratch, follow the conv windows.
  static func pixelRow(_ p: ModelPreset) -> Int { firstConvRows + p.decoderChannels.count }
  static func phaseTaps(_ p: ModelPreset) -> Int { pixelRow(p) + 1 }
  static func pixelSums(_ p: ModelPreset) -> Int { pixelRow(p) + 2 }

  /// Rows each conv's output window keeps: the next conv reads it through a 2x upsample.
  static let upsampledWindow = 2
  /// Rows decoder.expand's window keeps: conv1 reads rows y − 1 ... y + 1 at its own resolution.
  static let sameResolutionWindow = 3

  /// The plan of `model`: its preset and its activations' widths.
  public init(model: Int8Model) {
    self.init(preset: model.preset, bits: model.decoderBits)
  }

  /// `bits` (default: every activation 8-bit) sets each window's element: a byte, or int16 for a
  /// 12-bit activation (`ActivationBits`), which doubles that window.
  public init(preset p: ModelPreset, bits: DecoderActivationBits? = nil) {
    let bits = bits ?? .int8(p)
    var buffers: [Buffer] = []
    var cursor = 0
    func add(_ name: String, _ bytes: Int, _ lifetime: Lifetime, _ contents: String) {
      buffers.append(Buffer(name: name, offset: cursor, bytes: bytes, lifetime: lifetime, contents: contents))
      cursor = StreamingPlan.alignUp(cursor + bytes)
    }
    let (L, U, D) = (p.lstmLayers, p.lstmUnits, p.latentSize)
    add("lstm.h", 2 * L * U, .run, "\(L) × \(U) int16")
    add("lstm.c", 2 * L * U, .run, "\(L) × \(U) int16")
    add("latent", 2 * D, .run, "\(D) int16")
    let shared = cursor
    add("lstm.h_next", 2 * U, .step, "\(U) int16")
    add("sequence.dense.output", 2 * p.denseUnits, .step, "\(p.denseUnits) int16")
    add("mdn.logits", 4 * p.mixtures, .step, "\(p.mixtures) int32")
    let stepEnd = cursor
    cursor = shared
    let b = p.bottleneckShape
    add("decoder.dense.row", b[1] * b[2], .frame, "\(b[1]) × \(b[2]) uint8 (x − zero point)")
    let window = StreamingPlan.sameResolutionWindow
    add(
      "decoder.expand.rows", window * (b[1] + 2) * p.decoderExpand * bits.expand.bytes, .frame,
      "\(window) × \(b[1] + 2) × \(p.decoderExpand) " + (bits.expand.isWide ? "int16 (12-bit)" : "int8"))
    var cols = b[1]
    for (i, width) in p.decoderChannels.enumerated() {
      let w = StreamingPlan.upsampledWindow
      let wide = bits.convs[i].isWide
      add(
        "decoder.conv\(i + 1).rows", w * (cols + 2) * width * bits.convs[i].bytes, .frame,
        "\(w) × \(cols + 2) × \(width) "
          + (wide ? "int16 (12-bit, x − zero point)" : "uint8 (x − zero point)"))
      cols *= 2
    }
    add("pixels.row", p.frameWidth, .frame, "\(p.frameWidth) uint8")
    let widest = p.decoderChannels.dropLast().max() ?? 0
    add(
      "decoder.phase.taps", 2 * 4 * widest, .frame,
      "2 × 2 × \(widest) int16 (one pixel's sub-pixel inputs, widened)")
    let widestOut = p.decoderChannels.dropFirst().max() ?? 0
    add("decoder.pixel.sums", 4 * widestOut, .frame, "\(widestOut) int32 (one pixel's accumulators)")
    self.buffers = buffers
    totalBytes = max(stepEnd, cursor)
  }

  static func alignUp(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

  /// The message for an arena that is too small, or nil if `budget` holds the plan.
  ///
  /// ```swift
  /// plan.refusal(budget: 131_072)   // "needs 183,296 bytes of arena; the budget is 131,072"
  /// ```
  public func refusal(budget: Int) -> String? {
    budget >= totalBytes ? nil : Int8ModelError.arenaTooSmall(needed: totalBytes, budget: budget).description
  }
}

// MARK: - GroupedDigits

/// An integer with thousands separators, for messages about bytes: `GroupedDigits(183296)`
/// prints "183,296"; `GroupedDigits(-5)` prints "-5".
public struct GroupedDigits: CustomStringConvertible {
  public let value: Int
  public init(_ value: Int) { self.value = value }

  public var description: String {
    // Digits as UTF-8 bytes: Character-level String work would link Unicode tables on firmware.
    let digits = Array(String(value.magnitude).utf8)
    var out: [UInt8] = value < 0 ? [UInt8(ascii: "-")] : []
    for i in digits.indices {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(UInt8(ascii: ",")) }
      out.append(digits[i])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
