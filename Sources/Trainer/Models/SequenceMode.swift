import FileAccess

// MARK: - SequenceMode

/// How the sequence model carries its LSTM state, recorded in the model file under
/// `sequence.mode` (docs/FORMAT.md) and followed by every generator.
///
/// - `stateful`: the state is carried from frame to frame (the default training).
/// - `stateless`: the state is reset to zero before every step, the way the original trained
///   and generated (`train-seq --stateless`).
///
/// The key is required: a float model without it is refused, so that a stateless model never
/// generates statefully by accident. The head always predicts the next latent itself; the
/// retired key `sequence.target` may only say `latent` (files of the `delta` experiment are
/// refused, see `refuseRetiredTarget`).
///
/// ```swift
/// try SequenceMode.recorded(in: ["sequence.mode": "stateless"], path: "m.dnm")   // .stateless
/// try SequenceMode.recorded(in: [:], path: "m.dnm")
/// // throws "m.dnm: lacks metadata sequence.mode (stateful or stateless)"
/// ```
public enum SequenceMode: String, Sendable, Equatable, CaseIterable {
  case stateful
  case stateless

  /// The model file's metadata key.
  public static let metadataKey = "sequence.mode"
  /// A key of files written before the `delta` experiment was removed; only `latent` is read.
  public static let retiredTargetKey = "sequence.target"

  public init(stateless: Bool) { self = stateless ? .stateless : .stateful }

  /// The mode recorded in a model file's metadata; one line naming the file when it is absent
  /// or unknown.
  public static func recorded(in metadata: [String: String], path: String) throws(FileIOError)
    -> SequenceMode
  {
    guard let value = metadata[metadataKey] else {
      throw FileIOError(path: path, "lacks metadata \(metadataKey) (stateful or stateless)")
    }
    guard let mode = SequenceMode(rawValue: value) else {
      throw FileIOError(
        path: path, "metadata \(metadataKey) is '\(value)', not stateful or stateless")
    }
    return mode
  }

  /// Refuses a file or checkpoint whose head predicted the change of the latent
  /// (`sequence.target` = `delta`, an experiment that lost: its dances drifted off the data);
  /// an absent key or `latent` is fine.
  ///
  /// ```swift
  /// try SequenceMode.refuseRetiredTarget(in: ["sequence.target": "delta"], path: "old.dnm")
  /// // throws "old.dnm: predicts the latent's change (sequence.target delta), which this build
  /// //         no longer generates; retrain it"
  /// ```
  public static func refuseRetiredTarget(in metadata: [String: String], path: String)
    throws(FileIOError)
  {
    guard let value = metadata[retiredTargetKey], value != "latent" else { return }
    guard value == "delta" else {
      throw FileIOError(path: path, "metadata \(retiredTargetKey) is '\(value)'; only latent is known")
    }
    throw FileIOError(
      path: path,
      "predicts the latent's change (\(retiredTargetKey) delta), which this build no longer "
        + "generates; retrain it")
  }
}
