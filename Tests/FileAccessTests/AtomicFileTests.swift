import FileAccess
import Foundation
import TestSupport
import Testing

// MARK: - AtomicFile

fileprivate func temporaryFolder() -> String { makeTemporaryFolder("dancenet-atomic") }

@Suite struct AtomicFileTests {
  @Test func writesReplacesAndLeavesNoTemporaryFile() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/out.bin"
    try AtomicFile.write([1, 2, 3], to: path)
    try AtomicFile.write([4, 5], to: path)
    #expect(FileManager.default.contents(atPath: path) == Data([4, 5]))
    try AtomicFile.write([], to: path)
    #expect(FileManager.default.contents(atPath: path) == Data())
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out.bin"])
  }

  @Test func missingFolderFailsWithOneLineAndWritesNothing() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/missing/out.bin"
    #expect(throws: FileIOError(path + ": cannot write (No such file or directory)")) {
      try AtomicFile.write([1], to: path)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
  }

  @Test func failedRenameKeepsTheOldContentsAndRemovesTheTemporaryFile() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // The destination is a non-empty folder, so the final rename fails after the data is written.
    try FileManager.default.createDirectory(atPath: folder + "/dest/keep", withIntermediateDirectories: true)
    #expect(throws: FileIOError(folder + "/dest: cannot write (cannot rename into place: Is a directory)")) {
      try AtomicFile.write([1, 2], to: folder + "/dest")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["dest"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/dest") == ["keep"])
  }
}
