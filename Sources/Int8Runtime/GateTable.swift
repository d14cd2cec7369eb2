// MARK: - GateTable

/// The LSTM's sigmoid or tanh: a 513-entry int16 table from the file, linearly interpolated
/// (docs/INT8.md, "LSTM cell"). Input: a gate pre-activation in Q12 (int16, [−8, 8)); output: Q15.
///
/// Entry j holds f((j − 256) / 32) in Q15, so the entries are 1/32 apart, 128 steps of the Q12
/// input. For a pre-activation a:
/// ```text
/// u = a + 32768 (0 ... 65535)     j = u >> 7 (0 ... 511)     t = u & 127
/// f(a) = T[j] + (((T[j+1] − T[j]) · t + 64) >> 7)
/// ```
///
/// ```swift
/// // sigmoid table: T[256] = 16384 (σ(0) = 0.5), T[257] = round(32768 · σ(1/32)) = 16640
/// sigmoid(0)     // u = 32768, j = 256, t = 0      -> 16384
/// sigmoid(64)    // a = 1/64: j = 256, t = 64      -> 16384 + ((256 · 64 + 64) >> 7) = 16512
/// ```
public struct GateTable {
  /// Entries in a gate table.
  public static let entryCount = 513
  public let entries: Int16Values

  /// `entries` must hold `entryCount` values (the model reader checks).
  public init(_ entries: Int16Values) {
    precondition(entries.count == GateTable.entryCount, "a gate table has 513 entries")
    self.entries = entries
  }

  /// f(a / 4096) in Q15.
  @inlinable
  public func callAsFunction(_ a: Int16) -> Int32 {
    let u = Int(a) + 32768
    let j = u >> 7
    let t = Int32(u & 127)
    let t0 = Int32(entries[j])
    let t1 = Int32(entries[j + 1])
    return t0 + (((t1 - t0) * t + 64) >> 7)
  }
}
