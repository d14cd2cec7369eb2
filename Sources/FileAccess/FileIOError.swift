#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - FileIOError

/// A file could not be read or written, or its contents are not acceptable: one line that
/// starts with the path, ready to print as is.
///
/// ```swift
/// let e = FileIOError(path: "runs/a.ckpt", "damaged (checksum mismatch)")
/// e.description   // "runs/a.ckpt: damaged (checksum mismatch)"
/// e.path          // "runs/a.ckpt"
/// e.problem       // "damaged (checksum mismatch)"
/// ```
public struct FileIOError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file or folder the error is about; empty when the message names it itself.
  public var path: String
  /// The problem, without the path.
  public var problem: String

  public init(path: String, _ problem: String) {
    self.path = path
    self.problem = problem
  }

  /// A message that already says which file it is about.
  public init(_ message: String) {
    path = ""
    problem = message
  }

  public var description: String { path.isEmpty ? problem : "\(path): \(problem)" }
  /// Two errors are the same when they read the same.
  public static func == (a: FileIOError, b: FileIOError) -> Bool { a.description == b.description }

  /// The whole line (the same as `description`).
  public var message: String { description }

  /// "PATH: cannot read (REASON)"; `reason` is usually the system's words.
  public static func cannotRead(_ path: String, _ reason: String) -> FileIOError {
    FileIOError(path: path, "cannot read (\(reason))")
  }

  /// "PATH: cannot write (REASON)".
  public static func cannotWrite(_ path: String, _ reason: String) -> FileIOError {
    FileIOError(path: path, "cannot write (\(reason))")
  }
}

// MARK: - System error text

/// The C library's words for the current `errno`, e.g. "No such file or directory".
public func systemErrorText() -> String { String(cString: strerror(errno)) }
