import CBLAS
import Synchronization

// MARK: - BLASThreads

/// OpenBLAS's worker-thread count, which is process-wide.
///
/// OpenBLAS's threaded kernels may split a product differently with another thread count, or
/// when another thread is also inside OpenBLAS, so results can move in the last bits: held-out
/// NLL of the tiny model read 5.786110031 on one thread, 5.786109897 on two, and 5.786109995 on
/// two with a second test computing beside it. Work that must give the same bytes everywhere
/// (VAE and sequence training, `dancenet eval`) runs on one thread.
///
/// Sections may nest and may run on several threads at once: the first to enter sets one
/// thread, the last to leave restores the count it found, so one section ending never hands
/// another, still running, a multi-threaded OpenBLAS.
///
/// ```swift
/// let nll = BLASThreads.singleThreaded { model.meanNLL(clips: held, mode: .stateful) }
/// ```
public enum BLASThreads {
  public static var count: Int { Int(openblas_get_num_threads()) }

  /// Sections inside `singleThreaded` now, and the count to restore when the last one ends.
  private static let sections = Mutex<(open: Int, restore: Int32)>((0, 1))

  /// Runs `body` with OpenBLAS on one thread and restores the previous count after the last
  /// single-threaded section ends. A caller that sets the count itself (`openblas_set_num_threads`)
  /// while a section runs breaks this.
  public static func singleThreaded<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    sections.withLock { s in
      if s.open == 0 {
        s.restore = openblas_get_num_threads()
        openblas_set_num_threads(1)
      }
      s.open += 1
    }
    defer {
      sections.withLock { s in
        s.open -= 1
        if s.open == 0 { openblas_set_num_threads(s.restore) }
      }
    }
    return try body()
  }
}
