import FileAccess
import FloatRandom
import Foundation
import Int8Runtime
import ModelFiles
import TestSupport
import Testing

@testable import Trainer

// MARK: - Fixtures

/// A preset small enough to fill with random values in a debug build.
fileprivate let micro = ModelPreset(
  name: "micro", frameHeight: 8, frameWidth: 12, latentSize: 4, encoderChannels: [3, 2],
  encoderHidden: 5, decoderExpand: 3, decoderChannels: [2, 3], lstmLayers: 2, lstmUnits: 4,
  dropoutPercent: 10, denseUnits: 6, mixtures: 2)

/// A complete model with seeded values in [-2, 2), plus start latents and held-out ranges.
fileprivate func randomModel(_ preset: ModelPreset = micro, seed: UInt64 = 1) -> FloatModelFile {
  var rng = DanceRandom(seed: seed)
  var m = FloatModelFile(preset: preset)
  func draw(_ n: Int) -> [Float] {
    (0..<n).map { _ in 4 * (DanceRandomFloats.uniform(&rng) as Float) - 2 }
  }
  for (name, shape) in FloatModelFile.requiredTensors(of: preset) {
    m.tensors[name] = FloatTensor(shape: shape, values: draw(shape.reduce(1, *)))
  }
  let d = preset.latentSize
  m.tensors[FloatModelFile.normalizationStd] = FloatTensor(
    shape: [d], values: draw(d).map { abs($0) + 0.25 })
  m.tensors[FloatModelFile.startLatents] = FloatTensor(shape: [3, d], values: draw(3 * d))
  m.tensors[FloatModelFile.startPrimers] = FloatTensor(shape: [3, 2, d], values: draw(6 * d))
  m.integerTensors[FloatModelFile.heldoutRanges] = Int32Tensor(shape: [2, 2], values: [0, 40, 900, 1000])
  m.metadata = [
    "provenance.command": "dancenet train --preset micro --seed 1 frames/", "provenance.seed": "1",
    "provenance.data": "frames/été",
  ]
  return m
}

fileprivate func temporaryFolder() -> String { makeTemporaryFolder("dancenet-format") }

fileprivate func loadError(_ bytes: [UInt8], in folder: String) -> String? {
  let path = folder + "/model.dnm"
  _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
  do throws(FileIOError) {
    _ = try FloatModelFile.load(from: path)
    return nil
  } catch { return error.message.replacingOccurrences(of: path, with: "FILE") }
}

fileprivate func restamp(_ file: inout [UInt8]) {
  let n = file.count - 4
  var crc = file.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
  for i in 0..<4 {
    file[n + i] = UInt8(truncatingIfNeeded: crc)
    crc >>= 8
  }
}

// MARK: - Tests

@Suite struct FloatModelFileTests {
  @Test(arguments: [ModelPreset.paper, .tiny, micro])
  func parameterNamesCoverEveryParameter(_ p: ModelPreset) {
    let shapes = FloatModelFile.parameterShapes(of: p)
    let total = shapes.reduce(0) { $0 + $1.shape.reduce(1, *) }
    #expect(total == (p.encoderLayers + p.decoderLayers + p.sequenceLayers).totalParameters)
    #expect(Set(shapes.map(\.name)).count == shapes.count)
  }

  /// The trainer's models name their parameters exactly as the file format specifies.
  @Test func trainerModelsUseTheSpecifiedNamesAndShapes() throws {
    let vae = try VAE<Float>(preset: micro, seed: 1)
    let sequence = SequenceModel<Float>(preset: micro, seed: 1)
    let slots = (vae.parameters.slots + sequence.parameters.slots).map { "\($0.name) \($0.shape)" }
    let spec = FloatModelFile.parameterShapes(of: micro).map { "\($0.name) \($0.shape)" }
    #expect(slots.sorted() == spec.sorted())
  }

  @Test func paperNamesAndSizes() {
    let shapes = Dictionary(
      uniqueKeysWithValues: FloatModelFile.parameterShapes(of: .paper).map { ($0.name, $0.shape) })
    #expect(shapes["encoder.conv1.kernel"] == [3, 3, 1, 128])
    #expect(shapes["encoder.dense.kernel"] == [12480, 128])
    #expect(shapes["decoder.expand.kernel"] == [32, 128])
    #expect(shapes["sequence.lstm1.kernel"] == [128, 2048])
    #expect(shapes["sequence.lstm2.recurrent_kernel"] == [512, 2048])
    #expect(shapes["sequence.mdn.bias"] == [6168])
    // 15,667,009 parameters: 62.7 MB as float32, 31.3 MB as float16.
    #expect(shapes.values.reduce(0) { $0 + $1.reduce(1, *) } == 15_667_009)
  }

  @Test func float32RoundTripIsExact() throws {
    var model = randomModel()
    model.tensors["encoder.conv1.bias"]!.values[0] = -0.0
    model.tensors["encoder.conv1.bias"]!.values[1] = .leastNonzeroMagnitude
    model.tensors["encoder.conv1.bias"]!.values[2] = .greatestFiniteMagnitude
    let bytes = try model.encoded()
    let back = try FloatModelFile(decoding: bytes, source: "m")
    #expect(back == model)
    #expect(back.tensors["encoder.conv1.bias"]!.values[0].sign == .minus)
    #expect(try back.encoded() == bytes)
  }

  @Test func float16StoresParametersHalfSizeAndRoundsToNearestEven() throws {
    var model = randomModel()
    model.storage = .float16
    let bytes = try model.encoded()
    let back = try FloatModelFile(decoding: bytes, source: "m")
    #expect(back.storage == .float16)
    let parameterNames = Set(FloatModelFile.parameterShapes(of: micro).map(\.name))
    for (name, t) in model.tensors {
      let stored = back.tensors[name]!.values
      if parameterNames.contains(name) {
        #expect(stored == t.values.map { Float(Float16($0)) }, "\(name)")
      } else {
        #expect(stored == t.values, "\(name) must stay float32")
      }
    }
    #expect(back.metadata == model.metadata && back.integerTensors == model.integerTensors)
    #expect(try back.encoded() == bytes)  // f16 values survive a second trip unchanged
    // Each parameter saves 2 bytes; alignment padding may differ by under 16 bytes a tensor.
    let f32Size = try randomModel().encoded().count
    let parameterCount = FloatModelFile.parameterShapes(of: micro).reduce(0) { $0 + $1.shape.reduce(1, *) }
    #expect(abs(f32Size - bytes.count - 2 * parameterCount) < 16 * model.tensors.count)
    withContainer(bytes) { c in
      for name in parameterNames { #expect(c.tensor(named: name)?.dtype == .float16, "\(name)") }
      #expect(c.tensor(named: FloatModelFile.normalizationMean)?.dtype == .float32)
      #expect(c.tensor(named: FloatModelFile.heldoutRanges)?.dtype == .int32)
    }
  }

  @Test func float16RefusesValuesOutsideItsRange() {
    var model = randomModel()
    model.storage = .float16
    model.tensors["encoder.conv1.kernel"]!.values[3] = 70000
    #expect(
      throws: FileIOError(
        "x/m.dnm: tensor encoder.conv1.kernel: value 70000.0 at index 3 does not fit float16 (largest 65504)")
    ) {
      try model.save(to: "x/m.dnm")
    }
  }

  @Test func saveAndLoadThroughTheFileSystem() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let model = randomModel(.tiny, seed: 9)
    try model.save(to: folder + "/tiny.dnm")
    #expect(try FloatModelFile.load(from: folder + "/tiny.dnm") == model)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["tiny.dnm"])
  }

  @Test func loadRejectsDamagedFilesWithOneLine() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let good = try randomModel().encoded()

    #expect(loadError(Array("P5\n8 8\n255\n".utf8), in: folder) == "FILE: not a dancenet model file")
    #expect(loadError(Array(good[0..<1000]), in: folder) == "FILE: truncated (1000 of \(good.count) bytes)")
    #expect(loadError([], in: folder) == "FILE: truncated (0 of 64 bytes)")
    var flipped = good
    flipped[good.count / 2] ^= 0x04
    #expect(loadError(flipped, in: folder) == "FILE: damaged (checksum mismatch)")
    var future = good
    future[4] = 7
    #expect(
      loadError(future, in: folder) == "FILE: unsupported format version 7 (this build reads version 1)")

    do throws(FileIOError) {
      _ = try FloatModelFile.load(from: folder + "/absent.dnm")
      Issue.record("loaded a missing file")
    } catch {
      #expect(error.message == folder + "/absent.dnm: cannot open (No such file or directory)")
    }
    do throws(FileIOError) {
      _ = try FloatModelFile.load(from: folder)
      Issue.record("loaded a folder")
    } catch {
      #expect(error.message == folder + ": is a folder, not a file")
    }
  }

  @Test func loadRejectsIncompleteOrInconsistentModels() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    /// A container written without FloatModelFile's own validation.
    func raw(_ edit: (inout [String: FloatTensor], inout [String: String]) -> Void) throws -> [UInt8] {
      let model = randomModel()
      var tensors = model.tensors
      var meta = model.metadata.merging(micro.metadataEntries) { a, _ in a }
      edit(&tensors, &meta)
      var w = ContainerWriter(kind: .floatModel)
      for (name, t) in tensors { w.addFloat32(name, shape: t.shape, values: t.values) }
      w.metadata = meta
      return try w.encoded()
    }
    #expect(
      loadError(try raw { t, _ in t["decoder.conv3.bias"] = nil }, in: folder)
        == "FILE: missing tensor decoder.conv3.bias")
    #expect(
      loadError(
        try raw { t, _ in
          t["sequence.lstm2.bias"] = FloatTensor(shape: [4, 4], values: .init(repeating: 0, count: 16))
        }, in: folder)
        == "FILE: tensor sequence.lstm2.bias has shape [4, 4], expected [16]")
    #expect(
      loadError(try raw { t, _ in t["encoder.dense.bias"]!.values[0] = .nan }, in: folder)
        == "FILE: tensor encoder.dense.bias holds a non-finite value")
    #expect(
      loadError(try raw { _, m in m["preset.lstm_units"] = nil }, in: folder)
        == "FILE: missing metadata preset.lstm_units")
    #expect(
      loadError(try raw { _, m in m["preset.mixtures"] = "-3" }, in: folder)
        == "FILE: metadata preset.mixtures is not a valid size: '-3'")
    #expect(
      loadError(try raw { _, m in m["preset.encoder_channels"] = "3" }, in: folder)
        == "FILE: invalid preset in metadata: encoder and decoder need the same non-zero number of scale steps"
    )

    var checkpoint = try raw { _, _ in }
    checkpoint[6] = UInt8(ContainerKind.checkpoint.rawValue)
    restamp(&checkpoint)
    #expect(loadError(checkpoint, in: folder) == "FILE: is a checkpoint, not a float model")
  }

  @Test func saveRefusesInvalidModels() {
    var model = randomModel()
    model.tensors["decoder.dense.kernel"] = nil
    #expect(throws: FileIOError("m.dnm: missing tensor decoder.dense.kernel")) { try model.save(to: "m.dnm") }
    model = randomModel()
    model.metadata["preset.name"] = "other"
    #expect(throws: FileIOError("m.dnm: metadata key preset.name is reserved for the preset")) {
      try model.save(to: "m.dnm")
    }
    model = randomModel()
    model.tensors[FloatModelFile.startPrimers] = FloatTensor(
      shape: [2, 1, 4], values: .init(repeating: 0, count: 8))
    #expect(throws: FileIOError("m.dnm: tensor start.primers has shape [2, 1, 4], expected [3, P, 4]")) {
      try model.save(to: "m.dnm")
    }
  }

  @Test(arguments: [ModelPreset.paper, .tiny, micro])
  func presetSurvivesMetadata(_ p: ModelPreset) throws {
    #expect(try ModelPreset(metadata: p.metadataEntries) == p)
  }
}

// MARK: - Float16Storage

@Suite struct Float16StorageTests {
  @Test func knownValues() {
    #expect(Float16Storage.bits(1) == 0x3C00)
    #expect(Float16Storage.bits(-2) == 0xC000)
    #expect(Float16Storage.bits(65504) == 0x7BFF)
    #expect(Float16Storage.bits(65519) == 0x7BFF)  // below the midpoint to 65536
    #expect(Float16Storage.bits(65520) == nil)  // the midpoint rounds to infinity
    #expect(Float16Storage.bits(.infinity) == nil && Float16Storage.bits(.nan) == nil)
    #expect(Float16Storage.bits(0x1p-24) == 0x0001)  // smallest subnormal
    #expect(Float16Storage.bits(0x1p-25) == 0x0000)  // halfway to zero: ties to even (zero)
    #expect(Float16Storage.bits(0x1.8p-24) == 0x0002)  // halfway between 1 and 2 ulps: to 2
    #expect(Float16Storage.float(0x3C01) == 1.0009765625)
  }

  /// Every finite float16 survives Float and back; every midpoint between neighbours goes to
  /// the neighbour with an even significand (ties to even), anything off the midpoint to the
  /// nearer one.
  @Test func exhaustiveRoundTripAndTiesToEven() {
    var failures: [UInt16] = []
    for bits in UInt16(0)...UInt16(0x7BFE) {
      for sign: UInt16 in [0, 0x8000] {
        let b = bits | sign
        let x = Float16Storage.float(b)
        let next = Float16Storage.float(b + 1)  // the neighbour one ulp further from zero
        let mid = (x + next) / 2  // exact: binary16 needs 11 bits, the midpoint 12
        let even = b & 1 == 0 ? b : b + 1
        let towardX = sign == 0 ? mid.nextDown : mid.nextUp
        let towardNext = sign == 0 ? mid.nextUp : mid.nextDown
        if Float16Storage.bits(x) != b || Float16Storage.bits(mid) != even
          || Float16Storage.bits(towardX) != b || Float16Storage.bits(towardNext) != b + 1
        {
          failures.append(b)
        }
      }
    }
    #expect(failures.isEmpty, "first failing pattern: \(failures.first ?? 0)")
  }
}

fileprivate func withContainer(_ bytes: [UInt8], _ body: (TensorContainer) -> Void) {
  do throws(FileIOError) {
    try ContainerFile.read(bytes: bytes, source: "test", as: .floatModel) { (c) throws(FileIOError) in body(c)
    }
  } catch {
    Issue.record("did not parse: \(error.message)")
  }
}
