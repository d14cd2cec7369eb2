#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - MappedFile

/// A whole file mapped read-only into memory (page-aligned, so the container's 16-byte data
/// alignment holds in memory too). Unmapped when the object goes away.
///
/// ```swift
/// let file = try MappedFile(path: "models/tiny.dnm")
/// let container = try TensorContainer(file.bytes)   // keep `file` alive while in use
/// ```
public final class MappedFile {
  public let path: String
  public let bytes: UnsafeRawBufferPointer

  public init(path: String) throws(FileIOError) {
    self.path = path
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw FileIOError(path: path, "cannot open (\(systemErrorText()))") }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) != 0 { throw FileIOError(path: path, "cannot read (\(systemErrorText()))") }
    if (info.st_mode & S_IFMT) == S_IFDIR { throw FileIOError(path: path, "is a folder, not a file") }
    let size = Int(info.st_size)
    if size == 0 {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
      throw FileIOError(path: path, "cannot map into memory (\(systemErrorText()))")
    }
    bytes = UnsafeRawBufferPointer(start: base, count: size)
  }

  deinit {
    if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }
}
