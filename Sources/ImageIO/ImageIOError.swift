import FileAccess

// MARK: - ImageIOError

/// Every problem a user can cause while reading or writing images and frame folders.
/// The description is one line, "PATH: problem", ready to print as is.
///
/// ```swift
/// do { _ = try PNGFile.readGray(path: "frames/3.png") }
/// catch { print(error) }   // frames/3.png: not a PNG file
/// ```
public enum ImageIOError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file could not be read or written (`AtomicFile`: the system's words, strerror).
  case file(FileIOError)
  /// The file exists but holds no bytes.
  case emptyFile(path: String)
  /// The file does not start with the 8-byte PNG signature.
  case notPNG(path: String)
  /// libpng refused the data; `message` is libpng's own text.
  case damaged(path: String, message: String)
  /// A chunk declares more data bytes than the file holds after its header (checked before
  /// libpng, which would allocate the declared size first).
  case chunkPastEnd(path: String, offset: Int, declared: Int, available: Int)
  /// The header declares more pixels than `limit` (decompression-bomb guard).
  case tooManyPixels(path: String, width: Int, height: Int, limit: Int)
  /// A frame of the wrong size under `--strict`.
  case wrongSize(path: String, width: Int, height: Int, expectedWidth: Int, expectedHeight: Int)
  /// A requested size that no image can have (zero or negative).
  case invalidSize(path: String, width: Int, height: Int)
  /// The file could not be written; `reason` is the system's or libpng's words.
  case cannotWrite(path: String, reason: String)
  /// The folder does not exist.
  case noSuchFolder(path: String)
  /// The path exists but is not a folder.
  case notAFolder(path: String)
  /// The folder could not be listed; `reason` is the system's words.
  case cannotList(path: String, reason: String)
  /// The folder holds neither numbered PNGs nor subfolders of them.
  case noFrames(path: String)
  /// Two files in one folder carry the same frame number (e.g. 1.png and 01.png).
  case duplicateFrameNumber(path: String, first: String, second: String)

  /// The file or folder the error is about.
  public var path: String {
    switch self {
    case .file(let e): return e.path
    case .emptyFile(let p), .notPNG(let p), .damaged(let p, _), .chunkPastEnd(let p, _, _, _),
      .tooManyPixels(let p, _, _, _), .wrongSize(let p, _, _, _, _), .invalidSize(let p, _, _),
      .cannotWrite(let p, _), .noSuchFolder(let p), .notAFolder(let p), .cannotList(let p, _),
      .noFrames(let p), .duplicateFrameNumber(let p, _, _):
      return p
    }
  }

  /// The problem, without the path.
  public var problem: String {
    switch self {
    case .file(let e): return e.problem
    case .emptyFile: return "empty file (0 bytes)"
    case .notPNG: return "not a PNG file"
    case .damaged(_, let message): return "damaged PNG (libpng: \(message))"
    case .chunkPastEnd(_, let offset, let declared, let available):
      return
        "damaged PNG (the chunk at byte \(offset) declares \(declared) bytes, the file holds "
        + "\(available) after its header)"
    case .tooManyPixels(_, let w, let h, let limit):
      return "declares \(w)x\(h) pixels, over the limit of \(limit)"
    case .wrongSize(_, let w, let h, let ew, let eh):
      return "is \(w)x\(h), expected \(ew)x\(eh) (--strict)"
    case .invalidSize(_, let w, let h):
      return "cannot make a \(w)x\(h) image (width and height must be at least 1)"
    case .cannotWrite(_, let reason): return "cannot write (\(reason))"
    case .noSuchFolder: return "no such folder"
    case .notAFolder: return "is not a folder"
    case .cannotList(_, let reason): return "cannot list folder (\(reason))"
    case .noFrames:
      return "no numbered PNG frames (expected 1.png, 2.png, ... or subfolders holding them)"
    case .duplicateFrameNumber(_, let a, let b): return "\(a) and \(b) carry the same frame number"
    }
  }

  public var description: String { "\(path): \(problem)" }
}
