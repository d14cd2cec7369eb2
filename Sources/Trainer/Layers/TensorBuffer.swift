// MARK: - TensorBuffer

/// A heap buffer that a model keeps between training steps, so the large activations
/// (hundreds of megabytes for the paper VAE at batch 32) are not allocated and faulted in anew
/// every step. Growing it discards the contents; new memory is zero-filled.
///
/// ```swift
/// let b = TensorBuffer<Float>()
/// let p = b.reserve(1000)   // at least 1000 zeroed elements, stable until a larger reserve
/// ```
final class TensorBuffer<Element: Numeric> {
  private(set) var pointer: UnsafeMutablePointer<Element>
  private(set) var capacity: Int

  init() {
    capacity = 0
    pointer = .allocate(capacity: 1)
  }

  deinit { pointer.deallocate() }

  /// A pointer to at least `count` elements.
  func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
    if count > capacity {
      pointer.deallocate()
      pointer = .allocate(capacity: count)
      pointer.initialize(repeating: 0, count: count)
      capacity = count
    }
    return pointer
  }
}
