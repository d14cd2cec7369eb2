import FileAccess
import ImageIO

// MARK: - Output format

/// `generate --format`: a stream (y4m, pgm, raw) or numbered PNG files.
enum FrameOutputFormat: String, CaseIterable {
  case y4m, pgm, raw, png

  /// The stream layout; nil for PNG files.
  var stream: FrameStreamFormat? { FrameStreamFormat(rawValue: rawValue) }
}

// MARK: - FrameOutput

/// Where `generate` puts its frames, fed a frame at a time, whole or row by row:
///
/// | flags | destination |
/// |---|---|
/// | (none), `--format y4m\|pgm\|raw` | the stream on stdout (default y4m) |
/// | `--out DIR` or `--out DIR --format png` | DIR/1.png, DIR/2.png, ..., each written atomically |
/// | `--out DIR --format y4m\|pgm\|raw` | one file DIR/dance.y4m (.pgm, .raw), which appears only complete, after the last frame |
///
/// With a contact sheet, every k-th frame (at most 48, 8 columns) is kept and written by `finish`.
///
/// ```swift
/// let out = try FrameOutput(format: .y4m, folder: nil, width: 208, height: 120, fps: 25,
///                           frames: 250, contactSheet: nil)
/// try out.write(frame: pixels)   // or beginFrame(), append(row:) × 120, endFrame()
/// try out.finish()               // "stdout (y4m, 208x120, 25 fps)"
/// ```
final class FrameOutput {
  enum Destination {
    case stdout(FrameStreamWriter<StandardOutput>)
    case file(FrameStreamWriter<AtomicFileWriter>)
    case pngFolder(String)
  }

  let destination: Destination
  let width: Int
  let height: Int
  let fps: Int
  let format: FrameOutputFormat
  let contactSheet: String?
  private let sheetEvery: Int
  private(set) var sheet: [GrayImage] = []
  /// The current frame, assembled from its rows when a PNG or the contact sheet needs it.
  private var frame: [UInt8]
  private var index = 0
  private var row = 0

  /// Opens the destination: creates DIR (and for a stream file its hidden temporary file).
  init(
    format: FrameOutputFormat, folder: String?, width: Int, height: Int, fps: Int, frames: Int,
    contactSheet: String?
  ) throws(FileIOError) {
    self.format = format
    self.width = width
    self.height = height
    self.fps = fps
    self.contactSheet = contactSheet
    sheetEvery = ContactSheet.stride(frameCount: frames, tiles: 48)
    frame = [UInt8](repeating: 0, count: width * height)
    if let folder { try Folder.create(folder) }
    switch (format.stream, folder) {
    case (nil, let folder?):
      destination = .pngFolder(folder)
    case (let stream?, let folder?):
      let file = try AtomicFileWriter(path: Self.streamFile(folder: folder, format: stream))
      destination = .file(
        FrameStreamWriter(format: stream, width: width, height: height, fps: fps, output: file))
    case (let stream?, nil):
      destination = .stdout(
        FrameStreamWriter(format: stream, width: width, height: height, fps: fps, output: StandardOutput()))
    case (nil, nil):
      preconditionFailure("PNG frames need a folder (GenerateCommand.validate)")
    }
  }

  /// DIR/dance.y4m, DIR/dance.pgm, DIR/dance.raw.
  static func streamFile(folder: String, format: FrameStreamFormat) -> String {
    (folder.hasSuffix("/") ? folder : folder + "/") + "dance." + format.fileExtension
  }

  /// Whether the current frame must be assembled here (PNG files, contact sheet frames).
  private var keepsFrame: Bool {
    if case .pngFolder = destination { return true }
    return contactSheet != nil && index % sheetEvery == 0
  }

  // MARK: - Frames

  /// Starts frame `index` (0-based); `height` rows follow, then `endFrame`.
  func beginFrame() {
    row = 0
    switch destination {
    case .stdout(let w): w.beginFrame()
    case .file(let w): w.beginFrame()
    case .pngFolder: break
    }
  }

  /// The next row: `width` pixels, left to right, top row first.
  func append(row pixels: UnsafeBufferPointer<UInt8>) {
    switch destination {
    case .stdout(let w): w.append(row: pixels)
    case .file(let w): w.append(row: pixels)
    case .pngFolder: break
    }
    if keepsFrame {
      frame.withUnsafeMutableBufferPointer { f in
        _ = UnsafeMutableBufferPointer(rebasing: f[(row * width)..<((row + 1) * width)]).initialize(
          fromContentsOf: pixels)
      }
    }
    row += 1
  }

  /// Ends the frame: the stream gets it, or DIR/(index + 1).png is written. A stream whose reader
  /// went away throws `FrameStreamError.readerClosed`.
  func endFrame() throws {
    if keepsFrame {
      let image = GrayImage(width: width, height: height, pixels: frame)
      if contactSheet != nil && index % sheetEvery == 0 { sheet.append(image) }
      if case .pngFolder(let folder) = destination {
        try PNGFile.write(image, to: "\(folder)/\(index + 1).png")
      }
    }
    index += 1
    switch destination {
    case .stdout(let w): try w.endFrame()
    case .file(let w): try w.endFrame()
    case .pngFolder: break
    }
  }

  /// A whole frame, height × width pixels.
  func write(frame pixels: UnsafeBufferPointer<UInt8>) throws {
    beginFrame()
    for r in 0..<height {
      append(row: UnsafeBufferPointer(rebasing: pixels[(r * width)..<((r + 1) * width)]))
    }
    try endFrame()
  }

  // MARK: - End

  /// Commits a stream file, writes the contact sheet; returns where the frames went, for the
  /// summary line.
  @discardableResult
  func finish() throws -> String {
    var place: String
    switch destination {
    case .stdout: place = "stdout"
    case .file(let w):
      try w.output.commit()
      place = w.output.path
    case .pngFolder(let folder): place = folder
    }
    try writeContactSheet()
    place += " (\(format.rawValue), \(width)x\(height)"
    return format == .png ? place + ")" : place + ", \(fps) fps)"
  }

  /// Writes the contact sheet of the frames kept so far (also after a reader closed the stream).
  func writeContactSheet() throws {
    if let contactSheet, !sheet.isEmpty {
      try PNGFile.write(ContactSheet.make(sheet, columns: 8), to: contactSheet)
    }
  }
}
