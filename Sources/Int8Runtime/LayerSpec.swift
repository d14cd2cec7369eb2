// MARK: - LayerSpec

/// One layer of a model as the presets describe it: kind, shapes, parameter count and
/// multiply-accumulates per example. Shapes are rows x columns x channels for images and
/// a single length for vectors.
///
/// ```swift
/// let conv = LayerSpec.conv3x3(name: "enc.conv1", rows: 120, cols: 208, inChannels: 1,
///                              outChannels: 128, activation: .relu)
/// conv.parameters  // 9 * 1 * 128 + 128 = 1280
/// conv.macs        // 120 * 208 * 9 * 1 * 128 = 28,753,920
/// ```
public struct LayerSpec: Sendable, Equatable {
  public enum Activation: String, Sendable, Equatable {
    case linear, relu, sigmoid
  }

  public enum Kind: Sendable, Equatable {
    /// 3x3 convolution, stride 1, "same" zero padding, with bias.
    case conv3x3(inChannels: Int, outChannels: Int, activation: Activation)
    case maxPool2
    /// Nearest-neighbour 2x upsampling.
    case upsample2
    case flatten
    case reshape
    case dense(inputs: Int, outputs: Int, activation: Activation)
    /// A dense layer applied to every pixel's channel vector (a 1x1 convolution).
    case perPixelDense(inChannels: Int, outChannels: Int, activation: Activation)
    /// An LSTM with one bias per gate row (Keras layout: 4 x units x (inputs + units + 1)).
    case lstm(inputs: Int, units: Int)
    /// Dropout, active in training only.
    case dropout(percent: Int)
    /// z = mean + exp(log_var / 2) * eps: the VAE's sampling step.
    case reparameterize(size: Int)
    /// Mixture density head over `dims`-dimensional diagonal Gaussians.
    case mdn(inputs: Int, mixtures: Int, dims: Int)
  }

  public var name: String
  public var kind: Kind
  public var inputShape: [Int]
  public var outputShape: [Int]
  public var parameters: Int
  public var macs: Int

  public init(
    name: String, kind: Kind, inputShape: [Int], outputShape: [Int], parameters: Int, macs: Int
  ) {
    self.name = name
    self.kind = kind
    self.inputShape = inputShape
    self.outputShape = outputShape
    self.parameters = parameters
    self.macs = macs
  }

  // MARK: - Constructors (the math of sizes, written once)

  public static func conv3x3(
    name: String, rows: Int, cols: Int, inChannels: Int, outChannels: Int, activation: Activation
  ) -> LayerSpec {
    LayerSpec(
      name: name,
      kind: .conv3x3(inChannels: inChannels, outChannels: outChannels, activation: activation),
      inputShape: [rows, cols, inChannels], outputShape: [rows, cols, outChannels],
      parameters: 9 * inChannels * outChannels + outChannels,
      macs: rows * cols * 9 * inChannels * outChannels)
  }

  public static func dense(name: String, inputs: Int, outputs: Int, activation: Activation)
    -> LayerSpec
  {
    LayerSpec(
      name: name, kind: .dense(inputs: inputs, outputs: outputs, activation: activation),
      inputShape: [inputs], outputShape: [outputs], parameters: inputs * outputs + outputs,
      macs: inputs * outputs)
  }

  public static func lstm(name: String, inputs: Int, units: Int) -> LayerSpec {
    LayerSpec(
      name: name, kind: .lstm(inputs: inputs, units: units), inputShape: [inputs],
      outputShape: [units], parameters: 4 * units * (inputs + units + 1),
      macs: 4 * units * (inputs + units))
  }
}

// MARK: - Layer lists of the three models

extension ModelPreset {
  /// VAE encoder: [conv3x3 relu, maxpool 2] x steps, flatten, dense (linear),
  /// z_mean and z_log_var heads, reparameterisation.
  public var encoderLayers: [LayerSpec] {
    var layers: [LayerSpec] = []
    var rows = frameHeight
    var cols = frameWidth
    var channels = 1
    for (i, width) in encoderChannels.enumerated() {
      layers.append(
        .conv3x3(
          name: "encoder.conv\(i + 1)", rows: rows, cols: cols, inChannels: channels,
          outChannels: width, activation: .relu))
      layers.append(
        LayerSpec(
          name: "encoder.pool\(i + 1)", kind: .maxPool2, inputShape: [rows, cols, width],
          outputShape: [rows / 2, cols / 2, width], parameters: 0, macs: 0))
      rows /= 2
      cols /= 2
      channels = width
    }
    layers.append(
      LayerSpec(
        name: "encoder.flatten", kind: .flatten, inputShape: [rows, cols, channels],
        outputShape: [bottleneckSize], parameters: 0, macs: 0))
    layers.append(
      .dense(name: "encoder.dense", inputs: bottleneckSize, outputs: encoderHidden, activation: .linear))
    layers.append(
      .dense(name: "encoder.z_mean", inputs: encoderHidden, outputs: latentSize, activation: .linear))
    layers.append(
      .dense(name: "encoder.z_log_var", inputs: encoderHidden, outputs: latentSize, activation: .linear))
    layers.append(
      LayerSpec(
        name: "encoder.z", kind: .reparameterize(size: latentSize), inputShape: [2 * latentSize],
        outputShape: [latentSize], parameters: 0, macs: 0))
    return layers
  }

  /// VAE decoder: dense relu to the bottleneck, reshape, per-pixel dense (linear),
  /// [conv3x3 relu, upsample x2] x steps, conv3x3 to one channel with sigmoid.
  public var decoderLayers: [LayerSpec] {
    let shape = bottleneckShape
    var layers: [LayerSpec] = [
      .dense(name: "decoder.dense", inputs: latentSize, outputs: bottleneckSize, activation: .relu),
      LayerSpec(
        name: "decoder.reshape", kind: .reshape, inputShape: [bottleneckSize], outputShape: shape,
        parameters: 0, macs: 0),
    ]
    var rows = shape[0]
    var cols = shape[1]
    layers.append(
      LayerSpec(
        name: "decoder.expand",
        kind: .perPixelDense(inChannels: shape[2], outChannels: decoderExpand, activation: .linear),
        inputShape: shape, outputShape: [rows, cols, decoderExpand],
        parameters: shape[2] * decoderExpand + decoderExpand,
        macs: rows * cols * shape[2] * decoderExpand))
    var channels = decoderExpand
    for (i, width) in decoderChannels.enumerated() {
      layers.append(
        .conv3x3(
          name: "decoder.conv\(i + 1)", rows: rows, cols: cols, inChannels: channels,
          outChannels: width, activation: .relu))
      layers.append(
        LayerSpec(
          name: "decoder.up\(i + 1)", kind: .upsample2, inputShape: [rows, cols, width],
          outputShape: [rows * 2, cols * 2, width], parameters: 0, macs: 0))
      rows *= 2
      cols *= 2
      channels = width
    }
    layers.append(
      .conv3x3(
        name: "decoder.conv\(decoderChannels.count + 1)", rows: rows, cols: cols,
        inChannels: channels, outChannels: 1, activation: .sigmoid))
    return layers
  }

  /// Sequence model: stacked LSTMs each followed by dropout, dense relu, MDN head.
  public var sequenceLayers: [LayerSpec] {
    var layers: [LayerSpec] = []
    var inputs = latentSize
    for i in 0..<lstmLayers {
      layers.append(.lstm(name: "sequence.lstm\(i + 1)", inputs: inputs, units: lstmUnits))
      layers.append(
        LayerSpec(
          name: "sequence.dropout\(i + 1)", kind: .dropout(percent: dropoutPercent),
          inputShape: [lstmUnits], outputShape: [lstmUnits], parameters: 0, macs: 0))
      inputs = lstmUnits
    }
    layers.append(
      .dense(name: "sequence.dense", inputs: lstmUnits, outputs: denseUnits, activation: .relu))
    layers.append(
      LayerSpec(
        name: "sequence.mdn", kind: .mdn(inputs: denseUnits, mixtures: mixtures, dims: latentSize),
        inputShape: [denseUnits], outputShape: [mdnOutputs],
        parameters: denseUnits * mdnOutputs + mdnOutputs, macs: denseUnits * mdnOutputs))
    return layers
  }
}

extension Array where Element == LayerSpec {
  public var totalParameters: Int { reduce(0) { $0 + $1.parameters } }
  public var totalMACs: Int { reduce(0) { $0 + $1.macs } }
}
