import Foundation

// MARK: - AtomicFile

/// Whole-file reads and all-or-nothing writes with plain POSIX calls, so every failure carries
/// the system's own words (strerror) in a one-line `ImageIOError`.
///
/// `write` puts the bytes in a hidden temporary file in the destination's folder and renames it
/// over the destination, so a reader (or a killed run) never sees half a file. There is no fsync:
/// the guarantee is against interrupted runs, not power loss.
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
  public static func read(_ path: String) throws(ImageIOError) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw .cannotRead(path: path, reason: systemReason()) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .cannotRead(path: path, reason: systemReason()) }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      throw .cannotRead(path: path, reason: "is a folder")
    }
    let expected = Int(info.st_size)
    if expected > maximumReadBytes {
      throw .cannotRead(path: path, reason: "\(expected) bytes, over the limit of \(maximumReadBytes)")
    }
    var bytes = [UInt8]()
    bytes.reserveCapacity(max(expected, 0))
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .cannotRead(path: path, reason: systemReason())
      }
      if n == 0 { break }
      if bytes.count + n > maximumReadBytes {
        throw .cannotRead(path: path, reason: "over the limit of \(maximumReadBytes) bytes")
      }
      bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
  }

  // MARK: - Writing

  /// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
  public static func write(_ bytes: [UInt8], to path: String) throws(ImageIOError) {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !name.isEmpty else { throw .cannotWrite(path: path, reason: "path names a folder") }

    var fd: Int32 = -1
    var temp = ""
    for _ in 0..<16 {
      temp = folder + "." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
      fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o666)
      if fd >= 0 || errno != EEXIST { break }
    }
    guard fd >= 0 else { throw .cannotWrite(path: path, reason: systemReason()) }

    var written = 0
    var failure: String? = nil
    bytes.withUnsafeBytes { raw in
      while written < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
        if n < 0 {
          if errno == EINTR { continue }
          failure = systemReason()
          return
        }
        written += n
      }
    }
    if close(fd) != 0, failure == nil { failure = systemReason() }
    if failure == nil, rename(temp, path) != 0 { failure = systemReason() }
    if let failure {
      unlink(temp)
      throw .cannotWrite(path: path, reason: failure)
    }
  }

  /// The text of the current `errno`, e.g. "No such file or directory".
  static func systemReason() -> String { String(cString: strerror(errno)) }
}
