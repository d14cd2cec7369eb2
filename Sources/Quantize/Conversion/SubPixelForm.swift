import Int8Runtime
import ModelFiles

// MARK: - Sub-pixel form

extension Int8Conversion {
  /// Adds the exact sub-pixel form of every conv after an upsample (`decoder.conv2.phase_weights`
  /// ... `decoder.conv<n+1>.phase_weights`, docs/INT8.md "Sub-pixel form") to the file: int16 sums
  /// of the int8 3x3 taps that the streaming runtime reads in place, doing 4/9 of the
  /// multiply-accumulates of upsample-then-conv for the same integers. The runtime cannot build
  /// them at load (the firmware's RAM is far smaller than the paper model's 400 KB of phases), so
  /// the file carries them.
  ///
  /// ```swift
  /// var conv = try Int8Conversion(...)
  /// try conv.addSubPixelForm()     // paper: +331,776 bytes (16 int16 taps per conv2 64·32, conv3 128·64, pixel 1·128 weight)
  /// ```
  public mutating func addSubPixelForm() throws {
    let bytes = try writer.encoded()
    var phases: [(name: String, shape: [Int], values: [Int16])] = []
    try bytes.withUnsafeBytes { raw in
      let aligned = UnsafeMutableRawBufferPointer.allocate(byteCount: raw.count, alignment: 16)
      defer { aligned.deallocate() }
      aligned.copyMemory(from: raw)
      let model = try Int8Model(UnsafeRawBufferPointer(aligned))
      let n = model.convs.count
      for i in 1...n {
        let conv = i < n ? model.convs[i] : model.pixelConv
        phases.append(
          (
            "decoder.conv\(i + 1).phase_weights",
            SubPixelPhaseWeights.shape(out: conv.outChannels, in: conv.inChannels),
            SubPixelPhaseWeights.make(from: conv)
          ))
      }
    }
    for p in phases { writer.addInt16(p.name, shape: p.shape, values: p.values) }
  }
}
