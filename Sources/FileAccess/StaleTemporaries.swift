#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Temporary files of killed runs

extension AtomicFileWriter {
  /// Removes the temporary files that writers of `path` left when their process was killed
  /// (`kill -9` mid-write): hidden siblings named `.<name>.tmp-<pid>-<n>` whose process no
  /// longer exists. Those of live processes (this one included) are kept. Returns how many
  /// were removed. Checkpoints and models call it before they are written, so that repeated
  /// kills during training do not pile up copies of a checkpoint.
  ///
  /// ```swift
  /// // runs/a/.seq.ckpt.tmp-4242-1 left by a killed run (process 4242 is gone)
  /// AtomicFileWriter.removeStaleTemporaries(of: "runs/a/seq.ckpt")   // 1
  /// ```
  @discardableResult
  public static func removeStaleTemporaries(of path: String) -> Int {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let prefix = "." + name + ".tmp-"
    guard !name.isEmpty, let dir = opendir(folder.isEmpty ? "." : folder) else { return 0 }
    var stale: [String] = []
    while let entry = readdir(dir) {
      let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      guard entryName.hasPrefix(prefix) else { continue }
      let rest = entryName.dropFirst(prefix.count)
      guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { stale.append(folder + entryName) }
    }
    closedir(dir)
    return stale.reduce(0) { $0 + (unlink($1) == 0 ? 1 : 0) }
  }
}
