import Int8Runtime

// MARK: - Int8Footprint

/// Bytes a model occupies in its int8 file, layer by layer, following the TFLite int8 scheme
/// this project uses: int8 weights, one int32 bias per output, and per output channel an int32
/// requantisation multiplier plus an int32 shift (8 bytes).
///
/// ```swift
/// // decoder.conv4 of paper: 3x3, 128 -> 1
/// // weights 1152 B + bias 4 B + requantisation 8 B = 1164 B
/// Int8Footprint.bytes(of: ModelPreset.paper.decoderLayers.last!)   // 1164
/// ```
///
/// The int8 file also carries the latent normalisation and the start latents; `model(_:)` adds
/// them with `startLatents` entries of two int8 latents each (the start and its primer).
public enum Int8Footprint {
  /// Requantisation data per output channel: int32 multiplier + int32 shift.
  public static let requantBytesPerChannel = 8

  /// Storage of one layer's parameters in the int8 file.
  public static func bytes(of layer: LayerSpec) -> Int {
    switch layer.kind {
    case .conv3x3(let i, let o, _):
      return 9 * i * o + o * (4 + requantBytesPerChannel)
    case .dense(let i, let o, _), .perPixelDense(let i, let o, _):
      return i * o + o * (4 + requantBytesPerChannel)
    case .lstm(let inputs, let units):
      // Input and recurrent weights int8; one int32 bias and one requantisation per gate row.
      return 4 * units * (inputs + units) + 4 * units * (4 + requantBytesPerChannel)
    case .mdn(let inputs, let k, let d):
      let outputs = k * d * 2 + k
      return inputs * outputs + outputs * (4 + requantBytesPerChannel)
    case .maxPool2, .upsample2, .flatten, .reshape, .dropout, .reparameterize:
      return 0
    }
  }

  /// Decoder + sequence model + normalisation (two int32 per latent dimension) + start latents.
  public static func model(_ preset: ModelPreset, startLatents: Int) -> Int {
    let layers = preset.decoderLayers + preset.sequenceLayers
    let weights = layers.reduce(0) { $0 + bytes(of: $1) }
    return weights + preset.latentSize * 8 + startLatents * 2 * preset.latentSize
  }
}
