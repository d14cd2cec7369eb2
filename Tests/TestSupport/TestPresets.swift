import Int8Runtime

// MARK: - Presets for tests

/// Presets far smaller than `tiny`, so that layer and training tests run in milliseconds.
///
/// ```swift
/// let model = SequenceModel<Double>(preset: TestPresets.smallSequence, seed: 2)
/// TestPresets.smallSequence.mdnOutputs   // 2 * 3 * 2 + 2 = 14
/// ```
public enum TestPresets {
  /// A sequence model of two 4-unit LSTMs, a 5-unit dense layer and a 2-component MDN over a
  /// 3-dimensional latent (the VAE part is a token 8x8 one).
  public static let smallSequence = ModelPreset(
    name: "seq-test", frameHeight: 8, frameWidth: 8, latentSize: 3, encoderChannels: [2],
    encoderHidden: 4, decoderExpand: 2, decoderChannels: [2], lstmLayers: 2, lstmUnits: 4,
    dropoutPercent: 25, denseUnits: 5, mixtures: 2)

  /// A decoder of every layer kind on 8x12 frames: bottleneck 2x3x4, expand 5, convs of 4 and 3
  /// channels (the second after an upsample), then the upsampling pixel conv.
  public static let microDecoder = ModelPreset(
    name: "calib-micro", frameHeight: 8, frameWidth: 12, latentSize: 4, encoderChannels: [3, 4],
    encoderHidden: 5, decoderExpand: 5, decoderChannels: [4, 3], lstmLayers: 1, lstmUnits: 4,
    dropoutPercent: 0, denseUnits: 6, mixtures: 2)
}
