import Foundation
import Int8Runtime
import Testing

@testable import Quantize

// MARK: - Per-tensor weights

@Suite struct PerTensorWeightTests {
  @Test func perTensorGivesEveryRowTheTensorsScale() {
    let t = ChannelWeights(rows: 2, columns: 2, values: [0.5, -1.0, 0.02, 0.01], perTensor: true)
    #expect(t.values == [64, -127, 3, 1])
    #expect(t.scales == [1.0 / 127, 1.0 / 127])
  }

  @Test func perTensorConversionIsAValidFileWithEqualRowScales() throws {
    let conversion = try MicroConversion.convert(MicroConversion.reference(), perTensorWeights: true)
    #expect(try MicroConversion.load(conversion) == MicroConversion.preset)
    for layer in conversion.layers where layer.widenedRows == 0 {
      #expect(layer.weightScales.min == layer.weightScales.max, "\(layer.name)")
    }
    let perChannel = try MicroConversion.convert(MicroConversion.reference())
    #expect(perChannel.layers.contains { $0.weightScales.min < $0.weightScales.max })
  }
}

// MARK: - auto

@Suite struct AutoCalibrationTests {
  @Test func everyFifthIsHeldBack() {
    let (fit, held) = AutoCalibration.split(Array(0..<10))
    #expect(fit == [0, 1, 2, 3, 5, 6, 7, 8] && held == [4, 9])
  }

  /// Fitted on a Gaussian with rare far outliers and scored on one without: minmax, which spends
  /// the scale on the outliers, loses; on a uniform tensor nothing beats keeping the whole range.
  @Test func autoPrefersARangeThatFitsTheHeldBackValues() {
    var fit = RangeObserver(seed: 1)
    fit.observe(MovingAverageAndEntropyCalibrationTests.gaussian(40_000, seed: 3) + [200, -200])
    var held = RangeObserver(seed: 2)
    held.observe(MovingAverageAndEntropyCalibrationTests.gaussian(10_000, seed: 4))
    let choice = AutoCalibration.best(fit: fit, heldBack: held, relu: false)
    #expect(choice.method != .minmax)
    let minmax = fit.range(.minmax)
    let sample = held.sample
    #expect(choice.error < AutoCalibration.error(sample, Int8Activation(lo: minmax.lo, hi: minmax.hi)))
  }

  @Test func autoNamesAMethodForEveryDecoderActivation() throws {
    let reference = try MicroConversion.reference()
    let (fit, held) = AutoCalibration.split(MicroConversion.data().decoderLatents)
    var fitData = MicroConversion.data()
    fitData.decoderLatents = fit
    var heldData = fitData
    heldData.decoderLatents = held
    let choices = AutoCalibration.choose(
      fit: ActivationStatistics.collect(reference, fitData),
      heldBack: ActivationStatistics.collect(reference, heldData))
    #expect(Set(choices.keys) == ["decoder.dense", "decoder.expand", "decoder.conv1", "decoder.conv2"])
    let conversion = try MicroConversion.convert(reference, method: .auto, layerMethods: choices)
    for (name, method) in choices {
      let layer = conversion.layers.first { $0.name == name }
      #expect(layer?.outputFormat.hasSuffix("auto: " + method.name) == true, "\(name)")
    }
    #expect(try MicroConversion.load(conversion) == MicroConversion.preset)
  }
}
