import Foundation
import Int8Runtime

// MARK: - Int8Activation

/// An activation tensor's asymmetric per-tensor format (TensorFlow Lite's, at 8 bits): a real
/// value v is q = clamp(round(v / scale) + zeroPoint, qmin, qmax), with qmin ... qmax = −128 ... 127
/// for 8 bits, or −2048 ... 2047 for 12 (`ActivationBits`: decoder layers the quantizer widens).
/// The range is widened to include 0 so that 0 is exact (zero padding, relu).
///
/// ```swift
/// let a = Int8Activation(lo: 0, hi: 2.55)        // a relu output
/// a.scale       // 0.01
/// a.zeroPoint   // -128
/// a.quantize(1.0)   // -28
/// let w = Int8Activation(lo: 0, hi: 4.095, bits: .wide)
/// w.scale, w.zeroPoint   // 0.001, -2048
/// ```
public struct Int8Activation: Sendable, Equatable {
  public let scale: Double
  public let zeroPoint: Int32
  public let bits: ActivationBits

  public init(lo: Double, hi: Double, bits: ActivationBits = .int8) {
    self.bits = bits
    let lo = min(lo, 0)
    let hi = max(hi, 0)
    if hi - lo <= 0 {
      scale = 1
      zeroPoint = 0
      return
    }
    let (qmin, qmax) = (Double(bits.lo), Double(bits.hi))
    scale = (hi - lo) / (qmax - qmin)
    zeroPoint = Int32(max(qmin, min(qmax, (qmin - lo / scale).rounded())))
  }

  public var qmin: Int32 { bits.lo }
  public var qmax: Int32 { bits.hi }

  public func quantize(_ v: Double) -> Int32 {
    Int32(max(Double(qmin), min(Double(qmax), (v / scale).rounded() + Double(zeroPoint))))
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
