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
