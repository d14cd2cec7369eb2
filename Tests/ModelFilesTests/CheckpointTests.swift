import FileAccess
import Foundation
import Int8Runtime
import ModelFiles
import TestSupport
import Testing

@testable import Trainer

// MARK: - Fixtures

fileprivate func temporaryFolder() -> String { makeTemporaryFolder("dancenet-ckpt") }

/// Two dense layers and an Adam optimiser that has taken `steps` steps on fixed data.
fileprivate func trainedToy(steps: Int) -> (Parameters<Float>, [Dense<Float>], Adam<Float>) {
  let p = Parameters<Float>()
  var rng = DanceRandom(seed: 5)
  let layers = [
    Dense<Float>("sequence.dense", inputs: 3, outputs: 4, in: p, rng: &rng),
    Dense<Float>("sequence.mdn", inputs: 4, outputs: 2, in: p, rng: &rng),
  ]
  var adam = Adam<Float>(count: p.count, learningRate: 0.01)
  for _ in 0..<steps { toyStep(p, layers, &adam) }
  return (p, layers, adam)
}

/// One Adam step on a fixed batch: loss = sum of outputs squared / 2.
fileprivate func toyStep(_ p: Parameters<Float>, _ layers: [Dense<Float>], _ adam: inout Adam<Float>) {
  let x: [Float] = [0.5, -1, 2, 1, 0.25, -0.5]
  p.zeroGrads()
  let h = layers[0].forward(x, batch: 2, p)
  let y = layers[1].forward(h, batch: 2, p)
  let dh = layers[1].backward(y, input: h, batch: 2, p)
  _ = layers[0].backward(dh, input: x, batch: 2, p)
  adam.step(p)
}

// MARK: - Checkpoint

@Suite struct CheckpointTests {
  @Test func resumeContinuesBitForBit() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/sequence.ckpt"

    // Run A: 3 steps, checkpoint, 2 more steps.
    let (p, layers, adam0) = trainedToy(steps: 3)
    var adam = adam0
    var ckpt = Checkpoint(preset: .tiny, phase: "sequence", epoch: 3, step: 3, seed: 5)
    ckpt.capture(p)
    ckpt.capture(adam)
    ckpt.extras["sequence.normalizer.std"] = FloatTensor(shape: [2], values: [1, 0.5])
    ckpt.metadata["provenance.data"] = "frames/"
    try ckpt.save(to: path)
    for _ in 0..<2 { toyStep(p, layers, &adam) }

    // Run B: a fresh model resumed from the file, then the same 2 steps.
    let (q, qLayers, qAdam0) = trainedToy(steps: 0)
    var qAdam = qAdam0
    let loaded = try Checkpoint.load(from: path)
    #expect(loaded == ckpt)
    #expect(loaded.phase == "sequence" && loaded.epoch == 3 && loaded.step == 3 && loaded.seed == 5)
    try loaded.restore(into: q)
    try loaded.restore(into: &qAdam)
    #expect(qAdam.steps == 3)
    for _ in 0..<2 { toyStep(q, qLayers, &qAdam) }

    #expect(q.values.map(\.bitPattern) == p.values.map(\.bitPattern))
    #expect(qAdam.stateArrays.map(\.1) == adam.stateArrays.map(\.1))
  }

  @Test func restoreRefusesAnotherModelAndLeavesItUntouched() throws {
    let (p, _, adam) = trainedToy(steps: 1)
    var ckpt = Checkpoint(preset: .tiny, phase: "sequence", epoch: 1, step: 1, seed: 5)
    ckpt.capture(p)
    ckpt.capture(adam)
    let bytes = try ckpt.encoded()
    let loaded = try Checkpoint(decoding: bytes, source: "c")

    let other = Parameters<Float>()
    other.add("sequence.dense.kernel", shape: [3, 5])
    other.add("sequence.dense.bias", shape: [5])
    #expect(
      throws: FileIOError(
        "checkpoint does not match the model: sequence.dense.kernel has shape [3, 4], model [3, 5]")
    ) {
      try loaded.restore(into: other)
    }
    #expect(other.values.allSatisfy { $0 == 0 })
    let extra = Parameters<Float>()
    extra.add("encoder.conv1.bias", shape: [2])
    #expect(throws: FileIOError("checkpoint does not match the model: no parameter encoder.conv1.bias")) {
      try loaded.restore(into: extra)
    }
    var small = Adam<Float>(count: 3, learningRate: 0.01)
    #expect(throws: FileIOError("checkpoint does not match the optimiser (needs adam.m, adam.v of its size)"))
    {
      try loaded.restore(into: &small)
    }
  }

  @Test func loadChecksKindAndPosition() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let ckpt = Checkpoint(preset: .tiny, phase: "vae", epoch: 0, step: 0, seed: UInt64.max)
    try ckpt.save(to: folder + "/a.ckpt")
    #expect(try Checkpoint.load(from: folder + "/a.ckpt").seed == UInt64.max)
    #expect(throws: FileIOError(folder + "/a.ckpt: is a checkpoint, not a float model")) {
      try FloatModelFile.load(from: folder + "/a.ckpt")
    }

    var w = ContainerWriter(kind: .checkpoint)
    w.metadata = ModelPreset.tiny.metadataEntries
    w.metadata["training.phase"] = "vae"
    let bytes = try w.encoded()
    #expect(throws: FileIOError("c: missing metadata training.epoch")) {
      try Checkpoint(decoding: bytes, source: "c")
    }
    try w.addFloat16("param/x", shape: [1], values: [1])
    for key in ["training.epoch", "training.step", "training.seed", "training.optimizer_steps"] {
      w.metadata[key] = "0"
    }
    #expect(throws: FileIOError("c: tensor param/x is f16; a checkpoint holds f32 only")) {
      try Checkpoint(decoding: try w.encoded(), source: "c")
    }
  }

  @Test func reservedKeysAreRefused() {
    var ckpt = Checkpoint(preset: .tiny, phase: "vae", epoch: 0, step: 0, seed: 1)
    ckpt.metadata["training.epoch"] = "9"
    #expect(throws: FileIOError("x.ckpt: metadata key training.epoch is reserved")) {
      try ckpt.save(to: "x.ckpt")
    }
  }
}
