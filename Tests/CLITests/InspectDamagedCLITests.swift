import Foundation
import Int8Runtime
import TestSupport
import Testing

// MARK: - inspect on damaged model files

/// `dancenet inspect` on a damaged model prints one line naming the file and the problem on
/// stderr, nothing on stdout, and exits 1, like every other command (issue 16). The damage is
/// done to copies of the shipped tiny models.
@Suite struct InspectDamagedCLITests {
  static let tiny =
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path + "/models/tiny"

  /// A damage: a name, what it does to the bytes (nil: the path becomes a folder), and words
  /// the error line must hold.
  struct Damage: Sendable, CustomStringConvertible {
    let name: String
    let source: String
    let change: (@Sendable ([UInt8]) -> [UInt8])?
    let words: String
    var description: String { name }
  }

  static let damages: [Damage] = [
    Damage(
      name: "truncated int8", source: "model-int8.dnm", change: { Array($0.prefix(3000)) },
      words: "truncated (3000 of 252868 bytes)"),
    Damage(
      name: "flipped byte in the float model", source: "model.dnm", change: { flip($0, at: 100_000) },
      words: "damaged (checksum mismatch)"),
    Damage(name: "empty", source: "model.dnm", change: { _ in [] }, words: "truncated (0 of 64 bytes)"),
    Damage(
      name: "text", source: "model.dnm", change: { _ in Array("hello\n".utf8) },
      words: "not a dancenet model file"),
    Damage(
      name: "signed number, checksum right", source: "model-int8.dnm",
      change: { resealed(signed($0, key: "preset.frame_height")) }, words: "preset.frame_height = '+20'"),
    Damage(name: "a folder", source: "model.dnm", change: nil, words: "is a folder, not a file"),
  ]

  @Test(arguments: damages) func oneLineAndExitOne(_ damage: Damage) throws {
    let folder = makeTemporaryFolder("inspect-damaged")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/" + damage.source
    if let change = damage.change {
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.tiny + "/" + damage.source)))
      try Data(change(bytes)).write(to: URL(fileURLWithPath: path))
    } else {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }
    // the file itself, and (for a file) the folder holding it as the model folder
    for target in damage.change == nil ? [path] : [path, folder] {
      let r = try DancenetProcess.runCapturingBytes(["inspect", target])
      #expect(r.status == 1, "\(damage): exit \(r.status)")
      #expect(r.stdout.isEmpty, "\(damage): printed \(r.stdout.count) bytes")
      let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
      #expect(lines.count == 2 && lines[1].isEmpty, "\(damage): \(r.stderr)")
      #expect(r.stderr.hasPrefix("dancenet: \(path): "), "\(damage): \(r.stderr)")
      #expect(r.stderr.contains(damage.words), "\(damage): \(r.stderr)")
    }
  }
}

// MARK: - Damages

/// `bytes` with the byte at `index` inverted.
func flip(_ bytes: [UInt8], at index: Int) -> [UInt8] {
  var out = bytes
  out[index] ^= 0xFF
  return out
}

/// `bytes` with the first character of the metadata value of `key` replaced by "+" (a sign,
/// which docs/FORMAT.md's decimal numbers do not allow).
func signed(_ bytes: [UInt8], key: String) -> [UInt8] {
  let k = Array(key.utf8)
  guard let at = (0...(bytes.count - k.count)).first(where: { bytes[$0..<($0 + k.count)].elementsEqual(k) })
  else { return bytes }
  var out = bytes
  out[at + k.count + 4] = UInt8(ascii: "+")  // after the key, the value's u32 length
  return out
}

/// `bytes` with the CRC-32 trailer recomputed, so that the damage reaches the model checks.
func resealed(_ bytes: [UInt8]) -> [UInt8] {
  var out = bytes
  let body = bytes.count - ContainerFormat.checksumSize
  let crc = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<body])) }
  for i in 0..<4 { out[body + i] = UInt8(truncatingIfNeeded: crc >> (8 * i)) }
  return out
}
