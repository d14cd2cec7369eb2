import FileAccess
import Testing
import Trainer

// MARK: - SamplingTemperatures: the model file's default temperatures

@Suite struct SamplingTemperaturesTests {
  @Test func absentKeysMeanOneAndPresentOnesAreRead() throws {
    #expect(try SamplingTemperatures(metadata: [:], path: "m.dnm") == .unit)
    let t = try SamplingTemperatures(
      metadata: ["generation.pi_temperature": "0.30", "generation.sigma_temperature": "0"],
      path: "m.dnm")
    #expect(t == SamplingTemperatures(pi: 0.3, sigma: 0))
    #expect(
      try SamplingTemperatures(metadata: ["generation.sigma_temperature": "10"], path: "m.dnm")
        == SamplingTemperatures(pi: 1, sigma: 10))
  }

  @Test func entriesRoundTripAsDecimalText() throws {
    for pi in [0.01, 0.3, 0.5, 1, 2.5, 10] {
      for sigma in [0, 0.5, 1, 10] {
        let t = SamplingTemperatures(pi: pi, sigma: sigma)
        let entries = t.metadataEntries
        #expect(entries.values.allSatisfy { !$0.contains("e") && !$0.contains("-") }, "\(entries)")
        #expect(try SamplingTemperatures(metadata: entries, path: "m.dnm") == t)
      }
    }
    #expect(
      SamplingTemperatures(pi: 0.5, sigma: 1).metadataEntries
        == ["generation.pi_temperature": "0.5", "generation.sigma_temperature": "1.0"])
  }

  @Test(arguments: [
    ("generation.pi_temperature", "-1", "0.01...10"), ("generation.pi_temperature", "0", "0.01...10"),
    ("generation.pi_temperature", "10.5", "0.01...10"), ("generation.pi_temperature", "1e-1", "0.01...10"),
    ("generation.pi_temperature", ".5", "0.01...10"), ("generation.pi_temperature", "5.", "0.01...10"),
    ("generation.pi_temperature", " 1", "0.01...10"), ("generation.pi_temperature", "nan", "0.01...10"),
    ("generation.sigma_temperature", "+1", "0...10"), ("generation.sigma_temperature", "1.2.3", "0...10"),
    ("generation.sigma_temperature", "", "0...10"), ("generation.sigma_temperature", "11", "0...10"),
    ("generation.sigma_temperature", "0.000000000000001", "0...10"),
  ])
  func badValuesAreOneLineNamingFileAndKey(_ key: String, _ value: String, _ range: String) {
    #expect(throws: FileIOError(path: "m.dnm", "metadata \(key) is '\(value)', not a decimal in \(range)")) {
      try SamplingTemperatures(metadata: [key: value], path: "m.dnm")
    }
  }

  @Test func problemNamesTheFirstBadTemperature() {
    #expect(SamplingTemperatures.problem(pi: 1, sigma: 1) == nil)
    #expect(SamplingTemperatures.problem(pi: 0.01, sigma: 0) == nil)
    #expect(SamplingTemperatures.problem(pi: 0, sigma: 1) == "pi-temperature 0.0 must be in 0.01...10")
    #expect(SamplingTemperatures.problem(pi: .nan, sigma: 1) == "pi-temperature nan must be in 0.01...10")
    #expect(SamplingTemperatures.problem(pi: 1, sigma: -0.5) == "sigma-temperature -0.5 must be in 0...10")
    #expect(
      SamplingTemperatures.problem(pi: 1, sigma: .infinity) == "sigma-temperature inf must be in 0...10")
  }
}
