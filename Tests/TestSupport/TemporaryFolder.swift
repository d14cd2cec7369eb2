import Foundation

// MARK: - Temporary folders

/// A new, empty, uniquely named folder in the system's temporary folder, created with
/// `mkdtemp`; the caller removes it.
///
/// ```swift
/// let folder = makeTemporaryFolder("dancenet-ckpt")   // e.g. /tmp/dancenet-ckpt-a8Xk2p
/// defer { try? FileManager.default.removeItem(atPath: folder) }
/// ```
public func makeTemporaryFolder(_ prefix: String) -> String {
  var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
  return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

/// A fresh path in the temporary folder that does not exist yet (for commands that must
/// create their own output folder).
public func unusedTemporaryPath(_ prefix: String) -> String {
  NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
}
