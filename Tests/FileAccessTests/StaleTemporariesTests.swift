import FileAccess
import Foundation
import TestSupport
import Testing

// MARK: - Temporary files of killed runs

@Suite struct StaleTemporariesTests {
  /// Files named like a writer's temporaries: of a process that cannot exist (pid above Linux's
  /// largest, 4,194,304), of this live process, of another destination and a malformed one;
  /// only the first goes, and the destination itself is untouched.
  @Test func removesOnlyThoseOfProcessesThatAreGone() throws {
    let folder = makeTemporaryFolder("dancenet-stale")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let me = getpid()
    let names = [
      "seq.ckpt", ".seq.ckpt.tmp-99999999-1", ".seq.ckpt.tmp-\(me)-7", ".vae.ckpt.tmp-99999999-1",
      ".seq.ckpt.tmp-x-1",
    ]
    for name in names {
      #expect(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data([1])))
    }
    #expect(AtomicFileWriter.removeStaleTemporaries(of: folder + "/seq.ckpt") == 1)
    let left = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    #expect(left == names.filter { $0 != ".seq.ckpt.tmp-99999999-1" }.sorted())
    // nothing to do, and a folder that does not exist, are both no-ops
    #expect(AtomicFileWriter.removeStaleTemporaries(of: folder + "/seq.ckpt") == 0)
    #expect(AtomicFileWriter.removeStaleTemporaries(of: folder + "/missing/seq.ckpt") == 0)
  }
}
