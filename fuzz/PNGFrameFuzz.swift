// libFuzzer target: the PNG frame loader through the project's own entry point,
// `PNGFile.decodeGray` (Sources/ImageIO, libpng's simplified API behind it), then the step
// `FrameLoader` takes for a frame of another size: `GrayImage.resized` to the paper's 208 x 120.
// The pixel limit is lowered to 1 << 20 so that one input stays fast; PNG chunk CRCs are left
// as they are (libpng checks them; the dictionary holds the chunk names).
// Built by scripts/fuzz.sh against the ImageIO and FileAccess modules and the system libpng.
//
// Example: `.build-fuzz/png fuzz/corpus/png/gray8.png` runs one input (it decodes).

import ImageIO

// MARK: - Entry point

/// Pixels above this are refused by the loader (as `tooManyPixels`), to keep executions fast.
let pixelLimit = 1 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  guard let image = try? PNGFile.decodeGray(bytes, path: "fuzz", maximumPixels: pixelLimit) else {
    return 0
  }
  if image.pixels.count != image.width * image.height {
    fatalError("a \(image.width)x\(image.height) image holds \(image.pixels.count) pixels")
  }
  guard image.width >= 1, image.height >= 1 else { return 0 }
  let frame = image.resized(width: FrameLoader.defaultWidth, height: FrameLoader.defaultHeight)
  if frame.pixels.count != FrameLoader.defaultWidth * FrameLoader.defaultHeight {
    fatalError("resizing gave \(frame.pixels.count) pixels")
  }
  return 0
}
