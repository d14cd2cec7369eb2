import Int8Runtime
import Testing

// MARK: - PhaseSums: both kernels equal the plain sum, bit for bit

/// Σ over taps t of P[t, o] · taps[t], P read through `SubPixelPhaseWeights.index` (phase 0).
private func plainSums(_ w: [Int16], taps: [Int16], bias: [Int32], cin: Int, outputs: Int) -> [Int32] {
  (0..<outputs).map { o in
    var acc = bias[o]
    for ty in 0..<2 {
      for tx in 0..<2 {
        for i in 0..<cin {
          let at = SubPixelPhaseWeights.index(phase: 0, o, ty: ty, tx: tx, i, out: outputs, in: cin)
          acc += Int32(w[at]) * Int32(taps[(2 * ty + tx) * cin + i])
        }
      }
    }
    return acc
  }
}

@Test func phaseSumsWorkedExample() {
  let w: [Int16] = [1, 5, 11, 28]
  let taps: [Int16] = [2, 0, 1, 3]
  var sums: [Int32] = [0]
  w.withUnsafeBufferPointer { wp in
    taps.withUnsafeBufferPointer { tp in
      [Int32(7)].withUnsafeBufferPointer { bp in
        sums.withUnsafeMutableBufferPointer {
          PhaseSums.scalar(
            wp.baseAddress!, taps: tp.baseAddress!, bias: bp.baseAddress!, pairs: 2, outputs: 1,
            into: $0.baseAddress!)
        }
      }
    }
  }
  #expect(sums == [104])
}

@Test(arguments: [
  (1, 16), (2, 32), (8, 48), (16, 64), (3, 80), (32, 128), (5, 144), (64, 256), (4, 1), (7, 3),
])
func phaseSumsKernelsEqualThePlainSum(cin: Int, outputs: Int) {
  var rng = DanceRandom(seed: UInt64(cin * 1000 + outputs))
  let pairs = 2 * cin
  // |P| ≤ 4 · 127 and taps 0 ... 255 (relu outputs), extremes included.
  var w = randomInt16(2 * pairs * outputs, &rng, magnitude: 508)
  w[0] = 508
  w[w.count - 1] = -508
  var taps = (0..<(2 * pairs)).map { _ in Int16(rng.next(below: 256)) }
  taps[0] = 255
  taps[taps.count - 1] = 0
  let bias = randomInt32(outputs, &rng, magnitude: 1 << 20)
  let expected = plainSums(w, taps: taps, bias: bias, cin: cin, outputs: outputs)
  func kernel(
    _ f: (UnsafePointer<Int16>, UnsafePointer<Int16>, UnsafePointer<Int32>, UnsafeMutablePointer<Int32>) ->
      Void
  )
    -> [Int32]
  {
    var sums = [Int32](repeating: -1, count: outputs)
    w.withUnsafeBufferPointer { wp in
      taps.withUnsafeBufferPointer { tp in
        bias.withUnsafeBufferPointer { bp in
          sums.withUnsafeMutableBufferPointer {
            f(wp.baseAddress!, tp.baseAddress!, bp.baseAddress!, $0.baseAddress!)
          }
        }
      }
    }
    return sums
  }
  let scalar = kernel { PhaseSums.scalar($0, taps: $1, bias: $2, pairs: pairs, outputs: outputs, into: $3) }
  let run = kernel { PhaseSums.run($0, taps: $1, bias: $2, pairs: pairs, outputs: outputs, into: $3) }
  #expect(scalar == expected)
  #expect(run == expected)
  if outputs % PhaseSums.vectorLanes == 0 {
    let lanes = kernel { PhaseSums.lanes($0, taps: $1, bias: $2, pairs: pairs, outputs: outputs, into: $3) }
    #expect(lanes == expected)
  }
  if outputs % PhaseSums.wideVectorLanes == 0 {
    let wide = kernel {
      PhaseSums.wideLanes($0, taps: $1, bias: $2, pairs: pairs, outputs: outputs, into: $3)
    }
    #expect(wide == expected)
  }
  #expect(Set(expected).count > outputs / 2)
}
