import Foundation

// MARK: - Folder

/// Output folders: created with their parents when missing, refused with one line (the
/// system's reason included) when the path is something else or cannot be made.
///
/// ```swift
/// try Folder.create("out/dance")         // creates out/ and out/dance/ if needed
/// try Folder.create("notes.txt")         // "notes.txt: is not a folder" (it is a file)
/// try Folder.create("/mnt/ro/new")       // "/mnt/ro/new: cannot create the folder (Read-only file system)"
/// ```
public enum Folder {
  /// Creates `path` (and its parents) unless it is already a folder.
  public static func create(_ path: String) throws(FileIOError) {
    var info = stat()
    if stat(path, &info) == 0 {
      if (info.st_mode & S_IFMT) == S_IFDIR { return }
      throw FileIOError(path: path, "is not a folder")
    }
    let parent = (path as NSString).deletingLastPathComponent
    if !parent.isEmpty && parent != path { try create(parent) }
    if mkdir(path, 0o777) != 0 && errno != EEXIST {
      throw FileIOError(path: path, "cannot create the folder (\(systemErrorText()))")
    }
  }
}
