// MARK: - ContactSheet

/// A grid of frames in one image, so a person can look at a whole dance (or a set of
/// reconstructions, or a generated sequence) at a glance.
///
/// Frames are placed left to right, top to bottom, in cells as large as the largest frame,
/// `gap` pixels apart and `gap` pixels from the border; a smaller frame sits in its cell's top
/// left corner. Unused cells and gaps are `background`.
///
/// ```swift
/// let frames = (0..<5).map { _ in GrayImage(width: 208, height: 120, fill: 240) }
/// let sheet = ContactSheet.make(frames, columns: 3)
/// (sheet.width, sheet.height)                          // (632, 246): 3 x 2 cells, 2-pixel gaps
/// ContactSheet.stride(frameCount: 20_000, tiles: 48)   // 417: every 417th frame fits 48 tiles
/// ```
public enum ContactSheet {
  /// The grid of `frames` with `columns` cells per row (columns > 0, frames not empty).
  public static func make(
    _ frames: [GrayImage], columns: Int, gap: Int = 2, background: UInt8 = 128
  ) -> GrayImage {
    precondition(!frames.isEmpty && columns > 0 && gap >= 0)
    let cellWidth = frames.map(\.width).max()!, cellHeight = frames.map(\.height).max()!
    let columns = Swift.min(columns, frames.count)
    let rows = (frames.count + columns - 1) / columns
    var sheet = GrayImage(
      width: columns * cellWidth + (columns + 1) * gap,
      height: rows * cellHeight + (rows + 1) * gap, fill: background)
    for (i, frame) in frames.enumerated() {
      let left = gap + (i % columns) * (cellWidth + gap)
      let top = gap + (i / columns) * (cellHeight + gap)
      for row in 0..<frame.height {
        let source = row * frame.width, target = (top + row) * sheet.width + left
        sheet.pixels.replaceSubrange(
          target..<(target + frame.width), with: frame.pixels[source..<(source + frame.width)])
      }
    }
    return sheet
  }

  /// The smallest step k such that frames 0, k, 2k, ... of `frameCount` frames number at most
  /// `tiles` (both > 0).
  public static func stride(frameCount: Int, tiles: Int) -> Int {
    precondition(frameCount > 0 && tiles > 0)
    return Swift.max(1, (frameCount + tiles - 1) / tiles)
  }
}
