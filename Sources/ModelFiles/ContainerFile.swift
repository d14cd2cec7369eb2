import FileAccess
import Int8Runtime

// MARK: - ContainerFile

/// Opens containers for the trainer's readers with one-line, path-prefixed errors, and checks
/// that the file is the kind the caller wants.
///
/// ```swift
/// let model = try ContainerFile.read("runs/a.ckpt", as: .floatModel) { c in ... }
/// // throws "runs/a.ckpt: is a checkpoint, not a float model"
/// ```
public enum ContainerFile {
  /// Maps the file at `path`, validates it as a container of `kind` and runs `body` on it.
  public static func read<R>(
    _ path: String, as kind: ContainerKind,
    _ body: (TensorContainer) throws(FileIOError) -> R
  ) throws(FileIOError) -> R {
    let file = try MappedFile(path: path)
    return try withExtendedLifetime(file) { () throws(FileIOError) -> R in
      try parse(file.bytes, source: path, as: kind, body)
    }
  }

  /// What the container at `path` holds (float model, checkpoint, int8 model), after the same
  /// checks as `read`: `ContainerFile.kind(at: "models/tiny/model-int8.dnm")` is `.int8Model`.
  public static func kind(at path: String) throws(FileIOError) -> ContainerKind {
    let file = try MappedFile(path: path)
    return try withExtendedLifetime(file) { () throws(FileIOError) -> ContainerKind in
      do throws(ContainerError) { return try TensorContainer(file.bytes).kind } catch {
        throw FileIOError(path: path, error.message)
      }
    }
  }

  /// The same for bytes in memory (copied once into 16-byte aligned storage); `source` names
  /// them in messages.
  public static func read<R>(
    bytes: [UInt8], source: String, as kind: ContainerKind,
    _ body: (TensorContainer) throws(FileIOError) -> R
  ) throws(FileIOError) -> R {
    let buffer = UnsafeMutableRawBufferPointer.allocate(
      byteCount: max(bytes.count, 1), alignment: ContainerFormat.dataAlignment)
    defer { buffer.deallocate() }
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    let view = UnsafeRawBufferPointer(rebasing: buffer[0..<bytes.count])
    return try parse(view, source: source, as: kind, body)
  }

  private static func parse<R>(
    _ bytes: UnsafeRawBufferPointer, source: String, as kind: ContainerKind,
    _ body: (TensorContainer) throws(FileIOError) -> R
  ) throws(FileIOError) -> R {
    let container: TensorContainer
    do { container = try TensorContainer(bytes) } catch let e {
      throw FileIOError(path: source, e.message)
    }
    if container.kind != kind {
      throw FileIOError(path: source, "is \(container.kind.labelWithArticle), not \(kind.labelWithArticle)")
    }
    return try body(container)
  }
}

// MARK: - Reading tensors and metadata as Swift values

extension TensorContainer {
  /// The tensor's values as Float: f32 as stored, f16 widened exactly; nil for integer types.
  func floatValues(_ t: TensorView) -> [Float]? {
    let n = t.elementCount
    switch t.dtype {
    case .float32:
      return [Float](unsafeUninitializedCapacity: n) { out, count in
        let raw = UnsafeMutableRawBufferPointer(out)
        #if _endian(little)
          if n > 0 { raw.copyMemory(from: t.data) }
        #else
          for i in 0..<n { out[i] = Float(bitPattern: t.float32Bits(at: i)) }
        #endif
        count = n
      }
    case .float16:
      return [Float](unsafeUninitializedCapacity: n) { out, count in
        for i in 0..<n {
          let bits = UInt16(t.data[2 * i]) | UInt16(t.data[2 * i + 1]) << 8
          out[i] = Float16Storage.float(bits)
        }
        count = n
      }
    default: return nil
    }
  }

  /// The tensor's values as Int32 when it is i32.
  func int32Values(_ t: TensorView) -> [Int32]? {
    t.dtype == .int32 ? (0..<t.elementCount).map { t.int32(at: $0) } : nil
  }

  /// Every metadata entry as Strings (values were checked to be UTF-8 by the reader).
  var metadataStrings: [String: String] {
    var out: [String: String] = [:]
    for (key, value) in metadata {
      out[String(decoding: key, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
    }
    return out
  }
}
