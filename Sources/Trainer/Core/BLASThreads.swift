import CBLAS

// MARK: - BLASThreads

/// OpenBLAS's worker-thread count, which is process-wide.
///
/// OpenBLAS's threaded kernels may split a product differently with another thread count, or
/// when another thread is also inside OpenBLAS, so results can move in the last bits: held-out
/// NLL of the tiny model read 5.786110031 on one thread, 5.786109897 on two, and 5.786109995 on
/// two with a second test computing beside it. Work that must give the same bytes everywhere
/// (`dancenet eval`) runs on one thread.
///
/// ```swift
/// let nll = BLASThreads.singleThreaded { model.meanNLL(clips: held, mode: .stateful) }
/// ```
public enum BLASThreads {
  public static var count: Int { Int(openblas_get_num_threads()) }

  /// Runs `body` with OpenBLAS on one thread and restores the previous count afterwards. Not
  /// for use while other threads are inside OpenBLAS.
  public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
    let previous = count
    openblas_set_num_threads(1)
    defer { openblas_set_num_threads(Int32(previous)) }
    return try body()
  }
}
