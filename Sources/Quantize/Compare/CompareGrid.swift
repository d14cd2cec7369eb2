import Foundation

// MARK: - CompareGrid

/// The configurations `quantize --compare` measures: every calibration method, crossed with
/// every on/off switch of `Quantizer.Options` (each switch doubles the grid: off, then on).
///
/// Adding a choice is one line: a method in `methods`, a switch in `switches` (its table
/// name, the metadata key the int8 file records it under, and its `Options` field). A switch
/// that changes the float activations before quantising (equalisation) also gets a line in
/// `floatModel(for:_:)`, so its configurations collect their own statistics.
///
/// ```swift
/// let grid = CompareGrid.configurations(base: .init())
/// grid.count          // 24: six methods × equalize off/on × bias correction off/on
/// grid[7].name        // "percentile 99.99 + equalize"
/// ```
public enum CompareGrid {
  /// One row of the comparison.
  public struct Configuration {
    /// "mse", or "mse + equalize" with a switch on.
    public var name: String
    public var options: Quantizer.Options
  }

  /// A yes/no choice of `Quantizer.Options`.
  public struct Switch {
    /// As the table shows it: "equalize".
    public var name: String
    /// The int8 file's metadata key recording it; the shipped file has it on when the key's
    /// value is anything but absent, "0" or "false".
    public var metadataKey: String
    public var field: WritableKeyPath<Quantizer.Options, Bool>

    public init(_ name: String, metadataKey: String, _ field: WritableKeyPath<Quantizer.Options, Bool>) {
      self.name = name
      self.metadataKey = metadataKey
      self.field = field
    }
  }

  // MARK: - The grid

  /// Every calibration method, `percentile` at `percentile`.
  public static func methods(percentile: Double = CalibrationMethod.defaultPercentile) -> [CalibrationMethod]
  {
    [
      .minmax, .percentile(percentile), .mse, .emaMinmax(CalibrationMethod.defaultMomentum), .entropy, .auto,
    ]
  }

  /// Every switch crossed with the methods.
  public static var switches: [Switch] {
    [
      Switch("equalize", metadataKey: "quant.equalize", \.equalize),
      Switch("bias correction", metadataKey: "quant.bias_correction", \.biasCorrection),
    ]
  }

  /// `methods` × every on/off combination of `switches`, each from `base` (its data sizes and
  /// `subPixel`): methods vary fastest, all switches off first.
  public static func configurations(
    base: Quantizer.Options, methods: [CalibrationMethod] = methods(), switches: [Switch] = switches
  ) -> [Configuration] {
    var grid = methods.map { m -> Configuration in
      var o = base
      o.method = m
      for s in switches { o[keyPath: s.field] = false }
      return Configuration(name: m.name, options: o)
    }
    for s in switches {
      grid += grid.map { c in
        var on = c
        on.options[keyPath: s.field] = true
        on.name += " + " + s.name
        return on
      }
    }
    return grid
  }

  // MARK: - The shipped configuration

  /// Whether `c` is the configuration an int8 file with `metadata` was made with: the same
  /// method name (`quant.method`) and every switch as the file records it.
  public static func isShipped(
    _ c: Configuration, metadata: [String: String], switches: [Switch] = switches
  ) -> Bool {
    guard metadata["quant.method"] == c.options.method.name else { return false }
    // Per-tensor weights are not in the grid (they lose on both models: docs/EXPERIMENTS.md).
    guard (metadata["quant.weights"] != nil) == c.options.perTensorWeights else { return false }
    // The 12-bit layers are not in the grid either: a --compare run takes them from its base.
    guard wideLayers(metadata["quant.wide_activations"]) == c.options.wideActivations else { return false }
    return switches.allSatisfy { s in
      let recorded = metadata[s.metadataKey].map { $0 != "0" && $0 != "false" } ?? false
      return recorded == c.options[keyPath: s.field]
    }
  }

  /// The short names in a `quant.wide_activations` value ("decoder.expand, decoder.conv1: 12-bit
  /// outputs (int16)" -> ["expand", "conv1"]); none when absent.
  static func wideLayers(_ value: String?) -> Set<String> {
    guard let list = value?.split(separator: ":").first else { return [] }
    return Set(
      list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        .map { $0.hasPrefix("decoder.") ? String($0.dropFirst("decoder.".count)) : $0 })
  }

  // MARK: - Statistics

  /// The float model a configuration calibrates and converts, and the key of the statistics
  /// it needs: configurations with the same key share one statistics pass. Nil: the float
  /// model as loaded ("float").
  public static func floatModel(
    for options: Quantizer.Options, _ prepared: Quantizer.Prepared
  ) throws -> (statisticsKey: String, reference: FloatReference?) {
    // Equalisation changes the activations, so it needs its own statistics.
    options.equalize ? ("equalized", try prepared.floatModel(for: options)) : ("float", nil)
  }
}
