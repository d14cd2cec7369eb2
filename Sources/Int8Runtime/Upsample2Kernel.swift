// MARK: - Upsample2Kernel

/// Reference nearest-neighbour 2x upsampling: pure indexing, no arithmetic; the zero point (and
/// scale) of the output is the input's.
/// ```text
/// out[r, c, ch] = in[r / 2, c / 2, ch]    (integer division), out is [2·rows, 2·cols, channels]
/// ```
/// Example: a 1x2 image with one channel [a, b] becomes the 2x4 image [a, a, b, b; a, a, b, b].
public enum Upsample2Kernel {
  public static func run(
    input: UnsafeBufferPointer<Int16>, rows: Int, cols: Int, channels: Int,
    output: UnsafeMutableBufferPointer<Int16>
  ) {
    precondition(input.count == rows * cols * channels, "upsample input size")
    precondition(output.count == 4 * rows * cols * channels, "upsample output size")
    for r in 0..<(2 * rows) {
      for c in 0..<(2 * cols) {
        let from = ((r / 2) * cols + c / 2) * channels
        let to = (r * (2 * cols) + c) * channels
        for ch in 0..<channels { output[to + ch] = input[from + ch] }
      }
    }
  }
}
