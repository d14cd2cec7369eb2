import FileAccess
import Foundation
import Int8Runtime
import ModelFiles
import TestSupport
import Testing

// MARK: - Damaged copies of the shipped tiny model, as a new user would meet them

/// Each case re-encodes models/tiny/model.dnm or model-int8.dnm with one thing damaged (a
/// valid container: the damage is in what it holds) and runs `dancenet generate` on it: exit
/// status 1 and one line on stderr, `dancenet: PATH: problem`.
@Suite struct DamagedModelCLITests {
  static let tiny =
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path + "/models/tiny"

  /// What a container holds: tensors as stored (type, shape, bytes) and metadata.
  struct Contents {
    var tensors: [String: (dtype: TensorDType, shape: [Int], bytes: [UInt8])] = [:]
    var metadata: [String: String] = [:]

    mutating func float32(_ name: String, _ values: [Float]) {
      tensors[name] = (
        .float32, [values.count],
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
      )
    }
  }

  /// The container at `path` copied as stored, `edit`ed, and encoded again.
  static func copy(_ path: String, _ edit: (inout Contents) -> Void) throws -> [UInt8] {
    let file = try MappedFile(path: path)
    return try withExtendedLifetime(file) {
      let c = try TensorContainer(file.bytes)
      var contents = Contents()
      for t in c.tensors { contents.tensors[t.nameString] = (t.dtype, t.shape.array, [UInt8](t.data)) }
      for (key, value) in c.metadata {
        contents.metadata[String(decoding: key, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
      }
      edit(&contents)
      var w = ContainerWriter(kind: c.kind)
      for (name, t) in contents.tensors { w.add(name, dtype: t.dtype, shape: t.shape, bytes: t.bytes) }
      w.metadata = contents.metadata
      return try w.encoded()
    }
  }

  /// Writes the damaged copy into a fresh folder, runs generate on it, returns (status, stderr
  /// with the path replaced by FILE).
  static func generate(int8: Bool, _ edit: (inout Contents) -> Void)
    throws -> (Int32, String)
  {
    let folder = makeTemporaryFolder("damaged-model")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + (int8 ? "/model-int8.dnm" : "/model.dnm")
    let bytes = try copy(tiny + (int8 ? "/model-int8.dnm" : "/model.dnm"), edit)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let (status, _, err) = try DancenetProcess.run(
      ["generate", "--model", path, "--frames", "1", "--format", "raw"] + (int8 ? [] : ["--float"]))
    return (status, err.replacingOccurrences(of: path, with: "FILE"))
  }

  static let nameRule = "it must be 1 to 64 printable ASCII characters without space"

  static let floatCases: [(String, @Sendable (inout Contents) -> Void)] = [
    (
      "tensor sequence.normalizer.rotation is not orthonormal: column 0 has length 2.0, not 1",
      { $0.float32("sequence.normalizer.rotation", (0..<1024).map { $0 % 33 == 0 ? 2 : 0 }) }
    ),
    (
      "tensor sequence.normalizer.rotation has shape [4], expected [1024] (D x D, row-major)",
      { $0.float32("sequence.normalizer.rotation", [1, 0, 0, 1]) }
    ),
    ("metadata sequence.target is 'foo'; only latent is known", { $0.metadata["sequence.target"] = "foo" }),
    (
      "tensor decoder.conv4.bias is i32; it must be f32 or f16",
      { $0.tensors["decoder.conv4.bias"] = (.int32, [1], [0, 0, 0, 0]) }
    ),
    ("metadata preset.latent_size is not a valid size: '+32'", { $0.metadata["preset.latent_size"] = "+32" }),
    ("metadata preset.latent_size is not a valid size: '032'", { $0.metadata["preset.latent_size"] = "032" }),
    (
      "invalid preset in metadata: preset name has 100000 bytes; \(nameRule)",
      { $0.metadata["preset.name"] = String(repeating: "t", count: 100_000) }
    ),
    ("invalid preset in metadata: preset name has 0 bytes; \(nameRule)", { $0.metadata["preset.name"] = "" }),
  ]

  static let int8Cases: [(String, @Sendable (inout Contents) -> Void)] = [
    ("metadata sequence.target = 'foo' is not latent", { $0.metadata["sequence.target"] = "foo" }),
    (
      "metadata preset.latent_size = '+32' is not a size in 1...16384",
      { $0.metadata["preset.latent_size"] = "+32" }
    ),
    (
      "metadata preset.latent_size = '032' is not a size in 1...16384",
      { $0.metadata["preset.latent_size"] = "032" }
    ),
    (
      "invalid preset in metadata: preset name has 100000 bytes; \(nameRule)",
      { $0.metadata["preset.name"] = String(repeating: "t", count: 100_000) }
    ),
    ("invalid preset in metadata: preset name has 0 bytes; \(nameRule)", { $0.metadata["preset.name"] = "" }),
  ]

  @Test func undamagedCopiesGenerate() throws {
    #expect(try Self.generate(int8: false) { _ in }.0 == 0)
    #expect(try Self.generate(int8: true) { _ in }.0 == 0)
  }

  @Test(arguments: 0..<floatCases.count) func damagedFloatModelIsOneLineNamingTheFile(_ i: Int) throws {
    let (status, err) = try Self.generate(int8: false, Self.floatCases[i].1)
    #expect(status == 1)
    #expect(err == "dancenet: FILE: \(Self.floatCases[i].0)\n")
  }

  @Test(arguments: 0..<int8Cases.count) func damagedInt8ModelIsOneLineNamingTheFile(_ i: Int) throws {
    let (status, err) = try Self.generate(int8: true, Self.int8Cases[i].1)
    #expect(status == 1)
    #expect(err == "dancenet: FILE: \(Self.int8Cases[i].0)\n")
  }
}
