import ArgumentParser
import Trainer

// MARK: - --pi-temp / --sigma-temp

/// The two sampling temperatures, shared by `generate` and `eval`. A flag not given falls back
/// to the model's recorded default (`generation.*`), else 1.
///
/// ```text
/// dancenet generate --model models/paper --float --pi-temp 0.5 ...   # sigma: the model's
/// ```
struct TemperatureOptions: ParsableArguments {
  @Option(help: "Mixture temperature: divides the MDN logits (default: the model's, else 1).")
  var piTemp: Double?
  @Option(help: "Sigma temperature: scales each Gaussian's spread (default: the model's, else 1).")
  var sigmaTemp: Double?

  func validate() throws {
    if let e = SamplingTemperatures.problem(pi: piTemp ?? 1, sigma: sigmaTemp ?? 1) {
      throw ValidationError(e)
    }
  }

  /// True when either flag was given.
  var given: Bool { piTemp != nil || sigmaTemp != nil }

  /// The flags, each falling back to `defaults`.
  func resolved(_ defaults: SamplingTemperatures) -> SamplingTemperatures {
    SamplingTemperatures(pi: piTemp ?? defaults.pi, sigma: sigmaTemp ?? defaults.sigma)
  }
}
