import FileAccess
import Foundation

// MARK: - FrameFolder

/// Finds training frames laid out like the original's imgs/1.jpg, 2.jpg, ... but as PNGs.
///
/// - A *clip folder* holds numbered frames: files named `N.png` where N is decimal digits
///   (extension in any case, e.g. `7.PNG`). They are listed in numeric order (9.png, 10.png,
///   ...), whatever their number of leading zeros. Gaps in the numbering are allowed and kept
///   as gaps (1.png, 2.png, 5.png is a three-frame clip). Two names with the same number
///   (1.png and 01.png) are an error. Other files and subfolders are ignored.
/// - A folder of clip folders is several clips: its subfolders in name order (plain Unicode
///   order of the names), skipping hidden ones and those without numbered PNGs.
///
/// ```swift
/// // data/1.png ... data/250.png           -> one clip
/// let clips = try FrameFolder.clips(in: "data")   // [["data/1.png", "data/2.png", ...]]
/// // dance/a/1.png..., dance/b/1.png...      -> two clips, a then b
/// let two = try FrameFolder.clips(in: "dance")    // [["dance/a/1.png", ...], ["dance/b/1.png", ...]]
/// ```
public enum FrameFolder {
  /// The numbered PNGs directly inside `folder`, in numeric order (empty if there are none).
  public static func frames(in folder: String) throws(ImageIOError) -> [String] {
    let names = try list(folder)
    var numbered: [(digits: Substring, name: String)] = []
    for name in names {
      guard let digits = frameNumber(name) else { continue }
      if isFolder(join(folder, name)) { continue }
      numbered.append((digits, name))
    }
    numbered.sort { a, b in
      a.digits.count != b.digits.count ? a.digits.count < b.digits.count : a.digits < b.digits
    }
    for i in numbered.indices.dropFirst() where numbered[i].digits == numbered[i - 1].digits {
      let pair = [numbered[i - 1].name, numbered[i].name].sorted()
      throw .duplicateFrameNumber(path: folder, first: pair[0], second: pair[1])
    }
    return numbered.map { join(folder, $0.name) }
  }

  /// The clips under `folder`: its own numbered PNGs as one clip if it has any, otherwise one
  /// clip per subfolder holding numbered PNGs, in name order. Never returns an empty list.
  public static func clips(in folder: String) throws(ImageIOError) -> [[String]] {
    let own = try frames(in: folder)
    if !own.isEmpty { return [own] }
    var result: [[String]] = []
    for name in try list(folder).sorted() where !name.hasPrefix(".") {
      let sub = join(folder, name)
      guard isFolder(sub) else { continue }
      let clip = try frames(in: sub)
      if !clip.isEmpty { result.append(clip) }
    }
    if result.isEmpty { throw .noFrames(path: folder) }
    return result
  }

  // MARK: - Helpers

  /// The number's digits without leading zeros ("0" for all zeros), or nil if `name` is not
  /// digits followed by ".png" (any case).
  static func frameNumber(_ name: String) -> Substring? {
    guard name.count > 4, name.suffix(4).lowercased() == ".png" else { return nil }
    let digits = name.dropLast(4)
    guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    let trimmed = digits.drop { $0 == "0" }
    return trimmed.isEmpty ? "0" : trimmed
  }

  static func join(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }

  static func isFolder(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// Entry names of `folder` (without "." and ".."), unsorted.
  static func list(_ folder: String) throws(ImageIOError) -> [String] {
    var info = stat()
    guard stat(folder, &info) == 0 else {
      if errno == ENOENT { throw .noSuchFolder(path: folder) }
      throw .cannotList(path: folder, reason: systemErrorText())
    }
    guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .notAFolder(path: folder) }
    guard let dir = opendir(folder) else {
      throw .cannotList(path: folder, reason: systemErrorText())
    }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }
}
