// MARK: - ActivationBits

/// The width of one decoder activation (docs/INT8.md, "12-bit activations"): 8 bits
/// (−128 ... 127, TensorFlow Lite's int8) or 12 bits (−2048 ... 2047, held in int16), set per
/// layer by the optional scalar `<layer>.output_bits` of decoder.expand and conv1 ... conv n
/// (absent: 8). A 12-bit activation has 16 times finer steps over the same range; its next layer's
/// products grow by the same factor, which the accumulator bound accounts for through
/// `inputMagnitude`.
///
/// ```swift
/// let a = ActivationBits.wide
/// a.lo, a.hi           // -2048, 2047
/// a.inputMagnitude     // 4095: the largest |q − zero point| a consumer multiplies
/// ActivationBits.int8.inputMagnitude   // 255
/// ```
public struct ActivationBits: Equatable, Sendable {
  public let bits: Int

  public static let int8 = ActivationBits(unchecked: 8)
  public static let wide = ActivationBits(unchecked: 12)

  init(unchecked bits: Int) { self.bits = bits }

  /// nil unless `bits` is 8 or 12.
  public init?(bits: Int) {
    guard bits == 8 || bits == 12 else { return nil }
    self.bits = bits
  }

  public var lo: Int32 { -(Int32(1) << (bits - 1)) }
  public var hi: Int32 { (Int32(1) << (bits - 1)) - 1 }
  /// 2^bits − 1: the largest |q − zx| of an input in this format.
  public var inputMagnitude: Int64 { (Int64(1) << bits) - 1 }
  /// Bytes per value in a buffer: 1 for 8 bits, 2 (int16) for 12.
  public var bytes: Int { bits > 8 ? 2 : 1 }
  public var isWide: Bool { bits > 8 }
}

// MARK: - DecoderActivationBits

/// The widths of decoder.expand's output and of each conv's output (conv1 ... conv n; the pixel
/// conv writes 8-bit pixels). decoder.dense's output is always 8-bit.
///
/// ```swift
/// let b = DecoderActivationBits(expand: .wide, convs: [.wide, .wide, .int8])
/// b.wideLayerNames   // ["decoder.expand", "decoder.conv1", "decoder.conv2"]
/// ```
public struct DecoderActivationBits: Equatable, Sendable {
  public var expand: ActivationBits
  public var convs: [ActivationBits]

  public init(expand: ActivationBits, convs: [ActivationBits]) {
    self.expand = expand
    self.convs = convs
  }

  /// Every activation 8-bit: the layout of a file without `output_bits` tensors.
  public static func int8(_ p: ModelPreset) -> DecoderActivationBits {
    DecoderActivationBits(
      expand: .int8, convs: [ActivationBits](repeating: .int8, count: p.decoderChannels.count))
  }

  /// The names of the layers whose output is 12-bit, in decoder order.
  public var wideLayerNames: [String] {
    (expand.isWide ? ["decoder.expand"] : [])
      + convs.indices.filter { convs[$0].isWide }.map { "decoder.conv\($0 + 1)" }
  }
}
