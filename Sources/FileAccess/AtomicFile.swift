import Foundation

// MARK: - AtomicFile

/// Whole-file reads and all-or-nothing writes with plain POSIX calls, so every failure carries
/// the system's own words (strerror) in a one-line `FileIOError`.
///
/// `write` puts the bytes in a hidden temporary file in the destination's folder (created
/// exclusively), flushes it to disk with fsync and renames it over the destination (atomic within
/// one file system), so a reader, a killed run or a power cut never sees half a file: the path
/// holds either its old contents or the complete new ones. On failure the temporary file is
/// removed and one line is thrown. Every file dancenet writes (frames, models, checkpoints,
/// reports) goes through here.
///
/// ```swift
/// try AtomicFile.write([1, 2, 3], to: "out/data.bin")   // out/.data.bin.tmp-... then rename
/// let back = try AtomicFile.read("out/data.bin")        // [1, 2, 3]
/// ```
public enum AtomicFile {
  /// Files larger than this are refused by `read` (no PNG frame comes near it).
  public static let maximumReadBytes = 1 << 30

  // MARK: - Reading

  /// All bytes of the file at `path`.
  public static func read(_ path: String) throws(FileIOError) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw .cannotRead(path, systemErrorText()) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .cannotRead(path, systemErrorText()) }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      throw .cannotRead(path, "is a folder")
    }
    let expected = Int(info.st_size)
    if expected > maximumReadBytes {
      throw .cannotRead(path, "\(expected) bytes, over the limit of \(maximumReadBytes)")
    }
    var bytes = [UInt8]()
    bytes.reserveCapacity(max(expected, 0))
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .cannotRead(path, systemErrorText())
      }
      if n == 0 { break }
      if bytes.count + n > maximumReadBytes {
        throw .cannotRead(path, "over the limit of \(maximumReadBytes) bytes")
      }
      bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
  }

  // MARK: - Writing

  /// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
  public static func write(_ bytes: [UInt8], to path: String) throws(FileIOError) {
    var failure: FileIOError? = nil
    bytes.withUnsafeBytes { raw in
      do throws(FileIOError) { try write(raw, to: path) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  /// Writes `buffer` to `path` through a temporary file in the same folder, fsync and a rename
  /// (an `AtomicFileWriter` in one call).
  public static func write(_ buffer: UnsafeRawBufferPointer, to path: String) throws(FileIOError) {
    let writer = try AtomicFileWriter(path: path)
    try writer.write(buffer)
    try writer.commit()
  }
}
