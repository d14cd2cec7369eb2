import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - FileIOError

/// A file could not be written or read, or its contents are not acceptable. `message` is one
/// line that starts with the path: "runs/a.ckpt: damaged (checksum mismatch)".
public struct FileIOError: Error, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public init(path: String, _ problem: String) { message = "\(path): \(problem)" }
  public var description: String { message }
}

// MARK: - AtomicFile

/// Writes a file so that the path holds either its old contents or the complete new contents,
/// never a half file: the bytes go to a temporary file in the same folder (created exclusively),
/// are flushed to disk with fsync, and the temporary file is renamed over the path (rename is
/// atomic within one file system). On any failure the temporary file is removed and one line
/// is thrown.
///
/// ```swift
/// try AtomicFile.write([0x44, 0x4E], to: "models/tiny.dnm")
/// // writes models/.tiny.dnm.tmp-<pid>-<n>, fsyncs, renames to models/tiny.dnm
/// try AtomicFile.write([1], to: "missing/x.bin")
/// // throws "missing/x.bin: cannot create (No such file or directory)"
/// ```
public enum AtomicFile {
  private static let counter = Atomic<Int>(0)

  /// Writes `bytes` to `path` atomically.
  public static func write(_ bytes: [UInt8], to path: String) throws(FileIOError) {
    var failure: FileIOError? = nil
    bytes.withUnsafeBytes { buffer in
      do throws(FileIOError) { try write(buffer, to: path) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  /// Writes `buffer` to `path` atomically.
  public static func write(_ buffer: UnsafeRawBufferPointer, to path: String) throws(FileIOError) {
    let (folder, file) = split(path)
    if file.isEmpty { throw FileIOError(path: path, "not a file name") }
    let serial = counter.add(1, ordering: .relaxed).newValue
    let temporary = folder + "." + file + ".tmp-\(getpid())-\(serial)"

    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    if fd < 0 { throw FileIOError(path: path, "cannot create (\(errnoText()))") }
    var failure: String? = nil
    var written = 0
    while written < buffer.count && failure == nil {
      let n = systemWrite(fd, buffer.baseAddress! + written, buffer.count - written)
      if n < 0 {
        if errno != EINTR { failure = "cannot write (\(errnoText()))" }
      } else {
        written += n
      }
    }
    if failure == nil && fsync(fd) != 0 { failure = "cannot flush to disk (\(errnoText()))" }
    if close(fd) != 0 && failure == nil { failure = "cannot close (\(errnoText()))" }
    if failure == nil && rename(temporary, path) != 0 {
      failure = "cannot rename into place (\(errnoText()))"
    }
    if let failure {
      unlink(temporary)
      throw FileIOError(path: path, failure)
    }
    // Make the rename itself durable; a folder that cannot be opened or synced is not an error
    // for the file's contents.
    let dirfd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dirfd >= 0 {
      _ = fsync(dirfd)
      close(dirfd)
    }
  }

  /// ("models/", "tiny.dnm") for "models/tiny.dnm"; ("", "x") for "x".
  static func split(_ path: String) -> (folder: String, file: String) {
    guard let slash = path.lastIndex(of: "/") else { return ("", path) }
    return (String(path[...slash]), String(path[path.index(after: slash)...]))
  }
}

/// write(2), named apart from `AtomicFile.write`.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(fd, bytes, count)
}

/// The C library's text for the current errno, e.g. "No such file or directory".
func errnoText() -> String { String(cString: strerror(errno)) }
