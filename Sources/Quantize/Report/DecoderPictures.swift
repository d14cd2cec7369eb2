import Evaluation
import ImageIO
import Int8Runtime

// MARK: - DecoderPictures

/// The picture that shows a person what the int8 decoder costs on one frame: float | int8 |
/// amplified difference, side by side (`ContactSheet`, 2-pixel gray gaps). The float frame is
/// the float decoder's output rounded to 8 bits; the difference panel's gray level is
/// `gain` × |int8 − float| in 8-bit levels (against the unrounded float output), capped at
/// 255, so black is no difference and, at the default gain 16, a one-level difference is
/// level 16 and 16 levels or more are white.
///
/// ```swift
/// let picture = DecoderPictures.sideBySide(float: floatFrame, int8: pixels, width: 208, height: 120)
/// picture.width   // 3 · 208 + 4 · 2 = 632
/// ```
public enum DecoderPictures {
  public static let gain = 16

  /// `float`: the float decoder's frame in [0, 1]; `int8`: the int8 frame's bytes.
  public static func sideBySide(
    float: [Double], int8: [UInt8], width: Int, height: Int, gain: Int = gain
  ) -> GrayImage {
    precondition(float.count == width * height && int8.count == float.count, "frame sizes")
    let rounded = float.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) }
    let difference = zip(float, int8).map { f, q in
      UInt8(min(255, (Double(gain) * abs(Double(q) - f * 255)).rounded()))
    }
    return ContactSheet.make(
      [rounded, int8, difference].map { GrayImage(width: width, height: height, pixels: $0) },
      columns: 3)
  }

  /// The side-by-side picture of evaluation latent `index`, decoded again by both decoders.
  public static func frame(
    _ index: Int, latents: [[Double]], reference: FloatReference, model: Int8Model
  ) throws -> GrayImage {
    let float = DecoderAccuracy.floatFrames(reference, latents: [latents[index]])[0]
    let int8 = try Int8FrameDecoder(model).decode(latents[index])
    let p = reference.preset
    return sideBySide(float: float, int8: int8, width: p.frameWidth, height: p.frameHeight)
  }

  /// SQNR rows as bars, the lowest in red.
  public static func layerChart(
    _ rows: [DecoderLayerErrors.Row], title: String = "int8 vs float SQNR per decoder layer (lowest in red)"
  ) -> RGBImage {
    var chart = BarChart(title: title, unit: " dB")
    for row in rows { chart.add(row.layer, row.sqnr) }
    chart.highlighted = chart.lowest
    return chart.render(width: 640)
  }
}
