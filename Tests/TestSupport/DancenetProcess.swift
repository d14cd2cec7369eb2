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
    let r = try runCapturingBytes(arguments)
    return (r.status, String(decoding: r.stdout, as: UTF8.self), r.stderr)
  }

  /// Runs `dancenet` with `arguments`; returns (exit status, stdout bytes, stderr). `stdout`,
  /// when given, replaces the captured pipe (e.g. /dev/full); the bytes are then empty.
  /// `environment` adds to (or replaces) variables of this process's environment, e.g.
  /// `["OPENBLAS_NUM_THREADS": "2"]`.
  public static func runCapturingBytes(
    _ arguments: [String], stdout: FileHandle? = nil, environment: [String: String] = [:]
  ) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
    try launch(arguments, stdout: stdout, environment: environment) { $0.readDataToEndOfFile() }
  }

  /// Runs `dancenet`, reads the first `keep` bytes of its stdout and closes the pipe, as
  /// `| head -c KEEP` does; returns (exit status, the bytes read, stderr).
  public static func runClosingStdout(
    _ arguments: [String], after keep: Int
  ) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
    try launch(arguments, stdout: nil) { out in
      var kept = Data()
      while kept.count < keep {
        let chunk = out.readData(ofLength: keep - kept.count)
        if chunk.isEmpty { break }
        kept.append(chunk)
      }
      try out.close()
      return kept
    }
  }

  /// Starts the process with stdout to `stdout` or a pipe that `read` drains, then reads
  /// stderr to its end and waits.
  private static func launch(
    _ arguments: [String], stdout: FileHandle?, environment: [String: String] = [:],
    read: (FileHandle) throws -> Data
  ) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
    let process = Process()
    process.executableURL = try dancenetBinary()
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = stdout ?? out
    process.standardError = err
    try process.run()
    let outData = stdout == nil ? try read(out.fileHandleForReading) : Data()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, [UInt8](outData), String(decoding: errData, as: UTF8.self))
  }
}
