import Testing

@testable import Quantize

// MARK: - The --compare grid and its rule

@Suite struct CompareGridTests {
  @Test func everyMethodOnceAndEachSwitchDoublesTheGrid() {
    var base = Quantizer.Options()
    base.realLatents = 7
    let plain = CompareGrid.configurations(base: base, switches: [])
    #expect(plain.map(\.name) == ["minmax", "percentile 99.99", "mse", "ema-minmax 0.9", "entropy", "auto"])
    #expect(plain.allSatisfy { $0.options.realLatents == 7 })
    // The default grid: equalisation and bias correction each double it.
    let full = CompareGrid.configurations(base: base)
    #expect(full.count == 24 && Set(full.map(\.name)).count == 24)
    #expect(
      full[6].name == "minmax + equalize" && full[6].options.equalize && !full[6].options.biasCorrection)
    #expect(full[23].name == "auto + equalize + bias correction" && full[23].options.biasCorrection)
    // A switch is one more line and doubles the grid.
    let subPixel = CompareGrid.Switch("sub-pixel", metadataKey: "quant.sub_pixel", \.subPixel)
    let grid = CompareGrid.configurations(base: base, switches: [subPixel])
    #expect(grid.count == 12)
    #expect(grid[6].name == "minmax + sub-pixel" && grid[6].options.subPixel && !grid[0].options.subPixel)
    #expect(Set(grid.map(\.name)).count == 12)
  }

  @Test func theShippedRowIsTheOneTheMetadataRecords() {
    let subPixel = CompareGrid.Switch("sub-pixel", metadataKey: "quant.sub_pixel", \.subPixel)
    let grid = CompareGrid.configurations(base: .init(), switches: [subPixel])
    func shipped(_ metadata: [String: String]) -> [String] {
      grid.filter { CompareGrid.isShipped($0, metadata: metadata, switches: [subPixel]) }.map(\.name)
    }
    #expect(shipped(["quant.method": "mse"]) == ["mse"])
    #expect(shipped(["quant.method": "mse", "quant.sub_pixel": "1"]) == ["mse + sub-pixel"])
    #expect(shipped(["quant.method": "percentile 99.9"]).isEmpty)
    #expect(shipped([:]).isEmpty)
  }

  /// 12-bit layers come from the run's base options: a file made with them is the shipped row
  /// only of a grid whose base has the same layers.
  @Test func theShippedRowHasTheFilesTwelveBitLayers() {
    let metadata = [
      "quant.method": "minmax",
      "quant.wide_activations": "decoder.expand, decoder.conv1, decoder.conv2: 12-bit outputs (int16)",
    ]
    var wide = Quantizer.Options()
    wide.wideActivations = ["expand", "conv1", "conv2"]
    func shipped(_ base: Quantizer.Options, _ metadata: [String: String]) -> [String] {
      CompareGrid.configurations(base: base).filter { CompareGrid.isShipped($0, metadata: metadata) }.map(
        \.name)
    }
    #expect(shipped(wide, metadata) == ["minmax"])
    #expect(shipped(.init(), metadata).isEmpty)
    #expect(shipped(wide, ["quant.method": "minmax"]).isEmpty)
    #expect(shipped(.init(), ["quant.method": "minmax"]) == ["minmax"])
  }

  @Test func bestIsHighestMeanPSNRAmongRowsNearTheBestWorstPercent() {
    func row(_ name: String, _ mean: Double, _ worst: Double) -> CalibrationComparison.Row {
      .init(
        configuration: name, shipped: false, best: false, meanPSNR: mean, worstPercentPSNR: worst,
        meanSSIM: 1, meanAbsoluteError: 0, meansRelativeRMSEPercent: 0, topMixtureAgreementPercent: 100,
        nllDelta: 0, fileBytes: 0, seconds: 0)
    }
    #expect(CalibrationComparison.bestIndex([row("a", 50, 40), row("b", 51, 39.6)]) == 1)
    // a higher mean whose worst 1% is more than 0.5 dB below the best worst 1% is not chosen
    #expect(CalibrationComparison.bestIndex([row("a", 50, 40), row("b", 51, 30)]) == 0)
    // paper's table (compare.md): minmax + eq + bc over ema-minmax + eq + bc
    let paper = [
      row("minmax", 56.48, 54.78), row("ema+eq+bc", 56.78, 51.44), row("minmax+eq+bc", 56.74, 55.15),
    ]
    #expect(CalibrationComparison.bestIndex(paper) == 2)
    // equal to 0.01 dB: the worst 1% decides
    #expect(CalibrationComparison.bestIndex([row("a", 50.001, 40), row("b", 50.002, 41)]) == 1)
    // all equal: the first
    #expect(CalibrationComparison.bestIndex([row("a", 50, 40), row("b", 50, 40)]) == 0)
  }
}
