import Foundation

// MARK: - LossLog

/// Per-epoch loss figures of one training phase, written next to the model as CSV
/// (`loss-vae.csv`, `loss-seq.csv`) and plotted as PNG by the CLI.
///
/// ```text
/// epoch,step,train_loss,heldout_loss,seconds
/// 1,266,2481.3,2390.7,41.2
/// ```
public struct LossLog: Sendable, Equatable {
  public struct Row: Sendable, Equatable {
    public var epoch: Int
    public var step: Int
    public var trainLoss: Double
    public var heldOutLoss: Double?
    public var seconds: Double

    public init(epoch: Int, step: Int, trainLoss: Double, heldOutLoss: Double?, seconds: Double) {
      self.epoch = epoch
      self.step = step
      self.trainLoss = trainLoss
      self.heldOutLoss = heldOutLoss
      self.seconds = seconds
    }
  }

  public var rows: [Row] = []

  public init(rows: [Row] = []) { self.rows = rows }

  public static let header = "epoch,step,train_loss,heldout_loss,seconds"

  public func csv() -> String {
    var s = LossLog.header + "\n"
    for r in rows {
      let held = r.heldOutLoss.map { "\($0)" } ?? ""
      s += "\(r.epoch),\(r.step),\(r.trainLoss),\(held),\(r.seconds)\n"
    }
    return s
  }

  /// Parses what `csv()` wrote (used by --resume to continue the curve); nil if malformed.
  public static func parse(_ text: String) -> LossLog? {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    guard lines.first.map(String.init) == header else { return nil }
    lines.removeFirst()
    var log = LossLog()
    for line in lines {
      let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard f.count == 5, let e = Int(f[0]), let st = Int(f[1]), let tl = Double(f[2]),
        let sec = Double(f[4])
      else { return nil }
      log.rows.append(Row(epoch: e, step: st, trainLoss: tl, heldOutLoss: Double(f[3]), seconds: sec))
    }
    return log
  }
}
