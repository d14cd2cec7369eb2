// MARK: - ChannelWeights

/// A weight matrix quantised to int8 symmetrically per output channel (TensorFlow Lite's
/// scheme): row o is stored as q = round(w / s_o) in [−127, 127] with s_o = max|w_o| / 127 and
/// zero point 0. A row of zeros gets scale 1 (any scale would do) and stays zeros.
///
/// Rows are output channels: pass weights as [out, in] (the int8 file's order).
///
/// `perTensor: true` gives every row the scale of the whole tensor, s = max|w| / 127 (what
/// TensorFlow Lite's integer LSTM uses, kept for comparison): still a valid per-channel file,
/// whose per-row arrays hold equal values.
///
/// ```swift
/// let q = ChannelWeights(rows: 2, columns: 2, values: [0.5, -1.0, 0.02, 0.01])
/// q.values   // [64, -127, 127, 64]   (row 0: s = 1/127; row 1: s = 0.02/127)
/// q.scales   // [1/127, 0.02/127]
/// let t = ChannelWeights(rows: 2, columns: 2, values: [0.5, -1.0, 0.02, 0.01], perTensor: true)
/// t.values   // [64, -127, 3, 1]      (both rows: s = 1/127)
/// ```
public struct ChannelWeights: Sendable, Equatable {
  public let rows: Int
  public let columns: Int
  public let values: [Int8]
  public let scales: [Double]

  public init(rows: Int, columns: Int, values w: [Double], perTensor: Bool = false) {
    precondition(w.count == rows * columns, "weights are not [rows, columns]")
    self.rows = rows
    self.columns = columns
    var q = [Int8](repeating: 0, count: w.count)
    var scales = [Double](repeating: 1, count: rows)
    let tensorLargest = perTensor ? w.reduce(0) { max($0, abs($1)) } : 0
    for o in 0..<rows {
      let row = w[(o * columns)..<((o + 1) * columns)]
      let largest = perTensor ? tensorLargest : row.reduce(0) { max($0, abs($1)) }
      guard largest > 0 else { continue }
      let s = largest / 127
      scales[o] = s
      for i in 0..<columns {
        q[o * columns + i] = Int8(max(-127, min(127, (w[o * columns + i] / s).rounded())))
      }
    }
    values = q
    self.scales = scales
  }

  /// Already quantised rows and their scales.
  public init(rows: Int, columns: Int, quantized: [Int8], scales: [Double]) {
    precondition(quantized.count == rows * columns && scales.count == rows)
    self.rows = rows
    self.columns = columns
    values = quantized
    self.scales = scales
  }

  /// Row o's sum of |q|: the accumulator bound's weight term.
  public func absoluteSum(row o: Int) -> Int {
    var s = 0
    for i in 0..<columns { s += abs(Int(values[o * columns + i])) }
    return s
  }

  /// The dequantised weights, [rows, columns].
  public var dequantized: [Double] {
    (0..<(rows * columns)).map { Double(values[$0]) * scales[$0 / columns] }
  }
}

// MARK: - Transposes

/// [rows, columns] -> [columns, rows] (the float model stores dense kernels [in, out]).
///
/// ```swift
/// transposed([1, 2, 3, 4, 5, 6], rows: 2, columns: 3)   // [1, 4, 2, 5, 3, 6]
/// ```
public func transposed(_ m: [Double], rows: Int, columns: Int) -> [Double] {
  precondition(m.count == rows * columns)
  var t = [Double](repeating: 0, count: m.count)
  for r in 0..<rows {
    for c in 0..<columns { t[c * rows + r] = m[r * columns + c] }
  }
  return t
}
