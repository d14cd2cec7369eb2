import Foundation

// MARK: - StageTimes

/// Wall time per named stage, in the order stages first ran; a stage timed again adds to its
/// total (a per-frame step summed over frames). `quantize` prints them, so where the time goes
/// is visible on every run.
///
/// ```swift
/// let times = StageTimes()
/// let stats = times.time("statistics") { prepared.statistics() }
/// for _ in 0..<3 { times.time("decode") { decodeOne() } }
/// times.lines   // ["statistics 81.2 s", "decode 0.4 s"]
/// ```
public final class StageTimes: @unchecked Sendable {
  public private(set) var stages: [(name: String, seconds: Double)] = []

  public init() {}

  /// Runs `body` and adds its wall time to stage `name`.
  public func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
    let start = ContinuousClock.now
    defer {
      let d = ContinuousClock.now - start
      add(name, seconds: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    return try body()
  }

  public func add(_ name: String, seconds: Double) {
    if let i = stages.firstIndex(where: { $0.name == name }) {
      stages[i].seconds += seconds
    } else {
      stages.append((name, seconds))
    }
  }

  public var total: Double { stages.reduce(0) { $0 + $1.seconds } }

  /// "name 12.3 s", one per stage.
  public var lines: [String] { stages.map { "\($0.name) \(String(format: "%.1f", $0.seconds)) s" } }
}
