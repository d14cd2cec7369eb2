import Trainer

// MARK: - EvaluationError

/// A problem with the inputs of an evaluation metric, described in one line that names the thing
/// and the problem.
///
/// ```swift
/// do { _ = try ImageMetrics.psnr(a, b) } catch { print(error) }
/// // "PSNR: images differ in size (208x120 vs 104x60)"
/// ```
public struct EvaluationError: Error, Equatable, CustomStringConvertible, Sendable {
  public let message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
