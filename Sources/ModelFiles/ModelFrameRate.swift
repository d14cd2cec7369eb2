import FileAccess
import Int8Runtime

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - ModelFrameRate

/// The frame rate of a model's training data, what `generate` streams at unless told otherwise.
/// A model file may record it in the metadata key `provenance.fps` (whole frames per second,
/// 1...1000, decimal text); the first of the given files that records it wins, and when none
/// does the rate is `fallback`, 25. The trainer does not write the key today (a frame folder
/// carries no rate), so the shipped models stream at 25.
///
/// ```swift
/// let r = try ModelFrameRate.resolve(["models/tiny/model-int8.dnm", "models/tiny/model.dnm"])
/// r.fps      // 25
/// r.source   // "no model file records provenance.fps; 25"
/// // a file with provenance.fps = 10: (10, "provenance.fps of models/tiny/model.dnm")
/// ```
public enum ModelFrameRate {
  public static let key = "provenance.fps"
  public static let fallback = 25
  public static let maximum = 1000

  /// The rate the container at `path` records, nil when it records none; one line naming the
  /// file when it cannot be read or the value is not a whole number in 1...1000.
  public static func recorded(in path: String) throws(FileIOError) -> Int? {
    let file = try MappedFile(path: path)
    return try withExtendedLifetime(file) { () throws(FileIOError) -> Int? in
      let container: TensorContainer
      do throws(ContainerError) { container = try TensorContainer(file.bytes) } catch {
        throw FileIOError(path: path, error.message)
      }
      guard let value = container.metadataValue(forKey: key) else { return nil }
      guard let fps = MetadataValues.decimal(value, limit: maximum), fps >= 1 else {
        throw FileIOError(
          path: path,
          "metadata \(key) is '\(MetadataValues.text(value))', not a whole number in 1...\(maximum)")
      }
      return fps
    }
  }

  /// The first rate recorded by an existing file of `paths` (missing files are skipped), else
  /// `fallback`; `source` says where it came from, for messages.
  public static func resolve(_ paths: [String]) throws(FileIOError) -> (fps: Int, source: String) {
    for path in paths where access(path, F_OK) == 0 {
      if let fps = try recorded(in: path) { return (fps, "\(key) of \(path)") }
    }
    return (fallback, "no model file records \(key); \(fallback)")
  }
}
