import FileAccess

// MARK: - SamplingTemperatures

/// The two sampling temperatures of the MDN (`MDNSampler`): τπ divides the mixture logits, τσ
/// scales every standard deviation. A model file records its default pair under
/// `generation.pi_temperature` and `generation.sigma_temperature` (docs/FORMAT.md); `generate`
/// and `eval` use them when no `--pi-temp` / `--sigma-temp` is given, and the int8 file carries
/// them on.
///
/// Text form of a value: decimal digits with an optional fraction (`1`, `0.5`, `0.30`), no sign,
/// no exponent, at most 16 characters. Ranges: 0.01 ≤ τπ ≤ 10 and 0 ≤ τσ ≤ 10. A file without
/// the keys samples at τπ = τσ = 1 (the model's own mixture).
///
/// ```swift
/// let t = try SamplingTemperatures(metadata: ["generation.pi_temperature": "0.5"], path: "m.dnm")
/// t   // pi 0.5, sigma 1 (absent key: 1)
/// t.metadataEntries   // ["generation.pi_temperature": "0.5", "generation.sigma_temperature": "1.0"]
/// SamplingTemperatures.problem(pi: 0, sigma: 1)
/// // "pi-temperature 0.0 must be in 0.01...10"
/// ```
public struct SamplingTemperatures: Sendable, Equatable, Hashable {
  public var pi: Double
  public var sigma: Double

  public init(pi: Double, sigma: Double) {
    self.pi = pi
    self.sigma = sigma
  }

  /// τπ = τσ = 1: the model's own mixture and spread.
  public static let unit = SamplingTemperatures(pi: 1, sigma: 1)

  public static let piKey = "generation.pi_temperature"
  public static let sigmaKey = "generation.sigma_temperature"
  public static let piRange = 0.01...10.0
  public static let sigmaRange = 0.0...10.0

  /// Nil when both temperatures are in range, else one line naming the first bad one.
  public static func problem(pi: Double, sigma: Double) -> String? {
    if !piRange.contains(pi) { return "pi-temperature \(pi) must be in 0.01...10" }
    if !sigmaRange.contains(sigma) { return "sigma-temperature \(sigma) must be in 0...10" }
    return nil
  }

  /// The defaults a model file records; τ = 1 for an absent key. One line naming the file
  /// and the key when a value is not a decimal in range.
  public init(metadata: [String: String], path: String) throws(FileIOError) {
    func value(_ key: String, _ range: ClosedRange<Double>) throws(FileIOError) -> Double {
      guard let text = metadata[key] else { return 1 }
      guard let x = Self.decimal(text), range.contains(x) else {
        throw FileIOError(
          path: path,
          "metadata \(key) is '\(text)', not a decimal in \(Self.rangeText(range))")
      }
      return x
    }
    pi = try value(Self.piKey, Self.piRange)
    sigma = try value(Self.sigmaKey, Self.sigmaRange)
  }

  /// Both keys with their values as decimal text (Swift's shortest round-trip form, which for
  /// values in range never uses an exponent).
  public var metadataEntries: [String: String] {
    precondition(Self.problem(pi: pi, sigma: sigma) == nil, "temperatures out of range")
    return [Self.piKey: "\(pi)", Self.sigmaKey: "\(sigma)"]
  }

  /// A value in the text form above, or nil.
  static func decimal(_ text: String) -> Double? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard text.count <= 16, parts.count <= 2,
      parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= "0" && $0 <= "9" } })
    else { return nil }
    return Double(text)
  }

  static func rangeText(_ r: ClosedRange<Double>) -> String {
    func t(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : "\(x)" }
    return "\(t(r.lowerBound))...\(t(r.upperBound))"
  }
}
