import Evaluation
import Foundation
import SynthDancer
import Testing
import Trainer

// MARK: - The shipped models reproduce their cards (release builds only)

/// `dancenet eval` on each shipped model, from the committed files, gives the figures its card
/// and `eval/report.json` carry: every number, the temperature sweep's included, at the model
/// file's default temperatures (which the sweep's rule chose, `eval --record-temperatures`).
/// The frames are drawn in memory by the synthetic dancer with the seed and count the card
/// names (what `dancenet synth` writes; PNG is lossless), so the test needs no data folder.
///
///     DANCENET_RELEASE_TESTS=1 swift test -c release -Xswiftc -enable-testing --filter ShippedModel
@Suite(
  .enabled(
    if: ProcessInfo.processInfo.environment["DANCENET_RELEASE_TESTS"] == "1",
    "needs a release build: set DANCENET_RELEASE_TESTS=1 and build with -c release (scripts/test.sh)"),
  .serialized)
struct ShippedModelTests {
  struct Shipped: Sendable, CustomStringConvertible {
    let name: String
    let dataFolder: String
    let seed: UInt64
    let frames: Int
    var description: String { name }
  }

  static let models = [
    Shipped(name: "tiny", dataFolder: "data/synth30k", seed: 1, frames: 30_000),
    Shipped(name: "paper", dataFolder: "data/synth40k", seed: 2, frames: 40_000),
  ]

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  @Test(arguments: models) func evalReproducesTheCommittedReport(_ m: Shipped) throws {
    let modelDir = "\(Self.root)/models/\(m.name)"
    let dancer = SyntheticDancer(seed: m.seed, frameCount: m.frames, fps: 10)
    let data = FrameDataset(folder: m.dataFolder, clips: [dancer.frames()], heldOutPercent: 10)
    let out = NSTemporaryDirectory() + "dancenet-shipped-\(m.name)-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: out) }
    _ = try DanceEvaluation.run(
      modelPath: "\(modelDir)/model.dnm", dataset: data, options: .init(), outputFolder: out)

    let committed = try Self.numbers(in: "\(modelDir)/eval/report.json")
    let measured = try Self.numbers(in: "\(out)/report.json")
    #expect(committed.count > 100)
    // the sweep chose the defaults the model file records, and the report ran at them
    let report = try EvalReport.decode(
      json: Data(contentsOf: URL(fileURLWithPath: "\(modelDir)/eval/report.json")))
    let dance = try FloatDance.load(from: "\(modelDir)/model.dnm")
    #expect(report.sweep?.chosen == dance.defaultTemperatures)
    #expect(report.generation.temperaturesFromModel)
    #expect(report.generation.piTemperature == dance.defaultTemperatures.pi)
    #expect(report.generation.sigmaTemperature == dance.defaultTemperatures.sigma)
    #expect(Set(measured.keys) == Set(committed.keys))
    for (key, want) in committed.sorted(by: { $0.key < $1.key }) {
      let got = measured[key] ?? .nan
      #expect(abs(got - want) <= 1e-9 * max(1, abs(want)), "\(m.name) \(key): \(got), card \(want)")
    }
  }

  /// Every number in a report.json, keyed by its path ("dance.velocityFrechet.distance").
  static func numbers(in path: String) throws -> [String: Double] {
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
    var out: [String: Double] = [:]
    func walk(_ value: Any, _ key: String) {
      if let d = value as? [String: Any] {
        for (k, v) in d { walk(v, key.isEmpty ? k : "\(key).\(k)") }
      } else if let a = value as? [Any] {
        for (i, v) in a.enumerated() { walk(v, "\(key)[\(i)]") }
      } else if let n = value as? NSNumber, !(value is Bool) {
        out[key] = n.doubleValue
      }
    }
    walk(json, "")
    return out
  }
}
