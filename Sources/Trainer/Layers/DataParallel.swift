import Dispatch

// MARK: - DataParallel

/// Runs independent parts of a batch at the same time, one thread each, with OpenBLAS set to
/// one thread meanwhile (two single-threaded products side by side beat one two-threaded
/// product of mid-sized matrices, and the element loops between them run in parallel too).
///
/// The parts must not write to shared memory; results come back in part order, so anything
/// summed from them is summed in a fixed order and the outcome does not depend on timing.
///
/// ```swift
/// let sums = DataParallel.run(parts: 2) { k in partialSum(of: halves[k]) }  // [s0, s1]
/// ```
enum DataParallel {
  static func run<R>(parts: Int, _ body: (Int) -> R) -> [R] {
    if parts == 1 { return [BLASThreads.singleThreaded { body(0) }] }
    let results = UnsafeMutablePointer<R?>.allocate(capacity: parts)
    results.initialize(repeating: nil, count: parts)
    defer {
      results.deinitialize(count: parts)
      results.deallocate()
    }
    BLASThreads.singleThreaded {
      withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(value: (body, results))
        DispatchQueue.concurrentPerform(iterations: parts) { k in
          shared.value.1[k] = shared.value.0(k)
        }
      }
    }
    return (0..<parts).map { results[$0]! }
  }
}

/// Carries a value the compiler cannot prove Sendable into concurrent code; the caller
/// guarantees the parts touch disjoint memory.
private struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
}
