// MARK: - FrameStreamFormat

/// The byte layouts of a dance as one stream of 8-bit gray frames, for pipes and single files.
/// Every byte a stream holds besides the pixels is spelled out here, and only here.
///
/// - `y4m`: YUV4MPEG2 with the `Cmono` colour space (luma only), what
///   `ffmpeg -f yuv4mpegpipe -i -` and `ffplay -` read. One stream header, then per frame
///   `FRAME\n` and width·height bytes. ffmpeg reads gray y4m only with the tag `Cmono`.
/// - `pgm`: a stream of binary PGM (P5) images, each with its own header, what
///   `ffmpeg -f image2pipe -c:v pgm -i -` reads.
/// - `raw`: bare frames, width·height bytes each, no header
///   (`ffmpeg -f rawvideo -pix_fmt gray -s 208x120 -r 25 -i -`).
///
/// Pixels are rows top to bottom, each left to right, 0 black, 255 white.
///
/// Worked example, the 208×120 frames of the presets at 25 frames per second:
///
/// ```swift
/// FrameStreamFormat.y4m.streamHeader(width: 208, height: 120, fps: 25)
/// // "YUV4MPEG2 W208 H120 F25:1 Ip A1:1 Cmono\n": 40 bytes
/// //  59 55 56 34 4d 50 45 47 32 20 57 32 30 38 20 48 31 32 30 20 46 32 35 3a 31 20 49 70 20
/// //  41 31 3a 31 20 43 6d 6f 6e 6f 0a
/// FrameStreamFormat.y4m.frameHeader(width: 208, height: 120)   // "FRAME\n": 6 bytes
/// FrameStreamFormat.pgm.frameHeader(width: 208, height: 120)   // "P5\n208 120\n255\n": 15 bytes
/// FrameStreamFormat.y4m.streamBytes(frames: 250, width: 208, height: 120, fps: 25)
/// // 40 + 250 · (6 + 24,960) = 6,241,540
/// ```
public enum FrameStreamFormat: String, CaseIterable, Sendable {
  case y4m
  case pgm
  case raw

  /// The largest frame rate a stream header carries (frames per second, whole numbers).
  public static let maximumFPS = 1000

  /// The bytes before the first frame (y4m only; empty for pgm and raw).
  public func streamHeader(width: Int, height: Int, fps: Int) -> [UInt8] {
    precondition(width > 0 && height > 0 && (1...Self.maximumFPS).contains(fps))
    switch self {
    case .y4m: return Array("YUV4MPEG2 W\(width) H\(height) F\(fps):1 Ip A1:1 Cmono\n".utf8)
    case .pgm, .raw: return []
    }
  }

  /// The bytes before each frame's pixels (empty for raw).
  public func frameHeader(width: Int, height: Int) -> [UInt8] {
    precondition(width > 0 && height > 0)
    switch self {
    case .y4m: return Array("FRAME\n".utf8)
    case .pgm: return Array("P5\n\(width) \(height)\n255\n".utf8)
    case .raw: return []
    }
  }

  /// The length of a whole stream of `frames` frames.
  public func streamBytes(frames: Int, width: Int, height: Int, fps: Int) -> Int {
    streamHeader(width: width, height: height, fps: fps).count
      + frames * (frameHeader(width: width, height: height).count + width * height)
  }

  /// The file name extension of a stream kept in one file: "y4m", "pgm", "raw".
  public var fileExtension: String { rawValue }
}
