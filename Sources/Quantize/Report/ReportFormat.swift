import Foundation

// MARK: - ReportFormat

/// The number and JSON conventions of quant/'s files (report and comparison alike).
///
/// ```swift
/// ReportFormat.fixed(56.4821)       // "56.48"
/// ReportFormat.fixed(0.99871, 3)    // "0.999"
/// try ReportFormat.json(report)     // pretty, keys sorted, a final newline
/// ```
enum ReportFormat {
  static func fixed(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

  static func json<T: Encodable>(_ value: T) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return Array(try encoder.encode(value)) + [0x0A]
  }
}
