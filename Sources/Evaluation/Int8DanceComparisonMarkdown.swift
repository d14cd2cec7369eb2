import Foundation

// MARK: - Int8DanceComparison Markdown

extension Int8DanceComparison {
  /// The comparison as Markdown: inputs, the measures of float, int8 and real side by side,
  /// the departure per seed, pictures and definitions (numbers by `EvalReport.text`).
  ///
  /// ```swift
  /// comparison.markdown()
  /// // # dancenet int8 evaluation
  /// // ...
  /// // | Fréchet distance, latent velocities | 1.3200 | 1.3561 | 1.0273 |
  /// ```
  public func markdown() -> String {
    var md = MarkdownLines()
    let t: (Double?) -> String = { EvalReport.text($0) }
    func ratio(_ a: Double?, _ b: Double?) -> String {
      guard let a, let b, b != 0 else { return "" }
      return t(a / b)
    }
    func step(_ s: Int?) -> String { s.map(String.init) ?? "none in \(framesPerSeed) steps" }
    let (f, q) = (float, int8)

    md.paragraph("# dancenet int8 evaluation")
    md.table(
      ["input", "value"],
      [
        ["float model", "`\(floatModel)`"], ["int8 model", "`\(int8Model)`"],
        ["latent size D", "\(latentDimension)"],
        ["int8 latent format", "int16, \(latentFractionBits) fraction bits"],
        [
          "temperatures",
          "pi \(t(piTemperature)) (Q16 \(piTemperatureQ16)), sigma \(t(sigmaTemperature)) "
            + "(Q16 \(sigmaTemperatureQ16))",
        ],
      ])

    md.paragraph("## Int8 dance vs float dance vs real dance")
    let seedText = zip(seeds, starts).map { "\($0) (start \($1))" }.joined(separator: ", ")
    md.paragraph(
      "\(seeds.count * framesPerSeed) frames of each dance from seeds \(seedText), "
        + "\(framesPerSeed) each, the same seeds, starts and temperatures for both; against "
        + "\(realFrames) held-out real frames. "
        + (everyFrameDecoded
          ? "Every frame decoded."
          : "Frames not decoded (only the contact sheet's \(decodedInt8Frames)): pixel measures "
            + "not measured; `--int8-pixels` decodes every frame."))
    md.table(
      ["measure", "float", "int8", "int8 / float", "real"],
      [
        [
          "Fréchet distance, latents", t(f.latentFrechet.distance), t(q.latentFrechet.distance),
          ratio(q.latentFrechet.distance, f.latentFrechet.distance), "0",
        ],
        [
          "Fréchet distance, latent velocities", t(f.velocityFrechet.distance),
          t(q.velocityFrechet.distance), t(velocityFrechetRatio), "0",
        ],
        [
          "loop fraction (r = \(t(loopRadius)))", EvalReport.loopText(f.loop),
          EvalReport.loopText(q.loop), ratio(q.loop.fraction, f.loop.fraction),
          EvalReport.loopText(loopReal),
        ],
        [
          "mean latent speed (per frame)", t(f.latentSpeed), t(q.latentSpeed),
          ratio(q.latentSpeed, f.latentSpeed), t(latentSpeedReal),
        ],
        [
          "mean frame-to-frame pixel change (0–255)", t(f.pixelChange), t(q.pixelChange),
          ratio(q.pixelChange, f.pixelChange), t(pixelChangeReal),
        ],
        [
          "large pixel jumps", EvalReport.jumpText(f.jumps), EvalReport.jumpText(q.jumps), "",
          EvalReport.jumpText(jumpsReal),
        ],
      ])
    md.paragraph(
      "Velocity Fréchet distance target: int8 within 10 % of float (ratio 0.9–1.1): "
        + (velocityFrechetWithinTarget ? "met" : "not met") + ".")

    md.paragraph("## How long the int8 dance follows the float dance")
    md.paragraph(
      "Departure: the first step at which the int8 latent is more than \(t(departureThreshold)) "
        + "(RMS per dimension, normalised units) from the float latent of the same seed. "
        + "Earliest: \(step(earliestDeparture)); median over seeds: \(step(medianDeparture)); "
        + "mean distance over all steps: \(t(meanDistance)).")
    md.table(
      ["seed", "start", "departure step"],
      zip(seeds, zip(starts, departureSteps)).map { ["\($0)", "\($1.0)", step($1.1)] })

    md.pictures(pictures)

    md.paragraph("## Definitions")
    md.block(
      EvalReport.definitions(latentDimension: latentDimension, loopRadius: loopRadius) + [
        "- **Departure**: distance at step t = √(Σ_d (z8_t,d − zf_t,d)² / D) between the int8 "
          + "and float latents of the same seed (t = 1 is the first generated latent); the dance "
          + "departs at the first t above the threshold, half a real standard deviation per "
          + "dimension (the loop radius's rule). Same seed, same noise: until one mixture choice "
          + "differs, the two dances differ by rounding only."
      ])
    return md.text
  }
}
