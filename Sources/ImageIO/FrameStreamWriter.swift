import FileAccess

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - FrameStreamWriter

/// Writes a dance as one `FrameStreamFormat` stream, a frame at a time, each frame given whole
/// or as a sequence of rows (a row-by-row producer hands each finished row over as it
/// comes). The stream header goes out with the first frame; each frame leaves in one write when
/// its last row arrives. All storage is allocated once in `init`: writing frames allocates
/// nothing.
///
/// ```swift
/// let out = FrameStreamWriter(format: .y4m, width: 208, height: 120, fps: 25, output: StandardOutput())
/// out.beginFrame()
/// for r in 0..<120 { out.append(row: rows[r]) }     // 208 pixels each, top row first
/// try out.endFrame()   // stdout gets "YUV4MPEG2 W208 H120 F25:1 Ip A1:1 Cmono\n" + "FRAME\n" + pixels
/// try out.write(frame: pixels)                      // the same for a whole frame: "FRAME\n" + pixels
/// ```
public final class FrameStreamWriter<Output: FrameStreamOutput> {
  public let format: FrameStreamFormat
  public let width: Int
  public let height: Int
  public let output: Output
  /// Frames handed to the output so far.
  public private(set) var framesWritten = 0

  private let frameHeader: [UInt8]
  /// Stream header (first frame only), frame header, pixels: one write per frame.
  private let buffer: UnsafeMutableRawBufferPointer
  private var used = 0
  /// Rows of the current frame so far; nil between frames.
  private var rows: Int? = nil

  public init(format: FrameStreamFormat, width: Int, height: Int, fps: Int, output: Output) {
    self.format = format
    self.width = width
    self.height = height
    self.output = output
    let streamHeader = format.streamHeader(width: width, height: height, fps: fps)
    frameHeader = format.frameHeader(width: width, height: height)
    buffer = .allocate(byteCount: streamHeader.count + frameHeader.count + width * height, alignment: 16)
    streamHeader.withUnsafeBytes { buffer.copyMemory(from: $0) }
    used = streamHeader.count
  }

  deinit { buffer.deallocate() }

  // MARK: - Frames as rows

  /// Starts a frame; `height` rows must follow, then `endFrame`.
  public func beginFrame() {
    precondition(rows == nil, "beginFrame inside a frame")
    frameHeader.withUnsafeBytes {
      UnsafeMutableRawBufferPointer(rebasing: buffer[used...]).copyMemory(from: $0)
    }
    used += frameHeader.count
    rows = 0
  }

  /// The next row of the current frame: `width` pixels, left to right.
  public func append(row: UnsafeBufferPointer<UInt8>) {
    guard let r = rows, r < height else {
      preconditionFailure("append(row:) outside a frame or past its last row")
    }
    precondition(row.count == width, "a row of \(row.count) pixels in a stream \(width) wide")
    UnsafeMutableRawBufferPointer(rebasing: buffer[used...]).copyMemory(from: UnsafeRawBufferPointer(row))
    used += width
    rows = r + 1
  }

  /// Ends the frame after its last row and writes it out.
  public func endFrame() throws(FrameStreamError) {
    precondition(rows == height, "endFrame after \(rows ?? 0) of \(height) rows")
    rows = nil
    let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<used])
    used = 0
    try output.send(bytes)
    framesWritten += 1
  }

  // MARK: - Whole frames

  /// One whole frame: height × width pixels, rows top to bottom.
  public func write(frame pixels: UnsafeBufferPointer<UInt8>) throws(FrameStreamError) {
    precondition(pixels.count == width * height, "a frame of \(pixels.count) pixels, not \(width)x\(height)")
    beginFrame()
    for r in 0..<height {
      append(row: UnsafeBufferPointer(rebasing: pixels[(r * width)..<((r + 1) * width)]))
    }
    try endFrame()
  }
}

// MARK: - Where a stream goes

/// Why a frame stream stopped.
public enum FrameStreamError: Error, Equatable, CustomStringConvertible {
  /// The reader of the pipe went away (EPIPE: `| head -c 1000`, a closed player): a normal end.
  case readerClosed
  /// Any other failure, one line naming the destination ("stdout: cannot write (No space left on
  /// device)").
  case cannotWrite(FileIOError)

  public var description: String {
    switch self {
    case .readerClosed: return "the reader closed the stream"
    case .cannotWrite(let e): return e.description
    }
  }
}

/// A destination for a frame stream's bytes.
public protocol FrameStreamOutput {
  /// Writes every byte or throws.
  func send(_ bytes: UnsafeRawBufferPointer) throws(FrameStreamError)
}

/// The process's standard output. A closed reader is `readerClosed` only when SIGPIPE is
/// ignored (`ignoreBrokenPipeSignal`); otherwise the signal ends the process first.
///
/// ```swift
/// StandardOutput.ignoreBrokenPipeSignal()
/// try StandardOutput().send(bytes)   // EPIPE -> .readerClosed; ENOSPC -> "stdout: cannot write (...)"
/// ```
public struct StandardOutput: FrameStreamOutput {
  public init() {}

  public func send(_ bytes: UnsafeRawBufferPointer) throws(FrameStreamError) {
    guard let code = FileDescriptorOutput.writeAll(STDOUT_FILENO, bytes) else { return }
    if code == EPIPE { throw .readerClosed }
    throw .cannotWrite(.cannotWrite("stdout", FileDescriptorOutput.text(code)))
  }

  /// Whether stdout is a terminal (where binary frames do not belong).
  public static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

  /// Makes a write to a pipe without a reader fail with EPIPE instead of killing the process.
  public static func ignoreBrokenPipeSignal() { signal(SIGPIPE, SIG_IGN) }
}

/// A stream kept in one file, which appears complete or not at all (commit after the last frame).
extension AtomicFileWriter: FrameStreamOutput {
  public func send(_ bytes: UnsafeRawBufferPointer) throws(FrameStreamError) {
    do throws(FileIOError) { try write(bytes) } catch { throw .cannotWrite(error) }
  }
}
