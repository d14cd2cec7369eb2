import Foundation
import Int8Runtime

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Aligned storage

/// Bytes at a 16-byte aligned address (as mmap or flash provides), freed with the object.
final class AlignedBytes: @unchecked Sendable {
  let raw: UnsafeMutableRawBufferPointer
  init(_ bytes: [UInt8]) {
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
    storage.initializeMemory(as: UInt8.self, repeating: 0)
    bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
    raw = storage
    count = bytes.count
  }
  let count: Int
  var buffer: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(raw)[0..<count])
  }
  deinit { raw.deallocate() }
}

/// The shipped int8 model of a preset (models/NAME/model-int8.dnm), read into aligned memory.
func shippedInt8Model(_ name: String) throws -> AlignedBytes {
  let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../models/\(name)/model-int8.dnm")
  return AlignedBytes(Array(try Data(contentsOf: path)))
}

/// Little-endian bytes of integers.
func leBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
  var out: [UInt8] = []
  out.reserveCapacity(values.count * MemoryLayout<T>.size)
  for v in values {
    for i in 0..<MemoryLayout<T>.size { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
  }
  return out
}

// MARK: - Float64 references (the tests' independent side)

func sigmoid64(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
func tanh64(_ x: Double) -> Double { tanh(x) }
func exp64(_ x: Double) -> Double { exp(x) }

/// round half away from zero, as Double.rounded() does.
func roundToInt(_ x: Double) -> Int64 { Int64(x.rounded()) }

// MARK: - The tables docs/INT8.md defines, computed in float64 as the quantizer will

enum SpecTables {
  static func sigmoid() -> [Int16] {
    (0..<513).map { j in Int16(min(32767, max(0, roundToInt(32768 * sigmoid64(Double(j - 256) / 32))))) }
  }
  static func tanh() -> [Int16] {
    (0..<513).map { j in
      Int16(min(32767, max(-32767, roundToInt(32768 * tanh64(Double(j - 256) / 32)))))
    }
  }
  static func sigmaHigh() -> [Int32] {
    (0..<225).map { h in Int32(roundToInt(65536 * exp64(Double(h) / 16 - 7))) }
  }
  static func sigmaLow() -> [Int32] {
    (0..<128).map { l in Int32(roundToInt(1_073_741_824 * exp64(Double(l) / 2048))) }
  }
  static func softmaxHigh() -> [Int32] {
    (0..<256).map { h in Int32(roundToInt(1_073_741_824 * exp64(-Double(h) / 16))) }
  }
  static func softmaxLow() -> [Int32] {
    (0..<256).map { l in Int32(roundToInt(1_073_741_824 * exp64(-Double(l) / 4096))) }
  }
}

/// Keeps the bytes of the spec tables alive and hands out the runtime's views of them.
final class SpecTableViews: @unchecked Sendable {
  let sigmoidBytes = AlignedBytes(leBytes(SpecTables.sigmoid()))
  let tanhBytes = AlignedBytes(leBytes(SpecTables.tanh()))
  let sigmaHighBytes = AlignedBytes(leBytes(SpecTables.sigmaHigh()))
  let sigmaLowBytes = AlignedBytes(leBytes(SpecTables.sigmaLow()))
  let softmaxHighBytes = AlignedBytes(leBytes(SpecTables.softmaxHigh()))
  let softmaxLowBytes = AlignedBytes(leBytes(SpecTables.softmaxLow()))

  var sigmoid: GateTable { GateTable(Int16Values(sigmoidBytes.buffer)) }
  var tanh: GateTable { GateTable(Int16Values(tanhBytes.buffer)) }
  var sigma: SigmaExp {
    SigmaExp(high: Int32Values(sigmaHighBytes.buffer), low: Int32Values(sigmaLowBytes.buffer))
  }
  var softmax: SoftmaxExp {
    SoftmaxExp(high: Int32Values(softmaxHighBytes.buffer), low: Int32Values(softmaxLowBytes.buffer))
  }
}

/// One set for the whole test run (never freed, so the views stay valid).
let specTables = SpecTableViews()

// MARK: - The quantizer's side of the contract, as docs/INT8.md states it

enum SpecQuantizer {
  /// (M, r) for a real multiplier m > 0: r = 30 − ⌊log2 m⌋ clamped to 1...62, M = round(m · 2^r),
  /// M = 2^31 → (2^30, r − 1).
  static func multiplier(_ m: Double) -> (Int32, Int8) {
    precondition(m > 0)
    var r = 30 - Int(log2(m).rounded(.down))
    r = min(max(r, 1), 62)
    var big = (m * Double(sign: .plus, exponent: r, significand: 1)).rounded()
    if big >= 2_147_483_648 {
      big = 1_073_741_824
      r -= 1
    }
    return (Int32(big), Int8(r))
  }

  /// t_j = the smallest integer a with 255 · σ(a · s) ≥ j − ½, j = 1...255.
  static func pixelThresholds(scale s: Double) -> [Int32] {
    (1...255).map { j in
      let target = Double(j) - 0.5
      let p = target / 255
      var a = (log(p / (1 - p)) / s).rounded(.up)
      while 255 * sigmoid64((a - 1) * s) >= target { a -= 1 }
      while 255 * sigmoid64(a * s) < target { a += 1 }
      return Int32(min(max(a, Double(Int32.min)), Double(Int32.max)))
    }
  }

  /// The float path's 8-bit pixel: round(255 · σ(x)).
  static func pixel(_ x: Double) -> UInt8 { UInt8((255 * sigmoid64(x)).rounded()) }
}

/// Random int8 weights in −127...127 (uniform) from the project's generator.
func randomWeights(_ count: Int, _ rng: inout DanceRandom, magnitude: UInt32 = 127) -> [Int8] {
  (0..<count).map { _ in Int8(Int32(rng.next(below: 2 * magnitude + 1)) - Int32(magnitude)) }
}

func randomInt16(_ count: Int, _ rng: inout DanceRandom, magnitude: UInt32) -> [Int16] {
  (0..<count).map { _ in Int16(Int32(rng.next(below: 2 * magnitude + 1)) - Int32(magnitude)) }
}

func randomInt32(_ count: Int, _ rng: inout DanceRandom, magnitude: UInt32) -> [Int32] {
  (0..<count).map { _ in Int32(Int64(rng.next(below: 2 * magnitude + 1)) - Int64(magnitude)) }
}

// MARK: - Views of test arrays

/// Owns aligned copies of test arrays and hands out the runtime's zero-copy views of them. Keep it
/// alive (`withExtendedLifetime`) while the views are used.
final class ViewArena {
  private var blocks: [AlignedBytes] = []
  private func keep(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
    let b = AlignedBytes(bytes)
    blocks.append(b)
    return b.buffer
  }
  func int8(_ a: [Int8]) -> Int8Values { Int8Values(keep(a.map { UInt8(bitPattern: $0) })) }
  func int16(_ a: [Int16]) -> Int16Values { Int16Values(keep(leBytes(a))) }
  func int32(_ a: [Int32]) -> Int32Values { Int32Values(keep(leBytes(a))) }
  func requantization(_ pairs: [(Int32, Int8)]) -> ChannelRequantization {
    ChannelRequantization(multiplier: int32(pairs.map(\.0)), shift: int8(pairs.map(\.1)))
  }
}
