import ImageIO

// MARK: - SilhouetteRenderer

/// Draws a `Figure` as a dark anti-aliased silhouette on a light background, like the original
/// DanceNet's thresholded video frames.
///
/// Anti-aliasing is by coverage: a pixel whose centre lies at signed distance d from a shape's
/// outline is covered by clamp(0.5 - d, 0, 1), a one-pixel ramp; overlapping shapes take the
/// largest coverage (their union). A squashed figure (a turn) is drawn by measuring distance in
/// the unsquashed body and dividing by the distance function's gradient in image space, so edges
/// stay one pixel soft at any squash.
///
/// Only `+ - * /` and `squareRoot` (all correctly rounded) touch the pixels, so a frame's bytes
/// are the same on every machine and every run.
///
/// ```swift
/// let r = SilhouetteRenderer()                       // 208 x 120, ink 32 on 236
/// let img = r.render(Figure(pose: .neutral, at: 104))
/// img[60, 104]                                       // 32: the torso
/// img[5, 5]                                          // 236: background
/// ```
public struct SilhouetteRenderer: Sendable {
  public let width: Int
  public let height: Int
  /// Gray value of the empty stage.
  public let background: UInt8
  /// Gray value of a fully covered figure pixel.
  public let ink: UInt8

  public init(width: Int = 208, height: Int = 120, background: UInt8 = 236, ink: UInt8 = 32) {
    precondition(width > 0 && height > 0)
    self.width = width
    self.height = height
    self.background = background
    self.ink = ink
  }

  /// A new image holding `figure`.
  public func render(_ figure: Figure) -> GrayImage {
    var pixels = [UInt8](repeating: background, count: width * height)
    pixels.withUnsafeMutableBufferPointer { draw(figure, into: $0) }
    return GrayImage(width: width, height: height, pixels: pixels)
  }

  /// Draws `figure` over `pixels` (width x height, row-major), darkening only: each pixel
  /// becomes the darker of its old value and the figure's value there. Start from a buffer
  /// filled with `background`.
  public func draw(_ figure: Figure, into pixels: UnsafeMutableBufferPointer<UInt8>) {
    precondition(pixels.count == width * height)
    let s = figure.squash, cx = figure.centerX
    let invS = 1 / s, invS2 = invS * invS
    let bg = Double(background), depth = Double(background) - Double(ink)
    for shape in figure.shapes {
      let r = shape.radius
      let dx = shape.bx - shape.ax, dy = shape.by - shape.ay
      let len2 = dx * dx + dy * dy
      let invLen2 = len2 > 0 ? 1 / len2 : 0
      // Pixel-space bounding box, one pixel wider than the shape for the soft edge.
      let left = cx + (Swift.min(shape.ax, shape.bx) - r - cx) * s - 1
      let right = cx + (Swift.max(shape.ax, shape.bx) + r - cx) * s + 1
      let top = Swift.min(shape.ay, shape.by) - r - 1
      let bottom = Swift.max(shape.ay, shape.by) + r + 1
      let c0 = Swift.max(0, pixelIndex(left)), c1 = Swift.min(width - 1, pixelIndex(right))
      let r0 = Swift.max(0, pixelIndex(top)), r1 = Swift.min(height - 1, pixelIndex(bottom))
      if c0 > c1 || r0 > r1 { continue }
      // Inside this body radius the image-space distance is at most -0.5: full coverage.
      let innerRadius = r - 0.5 * invS
      let inner = innerRadius > 0 ? innerRadius * innerRadius : 0
      for row in r0...r1 {
        let py = Double(row) + 0.5 - shape.ay
        let base = row * width
        for col in c0...c1 {
          // Body coordinates of the pixel centre, relative to the segment's start.
          let imageX: Double = Double(col) + 0.5
          let px: Double = cx + (imageX - cx) * invS - shape.ax
          let h = SynthMath.clamp((px * dx + py * dy) * invLen2, 0, 1)
          let qx = px - dx * h, qy = py - dy * h
          let q2: Double = qx * qx + qy * qy
          let coverage: Double
          if q2 <= inner || q2 == 0 {
            coverage = 1
          } else {
            let q = q2.squareRoot()
            // Distance in the body, converted to image pixels through the gradient's length.
            let gradient: Double = (qx * qx * invS2 + qy * qy).squareRoot()
            let d: Double = (q - r) * q / gradient
            coverage = SynthMath.clamp(0.5 - d, 0, 1)
          }
          if coverage <= 0 { continue }
          let value = UInt8(bg - depth * coverage + 0.5)  // round half up
          if value < pixels[base + col] { pixels[base + col] = value }
        }
      }
    }
  }

  /// The pixel index holding coordinate `x` (floor), kept far inside Int's range.
  @inline(__always)
  func pixelIndex(_ x: Double) -> Int {
    Int(SynthMath.clamp(x, -1_000_000, 1_000_000).rounded(.down))
  }
}
