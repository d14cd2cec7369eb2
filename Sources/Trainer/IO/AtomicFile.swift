import ImageIO

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

/// `ImageIO.AtomicFile` (temporary file, fsync, rename) with its error as a `FileIOError`, so
/// the trainer's loaders and writers throw one error type.
///
/// ```swift
/// try AtomicFile.write([0x44, 0x4E], to: "models/tiny.dnm")
/// // writes models/.tiny.dnm.tmp-<pid>-<n>, fsyncs, renames to models/tiny.dnm
/// ```
public enum AtomicFile {
  public static func write(_ bytes: [UInt8], to path: String) throws(FileIOError) {
    do { try ImageIO.AtomicFile.write(bytes, to: path) } catch { throw FileIOError(error.description) }
  }

  public static func write(_ buffer: UnsafeRawBufferPointer, to path: String) throws(FileIOError) {
    do { try ImageIO.AtomicFile.write(buffer, to: path) } catch { throw FileIOError(error.description) }
  }
}

/// The C library's text for the current errno, e.g. "No such file or directory".
func errnoText() -> String { String(cString: strerror(errno)) }
