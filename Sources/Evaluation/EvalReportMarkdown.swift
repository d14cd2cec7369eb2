import Foundation
import Trainer

// MARK: - EvalReport Markdown

extension EvalReport {
  /// The report as Markdown: inputs, then one table per section, the pictures (linked by the
  /// relative file names in `pictures`), and the definitions of every figure.
  ///
  /// Numbers are written by `EvalReport.text(_:)`: four decimals, "inf"/"-inf"/"nan" for
  /// non-finite values, "not measured" for nil; loop fractions as percentages with their counts.
  ///
  /// ```swift
  /// report.markdown()
  /// // # dancenet evaluation
  /// // ...
  /// // | PSNR (mean, dB) | 23.4567 |
  /// ```
  public func markdown() -> String {
    var md = MarkdownLines()
    let t: (Double?) -> String = { Self.text($0) }
    let g = generation, d = dance, q = sequence, v = reconstruction

    md.paragraph("# dancenet evaluation")
    md.table(
      ["input", "value"],
      [
        ["model", "`\(inputs.model)`"], ["data", "`\(inputs.data)`"],
        ["held-out frames", "\(inputs.heldOutFrames)"],
        ["latent size D", "\(inputs.latentDimension)"],
      ])

    md.paragraph("## VAE reconstruction")
    md.paragraph("On \(v.frames) held-out frames.")
    md.table(["measure", "value"], [["PSNR (mean, dB)", t(v.psnrDB)], ["SSIM (mean)", t(v.ssim)]])

    md.paragraph("## Sequence model")
    md.paragraph(
      "MDN negative log-likelihood of the next latent, nats per step, on \(q.windows) held-out "
        + "windows of \(q.stepsPerWindow) steps (\(q.steps) steps).")
    md.table(
      ["LSTM state", "NLL per step"],
      [
        ["carried through each window (stateful)", t(q.nllPerStepStateful)],
        ["reset before every step (stateless)", t(q.nllPerStepStateless)],
      ])

    md.paragraph("## Generated dance vs real dance")
    let seeds = g.seeds.map(String.init).joined(separator: ", ")
    md.paragraph(
      "\(g.frames) generated frames from seeds \(seeds) (\(g.framesPerSeed) frames each), "
        + "pi-temperature \(t(g.piTemperature)), sigma-temperature \(t(g.sigmaTemperature))"
        + (g.temperaturesFromModel ? " (the model's defaults)" : " (chosen for this run)")
        + "; against \(d.realFrames) held-out real frames.")
    md.table(
      ["Fréchet distance, generated vs real", "distance", "mean term", "covariance term"],
      [
        [
          "latents", t(d.latentFrechet.distance), t(d.latentFrechet.meanTerm),
          t(d.latentFrechet.covarianceTerm),
        ],
        [
          "latent velocities", t(d.velocityFrechet.distance), t(d.velocityFrechet.meanTerm),
          t(d.velocityFrechet.covarianceTerm),
        ],
      ])
    md.table(
      ["measure", "generated", "real"],
      [
        [
          "loop fraction (r = \(t(d.loopRadius)), lag ≥ \(d.loopMinLag) frames)",
          Self.loopText(d.loopGenerated), Self.loopText(d.loopReal),
        ],
        ["mean latent speed (per frame)", t(d.latentSpeedGenerated), t(d.latentSpeedReal)],
        [
          "mean frame-to-frame pixel change (0–255)", t(d.pixelChangeGenerated),
          t(d.pixelChangeReal),
        ],
        [
          "large pixel jumps (change > J = \(t(d.jumpThreshold)))", Self.jumpText(d.jumpsGenerated),
          Self.jumpText(d.jumpsReal),
        ],
      ])

    if let sweep {
      md.paragraph("## Temperature sweep")
      md.paragraph(
        "\(sweep.seeds.count * sweep.framesPerSeed) generated frames per point, from seeds "
          + sweep.seeds.map(String.init).joined(separator: ", ")
          + " (\(sweep.framesPerSeed) frames each); smaller samples than above, so compare the "
          + "rows with each other. Real dance: latent speed \(t(d.latentSpeedReal)), pixel change "
          + "\(t(d.pixelChangeReal)), large jumps \(Self.jumpText(d.jumpsReal)), loop fraction "
          + "\(Self.loopText(d.loopReal)).")
      md.table(
        [
          "pi-temperature", "sigma-temperature", "FD latents", "FD velocities", "latent speed",
          "pixel change", "large jumps", "loop fraction",
        ],
        sweep.points.map { p in
          [
            t(p.piTemperature), t(p.sigmaTemperature), t(p.latentFrechet.distance),
            t(p.velocityFrechet.distance), t(p.latentSpeed), t(p.pixelChange),
            Self.jumpText(p.jumps), Self.loopText(p.loop),
          ]
        })
      md.paragraph(
        "Chosen by the rule: pi-temperature \(t(sweep.chosenPiTemperature)), sigma-temperature "
          + "\(t(sweep.chosenSigmaTemperature)). The rule ranks the points by velocity Fréchet "
          + "distance and by the distance of their jump rate from the real dance's, and takes the "
          + "smallest sum of the two ranks (ties: the smaller velocity Fréchet distance, then the "
          + "earlier row).")
    }

    md.pictures(pictures)

    md.paragraph("## Definitions")
    md.block(
      Self.definitions(latentDimension: inputs.latentDimension, loopRadius: d.loopRadius))
    return md.text
  }

  // MARK: - Number text

  /// Four decimals; "inf", "-inf", "nan" for non-finite values.
  ///
  /// ```swift
  /// EvalReport.text(31.14107)   // "31.1411"
  /// EvalReport.text(.infinity)  // "inf"
  /// ```
  public static func text(_ x: Double) -> String {
    if x.isNaN { return nonFiniteStrings.nan }
    if x.isInfinite { return x > 0 ? nonFiniteStrings.positiveInfinity : nonFiniteStrings.negativeInfinity }
    return String(format: "%.4f", x)
  }

  /// `text(x)`, or "not measured" for nil.
  public static func text(_ x: Double?) -> String { x.map { text($0) } ?? "not measured" }

  /// "12.50 % (4 of 32)", or "not measured" when no frame was eligible.
  public static func loopText(_ r: LoopMeasure.Result) -> String {
    guard let f = r.fraction else { return "not measured" }
    return String(format: "%.2f %%", f * 100) + " (\(r.looping) of \(r.eligible))"
  }

  /// "1.25 % (5 of 400)", or "not measured" when there was no step.
  public static func jumpText(_ r: PixelJumps.Result) -> String {
    guard let f = r.fraction else { return "not measured" }
    return String(format: "%.2f %%", f * 100) + " (\(r.jumps) of \(r.steps))"
  }

  // MARK: - Definitions

  static func definitions(latentDimension: Int, loopRadius: Double) -> [String] {
    [
      "- **PSNR**: 10·log10(255² / MSE) per frame on the 8-bit scale (decoder output × 255), "
        + "averaged over frames; an exact reconstruction counts as "
        + "\(text(ImageMetrics.psnrCapDB)) dB.",
      "- **SSIM**: Wang et al. 2004 on gray frames: 11×11 Gaussian window (σ 1.5), "
        + "K1 0.01, K2 0.03, L 255, mean over every window position inside the frame, then "
        + "over frames.",
      "- **NLL per step**: −log p(z_{t+1} | z_≤t) under the predicted mixture, in the sequence "
        + "model's normalised latent units, averaged over predicted steps.",
      "- **Fréchet distance**: ‖μ1 − μ2‖² + Tr(S1 + S2 − 2(S1·S2)^½) between Gaussians fitted "
        + "to the two sets (sample covariances, n − 1); latents in the sequence model's "
        + "normalised units. Velocities are frame-to-frame latent differences within a clip. "
        + "Finite samples bias it upwards, so compare figures at equal sample sizes.",
      "- **Loop fraction**: frames t whose latent lies within r of the latent of some frame "
        + "s ≤ t − lag of the same clip, over frames t ≥ lag; r = \(text(loopRadius)) in "
        + "normalised latent units (the fixed rule r = 0.5·√D gives "
        + "\(text(LoopMeasure.defaultRadius(dimension: latentDimension))) for D = "
        + "\(latentDimension): RMS difference per dimension at most half a real standard "
        + "deviation). Real dance repeats too: compare the columns.",
      "- **Latent speed**: mean ‖z_{t+1} − z_t‖ over steps within clips, normalised units.",
      "- **Pixel change**: mean |f_{t+1} − f_t| over pixels and consecutive frame pairs within "
        + "clips, 0–255 scale. 0 means frozen; large values mean flicker.",
      "- **Large pixel jumps**: steps whose pixel change exceeds J = \(text(PixelJumps.factor)) × "
        + "the median step change of the real held-out frames, as a share of all steps within "
        + "clips; the same J for both columns.",
    ]
  }
}
