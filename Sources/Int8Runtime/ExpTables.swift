// MARK: - SigmaExp

/// σ = exp(clamp(s, −7, 7)) for an MDN log-sigma s in Q11, as a Q16 integer, from two tables in
/// the file (docs/INT8.md, "Sampling"):
/// ```text
/// x = clamp(s, −14336, 14336) + 14336          0 ... 28672   (−7 ... 7 in Q11, shifted)
/// h = x >> 7,  l = x & 127                     x / 2048 − 7 = (h / 16 − 7) + l / 2048
/// σ = (A[h] · B[l] + 2^29) >> 30               A[h] = round(65536 · e^(h/16 − 7)),  B[l] = round(2^30 · e^(l/2048))
/// ```
///
/// ```swift
/// sigmaQ16(0)       // x = 14336, h = 112, l = 0: A[112] = 65536, B[0] = 2^30 -> 65536 (σ = 1)
/// sigmaQ16(-20000)  // clamped to −7: A[0] = 60 (65536 · e^−7 = 59.8) -> 60
/// ```
public struct SigmaExp {
  public static let highCount = 225
  public static let lowCount = 128
  /// −7 and 7 in Q11: the clamp of the raw log-sigma (`MDNLayout.logSigmaMin/Max`).
  public static let minLogSigmaQ11: Int32 = -14336
  public static let maxLogSigmaQ11: Int32 = 14336

  public let high: Int32Values
  public let low: Int32Values

  public init(high: Int32Values, low: Int32Values) {
    precondition(high.count == SigmaExp.highCount && low.count == SigmaExp.lowCount)
    self.high = high
    self.low = low
  }

  /// exp(clamp(s / 2048, −7, 7)) · 65536, rounded through the tables.
  @inlinable
  public func sigmaQ16(_ logSigmaQ11: Int32) -> Int64 {
    let s = min(max(logSigmaQ11, SigmaExp.minLogSigmaQ11), SigmaExp.maxLogSigmaQ11)
    let x = Int(s - SigmaExp.minLogSigmaQ11)
    return Requantization.roundingShiftRight(Int64(high[x >> 7]) * Int64(low[x & 127]), by: 30)
  }
}

// MARK: - SoftmaxExp

/// The unnormalised mixture weight w = exp(−e) in Q24 for e ≥ 0 nats in Q12, from two tables in
/// the file (docs/INT8.md, "Mixture choice"):
/// ```text
/// e ≥ 65536 (16 nats or more): w = 0
/// else h = e >> 8, l = e & 255, w = (C[h] · E[l] + 2^35) >> 36
///      C[h] = round(2^30 · e^(−h/16)),  E[l] = round(2^30 · e^(−l/4096))
/// ```
/// C[0] = E[0] = 2^30, so e = 0 (the largest logit) gives exactly 2^24.
///
/// ```swift
/// weightQ24(0)      // 16_777_216 (1.0)
/// weightQ24(4096)   // e = 1 nat: h = 16, l = 0 -> (C[16] · 2^30 + 2^35) >> 36 = 6_171_993 (≈ 2^24 / e)
/// weightQ24(70000)  // 0
/// ```
public struct SoftmaxExp {
  public static let highCount = 256
  public static let lowCount = 256
  /// e at or above this (16 nats in Q12) has weight 0.
  public static let cutoffQ12: Int64 = 65536

  public let high: Int32Values
  public let low: Int32Values

  public init(high: Int32Values, low: Int32Values) {
    precondition(high.count == SoftmaxExp.highCount && low.count == SoftmaxExp.lowCount)
    self.high = high
    self.low = low
  }

  /// exp(−e / 4096) · 2^24, rounded through the tables; e ≥ 0.
  @inlinable
  public func weightQ24(_ eQ12: Int64) -> Int64 {
    precondition(eQ12 >= 0, "softmax exponent is negative")
    if eQ12 >= SoftmaxExp.cutoffQ12 { return 0 }
    let e = Int(eQ12)
    return Requantization.roundingShiftRight(Int64(high[e >> 8]) * Int64(low[e & 255]), by: 36)
  }
}
