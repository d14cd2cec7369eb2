import Foundation

// MARK: - Int8Activation

/// An int8 activation tensor's asymmetric per-tensor format (TensorFlow Lite's): a real value
/// v is q = clamp(round(v / scale) + zeroPoint, −128, 127). The range is widened to include 0
/// so that 0 is exact (zero padding, relu).
///
/// ```swift
/// let a = Int8Activation(lo: 0, hi: 2.55)        // a relu output
/// a.scale       // 0.01
/// a.zeroPoint   // -128
/// a.quantize(1.0)   // -28
/// ```
public struct Int8Activation: Sendable, Equatable {
  public let scale: Double
  public let zeroPoint: Int32

  public init(lo: Double, hi: Double) {
    let lo = min(lo, 0)
    let hi = max(hi, 0)
    if hi - lo <= 0 {
      scale = 1
      zeroPoint = 0
      return
    }
    scale = (hi - lo) / 255
    zeroPoint = Int32(max(-128, min(127, (-128 - lo / scale).rounded())))
  }

  public func quantize(_ v: Double) -> Int32 {
    Int32(max(-128, min(127, (v / scale).rounded() + Double(zeroPoint))))
  }

  public func dequantize(_ q: Int32) -> Double { Double(q - zeroPoint) * scale }
}

// MARK: - Fraction bits

/// The largest number of fraction bits f (0...15) with which magnitudes up to `magnitude` fit
/// an int16 as v · 2^f: f = min(15, ⌊log2(32767 / magnitude)⌋).
///
/// ```swift
/// int16FractionBits(forMagnitude: 5.2)    // 12: 5.2 · 4096 = 21,299
/// int16FractionBits(forMagnitude: 0.3)    // 15
/// ```
public func int16FractionBits(forMagnitude magnitude: Double) -> Int {
  guard magnitude > 0 else { return 15 }
  let f = Int(Foundation.floor(Foundation.log2(32767 / magnitude)))
  return max(0, min(15, f))
}
