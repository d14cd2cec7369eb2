// MARK: - ArenaBudget

/// `generate --budget`: whether a runtime's arena plan fits the memory budget the user gave.
/// The streaming int8 runtime plans its arena once at load; its total is checked here before
/// any frame is written, and a plan over budget ends the run with this line and exit code 2.
///
/// ```swift
/// ArenaBudget.problem(planBytes: 183_296, budget: 131_072)
/// // "needs 183,296 bytes of arena; the budget is 131,072"
/// ArenaBudget.problem(planBytes: 131_072, budget: 131_072)   // nil: fits exactly
/// ```
enum ArenaBudget {
  /// The exit code of a plan over budget (1 is every other failure).
  static let overBudgetExitCode: Int32 = 2

  /// The line refusing a plan of `planBytes` under `budget` bytes, or nil when it fits.
  static func problem(planBytes: Int, budget: Int) -> String? {
    guard planBytes > budget else { return nil }
    return
      "needs \(LayerTable.grouped(planBytes)) bytes of arena; the budget is \(LayerTable.grouped(budget))"
  }
}
