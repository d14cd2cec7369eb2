#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - FileDescriptorOutput

/// Writing a whole buffer to an open file descriptor with plain `write(2)`: short writes are
/// continued and EINTR retried, so one call either writes every byte or names the `errno` that
/// stopped it. Nothing is allocated.
///
/// ```swift
/// let bytes: [UInt8] = Array("FRAME\n".utf8)
/// let failure = bytes.withUnsafeBytes { FileDescriptorOutput.writeAll(STDOUT_FILENO, $0) }
/// // nil: all 6 bytes written; EPIPE: the reader of a pipe went away (`| head -c 3`);
/// // ENOSPC: the disk (or /dev/full) is full
/// ```
public enum FileDescriptorOutput {
  /// Writes every byte of `buffer` to `fd`; nil on success, else the `errno` of the failed write.
  public static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int32? {
    var written = 0
    while written < buffer.count {
      let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
      if n < 0 {
        if errno == EINTR { continue }
        return errno
      }
      written += n
    }
    return nil
  }

  /// The C library's words for `code`, e.g. "No space left on device" for ENOSPC.
  public static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
