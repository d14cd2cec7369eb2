import Int8Runtime

// MARK: - SequenceLayerErrors

/// The sequence model's per-layer SQNR rows (`SequenceAccuracy.layers`): what each LSTM
/// layer's h and cell state and sequence.dense's output lose, int8 read as reals
/// (`Int8SequenceProbe.realState`) against the float64 step's activations
/// (`FloatReference.StepTrace`), through `DecoderLayerErrors`' one SQNR. The int8 side carries
/// its own state and feeds each layer the int8 layer below, so, as down the decoder, the
/// figures accumulate and the layer whose SQNR drops most is the one that costs most.
///
/// ```swift
/// SequenceLayerErrors.names(lstmLayers: 2)
/// // ["sequence.lstm1 h", "sequence.lstm1 cell", "sequence.lstm2 h", "sequence.lstm2 cell",
/// //  "sequence.dense"]
/// SequenceLayerErrors.float(trace)          // the same five activations of the float step
/// ```
enum SequenceLayerErrors {
  static func names(lstmLayers: Int) -> [String] {
    (0..<lstmLayers).flatMap { ["sequence.lstm\($0 + 1) h", "sequence.lstm\($0 + 1) cell"] }
      + ["sequence.dense"]
  }

  /// The float step's activations in `names` order.
  static func float(_ trace: FloatReference.StepTrace) -> [[Double]] {
    zip(trace.hidden, trace.cells).flatMap { [$0, $1] } + [trace.dense]
  }
}
