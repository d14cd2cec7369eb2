import Int8Runtime
import ModelFiles

// MARK: - Int8Footprint

/// Bytes an int8 model file takes, from the exact tensor list of docs/INT8.md
/// (`Int8ModelLayout`) and the container's layout (docs/FORMAT.md): header, tensor table, the
/// `preset.*` and `quant.scheme` metadata, every tensor at its 16-byte aligned offset, CRC. A
/// quantized file adds only its free-text metadata (provenance, calibration notes, the layers'
/// real scales) to this.
///
/// ```swift
/// Int8Footprint.tensorBytes(.tiny, starts: 16, primers: 8)   // 246,949: the shipped tiny file's tensors
/// Int8Footprint.fileBytes(.tiny, starts: 16, primers: 8)     // those, plus table, metadata and padding
/// ```
public enum Int8Footprint {
  /// The sum of every tensor's data bytes.
  public static func tensorBytes(_ preset: ModelPreset, starts: Int, primers: Int) -> Int {
    Int8ModelLayout.tensors(for: preset, starts: starts, primers: primers, subPixel: false)
      .reduce(0) { $0 + $1.shape.reduce($1.dtype.byteWidth, *) }
  }

  /// The whole file without free-text metadata: the container of those tensors (zeros) with the
  /// required metadata, encoded.
  public static func fileBytes(_ preset: ModelPreset, starts: Int, primers: Int) throws -> Int {
    var w = ContainerWriter(kind: .int8Model)
    w.metadata = preset.metadataEntries
    w.metadata["quant.scheme"] = Int8Model.scheme
    for t in Int8ModelLayout.tensors(for: preset, starts: starts, primers: primers, subPixel: false) {
      let count = t.shape.reduce(t.dtype.byteWidth, *)
      w.add(t.name, dtype: t.dtype, shape: t.shape, bytes: [UInt8](repeating: 0, count: count))
    }
    return try w.encoded().count
  }
}
