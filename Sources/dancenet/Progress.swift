#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Progress

/// Training progress on stderr: a redrawn bar on a terminal, plain periodic lines otherwise
/// (a log file or CI gets one line every `plainInterval` seconds and at the end of each epoch).
///
/// ```text
/// vae  epoch 3/10 [#########...........]  45% step 120/266 loss 2481.3  212.4 ex/s  ETA 1m04s
/// ```
final class Progress {
  let label: String
  let totalSteps: Int
  let isTerminal: Bool
  let plainInterval: Double
  private var started = Progress.now()
  private var lastPrint = -1.0e9
  private var stepsDone = 0

  init(label: String, totalSteps: Int, plainInterval: Double = 10) {
    self.label = label
    self.totalSteps = max(totalSteps, 1)
    self.isTerminal = isatty(STDERR_FILENO) != 0
    self.plainInterval = plainInterval
  }

  /// Call once per optimisation step.
  func update(epoch: Int, epochs: Int, step: Int, steps: Int, loss: Double, examplesPerSecond: Double) {
    stepsDone += 1
    let t = Progress.now()
    let endOfEpoch = step == steps
    if isTerminal {
      if t - lastPrint < 0.1 && !endOfEpoch { return }
    } else if t - lastPrint < plainInterval && !endOfEpoch {
      return
    }
    lastPrint = t
    let fraction = Double(stepsDone) / Double(totalSteps)
    let elapsed = t - started
    let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
    var line = "\(label) epoch \(epoch)/\(epochs)"
    if isTerminal {
      let width = 20
      let filled = min(width, Int(fraction * Double(width)))
      line +=
        " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }
    line += " \(Progress.fixed(fraction * 100, 0))% step \(step)/\(steps) loss \(Progress.fixed(loss, 4))"
    line += "  \(Progress.fixed(examplesPerSecond, 1)) ex/s  ETA \(Progress.duration(eta))"
    if isTerminal {
      Progress.writeStderr("\r\u{1B}[K" + line + (stepsDone >= totalSteps ? "\n" : ""))
    } else {
      Progress.writeStderr(line + "\n")
    }
  }

  /// Ends a bar that did not reach its total (for example a run stopped early).
  func finish() {
    if isTerminal && stepsDone < totalSteps { Progress.writeStderr("\n") }
  }

  // MARK: - Formatting helpers

  static func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }

  /// 3.14159, 2 -> "3.14"
  static func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (abs(x) * scale).rounded()
    let whole = Int(r / scale)
    let frac = Int(r - Double(whole) * scale)
    var s = (x < 0 && r != 0 ? "-" : "") + "\(whole)"
    if digits > 0 {
      let f = String(frac)
      s += "." + String(repeating: "0", count: digits - f.count) + f
    }
    return s
  }

  /// 3725 -> "1h02m05s"
  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60)
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    if h > 0 { return "\(h)h\(two(m))m\(two(sec))s" }
    if m > 0 { return "\(m)m\(two(sec))s" }
    return "\(sec)s"
  }

  static func writeStderr(_ s: String) {
    var bytes = Array(s.utf8)
    bytes.withUnsafeMutableBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
  }
}
