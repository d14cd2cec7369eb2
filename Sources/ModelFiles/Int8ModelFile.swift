import FileAccess
import Int8Runtime

// MARK: - Int8ModelFile

/// An int8 model file on disk, memory-mapped and opened as an `Int8Model` whose weights stay in
/// the mapping (nothing is copied), with path-prefixed one-line errors. Keep the object alive
/// while the model is in use.
///
/// The default sampling temperatures the file records (`generation.pi_temperature`,
/// `generation.sigma_temperature`, decimal text) are read as Q16 integers by `DecimalQ16`, the
/// same rule the firmware uses; an absent key means 1.0.
///
/// ```swift
/// let file = try Int8ModelFile(path: "models/tiny/model-int8.dnm")
/// file.model.preset.name            // "tiny"
/// file.defaultPiTemperatureQ16      // e.g. 32768 (0.5)
/// ```
public final class Int8ModelFile {
  public let path: String
  public let mapped: MappedFile
  public let model: Int8Model
  public let defaultPiTemperatureQ16: UInt32
  public let defaultSigmaTemperatureQ16: UInt32

  public static let piKey = "generation.pi_temperature"
  public static let sigmaKey = "generation.sigma_temperature"

  public init(path: String) throws(FileIOError) {
    self.path = path
    mapped = try MappedFile(path: path)
    let container: TensorContainer
    do { container = try TensorContainer(mapped.bytes) } catch {
      throw FileIOError(path: path, error.message)
    }
    if container.kind != .int8Model {
      throw FileIOError(path: path, "is \(container.kind.labelWithArticle), not an int8 model")
    }
    do { model = try Int8Model(container) } catch { throw FileIOError(path: path, error.description) }
    func temperature(_ key: String) throws(FileIOError) -> UInt32 {
      guard let v = container.metadataValue(forKey: key) else { return 65536 }
      guard let q = DecimalQ16.parse(v), q <= 10 * 65536 else {
        throw FileIOError(
          path: path, "metadata \(key) is '\(MetadataValues.text(v))', not a decimal in 0...10")
      }
      return q
    }
    defaultPiTemperatureQ16 = try temperature(Self.piKey)
    defaultSigmaTemperatureQ16 = try temperature(Self.sigmaKey)
  }
}
