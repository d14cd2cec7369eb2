// MARK: - MarkdownLines

/// The lines of a Markdown report as it is written: paragraphs, pipe tables and linked
/// pictures, each followed by a blank line. Shared by `EvalReport` and `Int8DanceComparison`.
///
/// ```swift
/// var md = MarkdownLines()
/// md.paragraph("## VAE reconstruction")
/// md.table(["measure", "value"], [["PSNR (mean, dB)", "23.6800"]])
/// md.text   // "## VAE reconstruction\n\n| measure | value |\n|---|---|\n| PSNR ... |\n"
/// ```
struct MarkdownLines {
  var lines: [String] = []

  /// A heading or a paragraph, then a blank line.
  mutating func paragraph(_ line: String) { block([line]) }

  /// Consecutive lines (a list), then a blank line.
  mutating func block(_ consecutive: [String]) {
    lines.append(contentsOf: consecutive)
    lines.append("")
  }

  /// A pipe table with a header row, then a blank line.
  mutating func table(_ header: [String], _ rows: [[String]]) {
    lines.append("| " + header.joined(separator: " | ") + " |")
    lines.append("|" + String(repeating: "---|", count: header.count))
    for r in rows { lines.append("| " + r.joined(separator: " | ") + " |") }
    lines.append("")
  }

  /// "## Pictures" and each picture under its title, linked by its relative file name; nothing
  /// for none.
  mutating func pictures(_ pictures: [EvalReport.Picture]) {
    guard !pictures.isEmpty else { return }
    paragraph("## Pictures")
    for p in pictures {
      paragraph("### \(p.title)")
      paragraph("![\(p.title)](<\(p.file)>)")
    }
  }

  /// The lines joined by newlines.
  var text: String { lines.joined(separator: "\n") }
}
