// MARK: - ModelPreset

/// The architecture of a DanceNet-style model, as data: every width the three models need.
///
/// The layer lists (`encoderLayers`, `decoderLayers`, `sequenceLayers`) are derived from these
/// numbers, so the trainer, the quantizer, `dancenet inspect` and the int8 runtime all read one
/// description. All fields are integers: the runtime is integer-only.
///
/// ```swift
/// let p = ModelPreset.paper
/// p.bottleneckShape          // [15, 26, 32]
/// p.mdnOutputs               // 24 * 128 * 2 + 24 = 6168
/// ```
public struct ModelPreset: Sendable, Equatable {
  /// Short name used on the command line and stored in model files.
  public var name: String
  /// Frame size: rows x columns, one gray channel. Both must be divisible by 2^pools.
  public var frameHeight: Int
  public var frameWidth: Int
  /// Size of the VAE latent z (and of the sequence model's input and MDN components).
  public var latentSize: Int
  /// Encoder conv widths; each conv3x3 (relu) is followed by maxpool 2.
  public var encoderChannels: [Int]
  /// Width of the encoder's linear dense layer between flatten and the z_mean/z_log_var heads.
  public var encoderHidden: Int
  /// Channels produced by the decoder's per-pixel dense layer (bottleneck channels -> this).
  public var decoderExpand: Int
  /// Decoder conv widths; conv i (relu) is followed by upsample x2; then a final conv to 1 channel.
  public var decoderChannels: [Int]
  /// Stacked LSTM layers and their width.
  public var lstmLayers: Int
  public var lstmUnits: Int
  /// Dropout after each LSTM in training, in percent (the original uses 40).
  public var dropoutPercent: Int
  /// Width of the relu dense layer before the MDN head.
  public var denseUnits: Int
  /// Number of diagonal Gaussians in the MDN head.
  public var mixtures: Int

  public init(
    name: String, frameHeight: Int, frameWidth: Int, latentSize: Int, encoderChannels: [Int],
    encoderHidden: Int, decoderExpand: Int, decoderChannels: [Int], lstmLayers: Int, lstmUnits: Int,
    dropoutPercent: Int, denseUnits: Int, mixtures: Int
  ) {
    self.name = name
    self.frameHeight = frameHeight
    self.frameWidth = frameWidth
    self.latentSize = latentSize
    self.encoderChannels = encoderChannels
    self.encoderHidden = encoderHidden
    self.decoderExpand = decoderExpand
    self.decoderChannels = decoderChannels
    self.lstmLayers = lstmLayers
    self.lstmUnits = lstmUnits
    self.dropoutPercent = dropoutPercent
    self.denseUnits = denseUnits
    self.mixtures = mixtures
  }

  // MARK: - Presets

  /// The original's architecture exactly (encoder 1,724,128; decoder 1,744,545;
  /// sequence model 12,198,336 parameters).
  public static let paper = ModelPreset(
    name: "paper", frameHeight: 120, frameWidth: 208, latentSize: 128,
    encoderChannels: [128, 64, 32], encoderHidden: 128, decoderExpand: 128,
    decoderChannels: [32, 64, 128], lstmLayers: 3, lstmUnits: 512, dropoutPercent: 40,
    denseUnits: 1000, mixtures: 24)

  /// The same layer kinds sized for a microcontroller: decoder + sequence model + start latents
  /// fit an int8 file of at most 256 KB (see `Int8Footprint` in Quantize and docs/PRESETS.md).
  public static let tiny = ModelPreset(
    name: "tiny", frameHeight: 120, frameWidth: 208, latentSize: 32,
    encoderChannels: [16, 16, 8], encoderHidden: 64, decoderExpand: 32,
    decoderChannels: [16, 16, 16], lstmLayers: 2, lstmUnits: 64, dropoutPercent: 10,
    denseUnits: 64, mixtures: 5)

  public static let all: [ModelPreset] = [.paper, .tiny]

  /// The preset called `name`, or nil.
  public static func named(_ name: String) -> ModelPreset? {
    for p in all where p.name == name { return p }
    return nil
  }

  // MARK: - Derived sizes

  /// Number of 2x poolings in the encoder (= upsamplings in the decoder).
  public var scaleSteps: Int { encoderChannels.count }
  /// Bottleneck tensor, rows x columns x channels ([15, 26, 32] for paper).
  public var bottleneckShape: [Int] {
    [frameHeight >> scaleSteps, frameWidth >> scaleSteps, encoderChannels[encoderChannels.count - 1]]
  }
  public var bottleneckSize: Int { bottleneckShape[0] * bottleneckShape[1] * bottleneckShape[2] }
  /// MDN head outputs: K means and K sigmas of size D, plus K mixture logits.
  public var mdnOutputs: Int { mixtures * latentSize * 2 + mixtures }
  public var pixelsPerFrame: Int { frameHeight * frameWidth }

  /// Longest preset name a model file may carry.
  public static let longestName = 64

  /// Nil when `utf8` is a usable preset name: 1 to `longestName` printable ASCII characters
  /// without space (bytes 0x21 to 0x7E), like tensor names and metadata keys; else a one-line
  /// reason that does not repeat the name (a damaged file's may be long or unprintable).
  ///
  /// ```swift
  /// ModelPreset.nameProblem("tiny".utf8)   // nil
  /// ModelPreset.nameProblem("".utf8)       // "preset name has 0 bytes; it must be 1 to 64 ..."
  /// ```
  public static func nameProblem<Bytes: Collection<UInt8>>(_ utf8: Bytes) -> String? {
    let rule = "it must be 1 to \(longestName) printable ASCII characters without space"
    if utf8.isEmpty || utf8.count > longestName {
      return "preset name has \(utf8.count) bytes; \(rule)"
    }
    for b in utf8 where b < 0x21 || b > 0x7E {
      return "preset name has the byte \(b) (not printable ASCII or a space); \(rule)"
    }
    return nil
  }

  /// Nil when the preset is well formed, else a one-line reason.
  public var validationError: String? {
    if let why = Self.nameProblem(name.utf8) { return why }
    if encoderChannels.isEmpty || encoderChannels.count != decoderChannels.count {
      return "encoder and decoder need the same non-zero number of scale steps"
    }
    let m = 1 << scaleSteps
    if frameHeight % m != 0 || frameWidth % m != 0 {
      return "frame size \(frameWidth)x\(frameHeight) is not divisible by \(m)"
    }
    let widths =
      encoderChannels + decoderChannels + [
        latentSize, encoderHidden, decoderExpand, lstmLayers, lstmUnits, denseUnits, mixtures,
      ]
    for w in widths where w <= 0 { return "every width must be positive" }
    if dropoutPercent < 0 || dropoutPercent >= 100 { return "dropout must be in 0..<100 percent" }
    return nil
  }
}
