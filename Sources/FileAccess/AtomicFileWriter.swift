import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - AtomicFileWriter

/// An all-or-nothing file written in pieces: the bytes go to a hidden temporary file in the
/// destination's folder (created exclusively); `commit` flushes it to disk and renames it over
/// the destination. Until then the destination keeps its old contents (or stays absent); a
/// writer dropped without `commit`, a failed write and a failed commit remove the temporary
/// file. `AtomicFile.write` is this in one call; a stream too long to hold in memory (a dance
/// written as one y4m file) uses it directly.
///
/// ```swift
/// let out = try AtomicFileWriter(path: "out/dance.y4m")   // out/.dance.y4m.tmp-PID-N
/// try header.withUnsafeBytes { try out.write($0) }
/// try frame.withUnsafeBytes { try out.write($0) }          // as many pieces as needed
/// try out.commit()                                         // fsync, rename: out/dance.y4m
/// ```
public final class AtomicFileWriter {
  /// The destination.
  public let path: String
  /// The temporary file's path, next to the destination.
  public let temporaryPath: String
  private let folder: String
  private var fd: Int32
  private var finished = false

  /// Creates the temporary file; one line naming `path` when that is impossible.
  public init(path: String) throws(FileIOError) {
    let slash = path.lastIndex(of: "/")
    folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !name.isEmpty else { throw .cannotWrite(path, "path names a folder") }
    self.path = path
    let serial = Self.counter.add(1, ordering: .relaxed).newValue
    temporaryPath = folder + "." + name + ".tmp-\(getpid())-\(serial)"
    fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .cannotWrite(path, systemErrorText()) }
  }

  deinit { abandon() }

  // MARK: - Writing

  /// Appends `buffer`; on failure the temporary file is removed and one line is thrown.
  public func write(_ buffer: UnsafeRawBufferPointer) throws(FileIOError) {
    precondition(!finished, "AtomicFileWriter used after commit or failure")
    if let code = FileDescriptorOutput.writeAll(fd, buffer) {
      try fail(FileDescriptorOutput.text(code))
    }
  }

  /// Flushes the file to disk and renames it over the destination.
  public func commit() throws(FileIOError) {
    precondition(!finished, "AtomicFileWriter committed twice")
    if fsync(fd) != 0 { try fail("cannot flush to disk: " + systemErrorText()) }
    let closed = close(fd)
    fd = -1
    if closed != 0 { try fail(systemErrorText()) }
    if rename(temporaryPath, path) != 0 { try fail("cannot rename into place: " + systemErrorText()) }
    finished = true
    // Make the rename itself durable; a folder that cannot be synced does not harm the file.
    let dirfd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dirfd >= 0 {
      _ = fsync(dirfd)
      close(dirfd)
    }
  }

  /// Removes the temporary file (nothing when already committed or abandoned).
  public func abandon() {
    if finished { return }
    finished = true
    if fd >= 0 { close(fd) }
    fd = -1
    unlink(temporaryPath)
  }

  private func fail(_ reason: String) throws(FileIOError) -> Never {
    abandon()
    throw .cannotWrite(path, reason)
  }

  /// Numbers temporary files within this process.
  private static let counter = Atomic<Int>(0)
}
