import Int8Runtime
import Testing

// MARK: - Sub-pixel form equals upsample-then-conv, bit for bit

@Test func phaseWeightsWorkedExample() {
  let arena = ViewArena()
  let conv = Conv3x3Weights(
    inChannels: 1, outChannels: 1, weights: arena.int8([1, 2, 3, 4, 5, 6, 7, 8, 9]), bias: arena.int32([0]))
  let p = withExtendedLifetime(arena) { SubPixelPhaseWeights.make(from: conv) }
  let phase00: [Int16] = [1, 5, 11, 28]
  let phase01: [Int16] = [3, 3, 24, 15]  // columns {0, 1} | {2}: [1+2, 3; 4+5+7+8, 6+9]
  #expect(Array(p[0..<4]) == phase00)
  #expect(Array(p[4..<8]) == phase01)
  let total = p.reduce(0) { $0 + Int($1) }
  #expect(total == 4 * 45)  // every tap lands once in each phase
}

@Test(arguments: [(3, 5, 4, 6), (1, 1, 2, 3), (4, 2, 7, 1), (6, 7, 3, 5)])
func subPixelConvEqualsUpsampleThenConv(rows: Int, cols: Int, cin: Int, cout: Int) {
  var rng = DanceRandom(seed: UInt64(rows * 1000 + cols * 100 + cin * 10 + cout))
  let arena = ViewArena()
  let conv = Conv3x3Weights(
    inChannels: cin, outChannels: cout, weights: arena.int8(randomWeights(cout * 9 * cin, &rng)),
    bias: arena.int32(randomInt32(cout, &rng, magnitude: 20_000)))
  // a multiplier large enough that some outputs saturate at both ends
  let rq = arena.requantization((0..<cout).map { _ in (Int32(1 << 30), Int8(35 + rng.next(below: 6))) })
  let phases = SubPixelPhaseWeights(
    inChannels: cin, outChannels: cout, weights: arena.int16(SubPixelPhaseWeights.make(from: conv)))
  let zx = Int32(rng.next(below: 256)) - 128
  let zy = Int32(rng.next(below: 256)) - 128
  let x = randomWeights(rows * cols * cin, &rng).map {
    Int16(Int8(clamping: Int32($0) + Int32(rng.next(below: 3)) - 1))
  }
  var up = [Int16](repeating: 0, count: 4 * x.count)
  var viaUpsample = [Int16](repeating: 0, count: 4 * rows * cols * cout)
  var fused = viaUpsample
  withExtendedLifetime(arena) {
    x.withUnsafeBufferPointer { xp in
      up.withUnsafeMutableBufferPointer {
        Upsample2Kernel.run(input: xp, rows: rows, cols: cols, channels: cin, output: $0)
      }
      fused.withUnsafeMutableBufferPointer {
        SubPixelConvKernel.run(
          phases, bias: conv.bias, requantization: rq, input: xp, rows: rows, cols: cols, inputZeroPoint: zx,
          output: $0,
          outputZeroPoint: zy)
      }
    }
    up.withUnsafeBufferPointer { upp in
      viaUpsample.withUnsafeMutableBufferPointer {
        Conv3x3Kernel.run(
          conv, requantization: rq, input: upp, rows: 2 * rows, cols: 2 * cols, inputZeroPoint: zx,
          output: $0,
          outputZeroPoint: zy, relu: true)
      }
    }
    // the accumulators themselves, everywhere including the borders
    for row in 0..<(2 * rows) {
      for col in 0..<(2 * cols) {
        for o in 0..<cout {
          let a = up.withUnsafeBufferPointer {
            conv.accumulator(o, row: row, col: col, input: $0, rows: 2 * rows, cols: 2 * cols, zeroPoint: zx)
          }
          let b = x.withUnsafeBufferPointer {
            phases.accumulator(
              o, row: row, col: col, input: $0, rows: rows, cols: cols, zeroPoint: zx, bias: conv.bias[o])
          }
          #expect(a == b)
        }
      }
    }
  }
  #expect(fused == viaUpsample)
  let saturatedHigh = fused.contains(127)
  let clampedLow = fused.contains(Int16(truncatingIfNeeded: zy))
  #expect(saturatedHigh || clampedLow)
}

@Test func subPixelPixelsEqualUpsampleThenPixelConv() {
  var rng = DanceRandom(seed: 41)
  let arena = ViewArena()
  let (rows, cols, cin) = (5, 6, 4)
  let conv = Conv3x3Weights(
    inChannels: cin, outChannels: 1, weights: arena.int8(randomWeights(9 * cin, &rng)),
    bias: arena.int32([-300]))
  let phases = SubPixelPhaseWeights(
    inChannels: cin, outChannels: 1, weights: arena.int16(SubPixelPhaseWeights.make(from: conv)))
  let t = PixelThresholds(arena.int32(SpecQuantizer.pixelThresholds(scale: 0.0004)))
  let x = randomWeights(rows * cols * cin, &rng).map { Int16($0) }
  var up = [Int16](repeating: 0, count: 4 * x.count)
  var a = [UInt8](repeating: 0, count: 4 * rows * cols)
  var b = a
  withExtendedLifetime(arena) {
    x.withUnsafeBufferPointer { xp in
      up.withUnsafeMutableBufferPointer {
        Upsample2Kernel.run(input: xp, rows: rows, cols: cols, channels: cin, output: $0)
      }
      b.withUnsafeMutableBufferPointer {
        SubPixelConvKernel.runPixels(
          phases, bias: -300, thresholds: t, input: xp, rows: rows, cols: cols, inputZeroPoint: -3, output: $0
        )
      }
    }
    up.withUnsafeBufferPointer { upp in
      a.withUnsafeMutableBufferPointer {
        PixelConvKernel.run(
          conv, thresholds: t, input: upp, rows: 2 * rows, cols: 2 * cols, inputZeroPoint: -3, output: $0)
      }
    }
  }
  #expect(a == b)
  #expect(Set(a).count > 10)
}

// MARK: - In the file

@Test func theReaderAcceptsExactPhaseWeightsAndRefusesOthers() throws {
  let synthetic = SyntheticInt8Model()
  let arena = ViewArena()
  var b = synthetic.builder
  let conv3 = synthetic.convs[2]
  let weights = withExtendedLifetime(arena) {
    SubPixelPhaseWeights.make(
      from: Conv3x3Weights(
        inChannels: 16, outChannels: 16, weights: arena.int8(conv3.weights), bias: arena.int32(conv3.bias)))
  }
  let shape = SubPixelPhaseWeights.shape(out: 16, in: 16)
  #expect(shape == [4, 32, 16, 2])
  b.int16("decoder.conv3.phase_weights", shape, weights)
  let good = AlignedBytes(b.bytes())
  try withExtendedLifetime(good) {
    let model = try Int8Model(good.buffer)
    #expect(model.subPixelPhases.count == 3)
    let present = model.subPixelPhases.map { $0 != nil }
    #expect(present == [false, true, false])
    let w5 = model.subPixelPhases[1]?.weights[5]
    #expect(w5 == weights[5])
  }
  var damaged = weights
  damaged[7] += 1
  b.int16("decoder.conv3.phase_weights", shape, damaged)
  let bad = AlignedBytes(b.bytes())
  withExtendedLifetime(bad) {
    let expected = Int8ModelError.outOfRange(
      name: "decoder.conv3.phase_weights", index: 7, value: Int64(damaged[7]),
      range: "\(weights[7]) (the sum of its 3x3 taps)")
    #expect(throws: expected) { try Int8Model(bad.buffer) }
  }
  // The first layout ([4, out, 4, in], before the pairs) is refused by its shape.
  b.int16("decoder.conv3.phase_weights", [4, 16, 4, 16], weights)
  let old = AlignedBytes(b.bytes())
  _ = withExtendedLifetime(old) {
    #expect(throws: Int8ModelError.self) { try Int8Model(old.buffer) }
  }
}
