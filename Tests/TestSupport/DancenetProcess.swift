import Foundation

// MARK: - dancenet as a real process

/// Runs the built `dancenet` executable the way a user does, for the command-line tests.
///
/// ```swift
/// let (status, stdout, stderr) = try DancenetProcess.run(["inspect", "--preset", "tiny"])
/// ```
public enum DancenetProcess {
  /// The built `dancenet` executable: the nearest folder, walking up from the test bundle,
  /// that holds a file named `dancenet`.
  public static func dancenetBinary() throws -> URL {
    let starts = [
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
      Bundle.main.bundleURL,
    ]
    for start in starts {
      var folder = start.standardizedFileURL
      for _ in 0..<6 {
        let candidate = folder.appendingPathComponent("dancenet")
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder),
          !isFolder.boolValue, FileManager.default.isExecutableFile(atPath: candidate.path)
        {
          return candidate
        }
        folder.deleteLastPathComponent()
      }
    }
    throw MissingBinary(searchedFrom: starts[0].path)
  }

  public struct MissingBinary: Error, CustomStringConvertible {
    let searchedFrom: String
    public var description: String { "no dancenet executable found above \(searchedFrom)" }
  }

  /// Runs `dancenet` with `arguments`; returns (exit status, stdout, stderr).
  public static func run(_ arguments: [String]) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = try dancenetBinary()
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      process.terminationStatus, String(decoding: outData, as: UTF8.self),
      String(decoding: errData, as: UTF8.self)
    )
  }
}
