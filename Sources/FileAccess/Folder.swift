import Foundation

// MARK: - Folder

/// Output folders: created with their parents when missing, refused with one line when the
/// path is something else.
///
/// ```swift
/// try Folder.create("out/dance")         // creates out/ and out/dance/ if needed
/// try Folder.create("notes.txt")         // "notes.txt: is not a folder" (it is a file)
/// ```
public enum Folder {
  /// Creates `path` (and its parents) unless it is already a folder.
  public static func create(_ path: String) throws(FileIOError) {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
      if isFolder.boolValue { return }
      throw FileIOError(path: path, "is not a folder")
    }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw FileIOError(path: path, "cannot create the folder")
    }
  }
}
