import FileAccess
import Foundation
import ImageIO
import Int8Runtime

// MARK: - QuantReport: pictures and the free-running departure

extension QuantReport {
  public static let worstFrameFile = "worst-frame.png"
  public static let typicalFrameFile = "typical-frame.png"
  public static let layerChartFile = "layer-sqnr.png"
  public static let sequenceChartFile = "sequence-sqnr.png"

  /// Writes the pictures into `folder` and lists them in the report: the worst and the median
  /// frame as float | int8 | difference × `DecoderPictures.gain`, the per-layer SQNR bars (decoder
  /// layers; the sequence model's `layerRows`, LSTM h and cell to the MDN outputs), and with a
  /// departure measure its plot (`SequenceDeparture.plotFile`).
  public mutating func writePictures(
    to folder: String, latents: [[Double]], reference: FloatReference, model: Int8Model,
    departureDistances: [[Double]]
  ) throws {
    let psnr = decoder.framePSNRs
    func write(_ image: GrayImage, _ file: String) throws {
      do { try PNGFile.write(image, to: folder + "/" + file) } catch { throw FileIOError(error.description) }
    }
    func write(_ image: RGBImage, _ file: String) throws {
      do { try PNGFile.write(image, to: folder + "/" + file) } catch { throw FileIOError(error.description) }
    }
    pictures = []
    for (index, file, what) in [
      (decoder.worstFrame, Self.worstFrameFile, "worst frame"),
      (decoder.medianFrame, Self.typicalFrameFile, "typical frame (median PSNR)"),
    ] where index < latents.count {
      try write(
        DecoderPictures.frame(index, latents: latents, reference: reference, model: model), file)
      pictures.append(
        Picture(
          title: "\(what): held-out latent \(index + 1), PSNR \(String(format: "%.2f", psnr[index])) dB; "
            + "float | int8 | difference x\(differenceGain)", file: file))
    }
    try write(DecoderPictures.layerChart(decoderLayers), Self.layerChartFile)
    pictures.append(Picture(title: "SQNR per decoder layer (lowest in red)", file: Self.layerChartFile))
    try write(
      DecoderPictures.layerChart(
        sequence.layerRows, title: "int8 vs float SQNR per sequence-model layer (lowest in red)"),
      Self.sequenceChartFile)
    pictures.append(
      Picture(title: "SQNR per sequence-model layer (lowest in red)", file: Self.sequenceChartFile))
    if let departure {
      try write(
        SequenceDeparture.plot(departureDistances, seeds: departure.seeds), SequenceDeparture.plotFile)
      pictures.append(
        Picture(
          title: "int8 vs float latent distance over time, same noise", file: SequenceDeparture.plotFile))
    }
  }

  /// The free-running departure and the pictures, for the Markdown ("" when neither).
  func departureMarkdown() -> String {
    var s = ""
    if let d = departure {
      let steps = { (k: Int?) in k.map { "step \($0)" } ?? "not within \(d.steps) steps" }
      s += """

        Free-running, the int8 dance follows the float dance with the same noise (seeds \
        \(d.seeds.map(String.init).joined(separator: ", ")), \(d.steps) steps, temperatures pi \
        \(d.piTemperature), sigma \(d.sigmaTemperature)) until the RMS latent distance per dimension \
        exceeds \(d.threshold) normalised units: median departure \(steps(d.medianDeparture)), earliest \
        \(steps(d.earliestDeparture)) (per seed: \
        \(d.departureSteps.map { $0.map(String.init) ?? "none" }.joined(separator: ", "))); mean \
        distance \(String(format: "%.3f", d.meanDistance)).

        """
    }
    if !pictures.isEmpty {
      s += "\n## Pictures\n\nDifference panels: \(differenceGain) x |int8 - float| in 8-bit levels (black: "
      s += "equal; a 1-level difference is gray level \(differenceGain); \(256 / differenceGain) levels or "
      s += "more are white).\n\n"
      s += pictures.map { "\($0.title):\n\n![\($0.title)](\($0.file))\n" }.joined(separator: "\n")
    }
    return s
  }

}
