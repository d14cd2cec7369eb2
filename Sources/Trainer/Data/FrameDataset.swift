import Dispatch
import ImageIO

// MARK: - FrameDataset

/// The frames of a dataset folder, loaded once: one or more clips of gray frames at the preset's
/// frame size, with the split into trained and held-out frames.
///
/// ```swift
/// let data = try FrameDataset.load(folder: "frames", width: 208, height: 120, strict: false,
///                                  heldOutPercent: 10) { notice in print(notice) }
/// data.clips.count          // 1 for a folder of numbered PNGs
/// data.split.trainRanges    // [0..<N*9/10]
/// ```
public struct FrameDataset: Sendable {
  public let folder: String
  public let clips: [[GrayImage]]
  public let split: ClipSplit

  public init(folder: String, clips: [[GrayImage]], heldOutPercent: Int) {
    self.folder = folder
    self.clips = clips
    self.split = ClipSplit(clipLengths: clips.map(\.count), heldOutPercent: heldOutPercent)
  }

  public var frameCount: Int { clips.reduce(0) { $0 + $1.count } }

  /// The training frames of every clip, in clip then frame order.
  public var trainingFrames: [GrayImage] {
    zip(clips, split.trainRanges).flatMap { clip, r in clip[r] }
  }

  /// The held-out frames of every clip, in clip then frame order.
  public var heldOutFrames: [GrayImage] {
    zip(clips, split.heldOutRanges).flatMap { clip, r in clip[r] }
  }

  /// Loads every clip under `folder` (see `FrameFolder`), decoding in parallel; the result does
  /// not depend on the thread count. Resize notices are collected and reported in file order:
  /// the first few one by one, then a count.
  public static func load(
    folder: String, width: Int, height: Int, strict: Bool, heldOutPercent: Int,
    notice: (String) -> Void
  ) throws(ImageIOError) -> FrameDataset {
    let paths = try FrameFolder.clips(in: folder)
    let flat = paths.flatMap { $0 }
    let results = UnsafeMutableBufferPointer<Result<(GrayImage, String?), ImageIOError>?>.allocate(
      capacity: flat.count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    let workers = 4
    let shared = SendableBuffer(results)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      var i = w
      while i < flat.count {
        var message: String? = nil
        do throws(ImageIOError) {
          let img = try FrameLoader.load(
            path: flat[i], width: width, height: height, strict: strict
          ) { message = $0 }
          shared.buffer[i] = .success((img, message))
        } catch {
          shared.buffer[i] = .failure(error)
        }
        i += workers
      }
    }
    var images: [GrayImage] = []
    images.reserveCapacity(flat.count)
    var resized = 0
    for r in results {
      switch r! {
      case .failure(let e): throw e
      case .success(let (img, message)):
        if let m = message {
          resized += 1
          if resized <= 3 { notice(m) }
        }
        images.append(img)
      }
    }
    if resized > 3 { notice("\(resized) frames in all were resized to \(width)x\(height)") }
    var clips: [[GrayImage]] = []
    var start = 0
    for p in paths {
      clips.append(Array(images[start..<(start + p.count)]))
      start += p.count
    }
    return FrameDataset(folder: folder, clips: clips, heldOutPercent: heldOutPercent)
  }
}

/// Lets worker threads write disjoint slots of one buffer.
private struct SendableBuffer<T>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<T>
  init(_ b: UnsafeMutableBufferPointer<T>) { buffer = b }
}
