import Int8Runtime
import Testing

// MARK: - A second, deliberately plain writer of the layout in docs/FORMAT.md

/// Builds container bytes straight from the spec's table (independently of Trainer's
/// ContainerWriter), so the reader is tested against the document, not against itself.
/// Entries are written in the order given; callers sort them when they want a valid file.
private struct SpecBytes {
  var kind: UInt16 = 1
  var tensors: [(name: [UInt8], dtype: UInt8, dims: [UInt32], data: [UInt8])] = []
  var metadata: [(key: [UInt8], value: [UInt8])] = []

  mutating func tensor(_ name: String, _ dtype: UInt8, _ dims: [UInt32], _ data: [UInt8]) {
    tensors.append((Array(name.utf8), dtype, dims, data))
  }
  mutating func meta(_ key: String, _ value: String) {
    metadata.append((Array(key.utf8), Array(value.utf8)))
  }

  func bytes() -> [UInt8] {
    var table: [UInt8] = []
    var meta: [UInt8] = []
    for m in metadata {
      meta += le(UInt32(m.key.count)) + m.key + le(UInt32(m.value.count)) + m.value
    }
    let tableLength = tensors.reduce(0) { $0 + 2 + $1.name.count + 2 + 4 * $1.dims.count + 16 }
    var end = 64 + tableLength + meta.count
    var data: [UInt8] = []
    for t in tensors {
      let offset = (end + 15) / 16 * 16
      data += [UInt8](repeating: 0, count: offset - end) + t.data
      table += le(UInt16(t.name.count)) + t.name + [t.dtype, UInt8(t.dims.count)]
      for d in t.dims { table += le(d) }
      table += le(UInt64(offset)) + le(UInt64(t.data.count))
      end = offset + t.data.count
    }
    var header: [UInt8] = Array("DNCE".utf8) + le(UInt16(1)) + le(kind)
    header += le(UInt32(tensors.count)) + le(UInt32(metadata.count))
    header += le(UInt64(end + 4)) + le(UInt64(64)) + le(UInt64(tableLength))
    header += le(UInt64(64 + tableLength)) + le(UInt64(meta.count)) + le(UInt32(16)) + le(UInt32(0))
    var file = header + table + meta + data + [0, 0, 0, 0]
    restamp(&file)
    return file
  }
}

private func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
  (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
}

/// Rewrites the CRC-32 trailer so a deliberately damaged structure gets past the checksum.
private func restamp(_ file: inout [UInt8]) {
  let n = file.count - 4
  let crc = file.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
  file.replaceSubrange(n..<(n + 4), with: le(crc))
}

/// Parses `bytes` from a 16-byte aligned copy (as mmap or flash would provide).
private func parse(
  _ bytes: [UInt8], verifyChecksum: Bool = true, _ body: (TensorContainer) -> Void = { _ in }
) -> ContainerError? {
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
  defer { buffer.deallocate() }
  bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
  do throws(ContainerError) {
    let c = try TensorContainer(
      UnsafeRawBufferPointer(rebasing: buffer[0..<bytes.count]), verifyChecksum: verifyChecksum)
    body(c)
    return nil
  } catch {
    return error
  }
}

/// A small valid model: two tensors, two metadata entries.
private func sample() -> SpecBytes {
  var s = SpecBytes()
  s.kind = 3
  s.tensor("a.bias", 5, [2], le(Int32(-7)) + le(Int32(300)))
  s.tensor("a.kernel", 3, [2, 3], [1, 2, 3, 0xFF, 0xFE, 0x80])
  s.meta("preset.name", "tiny")
  s.meta("provenance.data", "frames/été")
  return s
}

/// Byte offset of the first dimension of the first table entry.
private func firstDimsOffset(_ s: SpecBytes) -> Int { 64 + 2 + s.tensors[0].name.count + 2 }

// MARK: - Tests

@Suite struct TensorContainerTests {
  @Test func crc32MatchesTheStandardCheckValue() {
    var crc = CRC32()
    crc.update(bytesOf: "123456789")
    #expect(crc.value == 0xCBF4_3926)
    #expect(CRC32().value == 0)
  }

  @Test func readsTensorsMetadataAndAlignment() {
    let error = parse(sample().bytes()) { c in
      #expect(c.kind == .int8Model)
      #expect(c.tensorCount == 2 && c.metadataCount == 2)
      let bias = c.tensor(named: "a.bias")
      #expect(bias?.dtype == .int32 && bias?.shape == TensorShape(2))
      #expect(bias?.int32(at: 0) == -7 && bias?.int32(at: 1) == 300)
      let k = try? c.tensor("a.kernel", .int8, TensorShape(2, 3))
      #expect(k.map { (0..<6).map($0.int8(at:)) } == [1, 2, 3, -1, -2, -128])
      #expect(k?.nameString == "a.kernel")
      for t in c.tensors {
        #expect(t.dataOffset % 16 == 0)
        #expect(UInt(bitPattern: t.data.baseAddress!) % 16 == 0)
        #expect(t.data.baseAddress! == c.bytes.baseAddress! + t.dataOffset)
      }
      #expect(c.tensor(named: "a") == nil && c.tensor(named: "a.kernel.x") == nil)
      let value = c.metadataValue(forKey: "provenance.data").map { String(decoding: $0, as: UTF8.self) }
      #expect(value == "frames/été")
      #expect(c.metadataValue(forKey: "preset") == nil)
    }
    #expect(error == nil)
  }

  @Test func emptyContainerIsValid() {
    #expect(parse(SpecBytes().bytes()) == nil)
    #expect(SpecBytes().bytes().count == 68)
  }

  @Test func typedLookupReportsMissingTensorDTypeAndShape() {
    _ = parse(sample().bytes()) { c in
      #expect(throws: ContainerError.missingTensor(name: "b")) { try c.tensor("b", .int8, TensorShape(1)) }
      #expect(throws: ContainerError.wrongDType(name: "a.bias", expected: .int16, found: .int32)) {
        try c.tensor("a.bias", .int16, TensorShape(2))
      }
      #expect(
        throws: ContainerError.wrongShape(
          name: "a.kernel", expected: TensorShape(3, 2), found: TensorShape(2, 3))
      ) {
        try c.tensor("a.kernel", .int8, TensorShape(3, 2))
      }
      let e = ContainerError.wrongShape(name: "x", expected: TensorShape(3, 2), found: TensorShape(2, 3))
      #expect(e.message == "tensor x has shape [2, 3], expected [3, 2]")
    }
  }

  @Test func rejectsWrongMagic() {
    var file = sample().bytes()
    file[0] = UInt8(ascii: "P")
    #expect(parse(file) == .notAContainer)
    #expect(parse(Array("GIF89a".utf8)) == .notAContainer)
    #expect(ContainerError.notAContainer.message == "not a dancenet model file")
  }

  @Test func rejectsTruncationAtEveryByte() {
    let file = sample().bytes()
    for n in 0..<file.count {
      let error = parse(Array(file[0..<n]))
      guard case .truncated(let size, _) = error else {
        Issue.record("prefix of \(n) bytes gave \(String(describing: error))")
        continue
      }
      #expect(size == n)
    }
    #expect(parse(Array(file[0..<100]))?.message == "truncated (100 of \(file.count) bytes)")
  }

  @Test func rejectsEveryFlippedBit() {
    let file = sample().bytes()
    for i in 0..<file.count {
      for bit in 0..<8 {
        var damaged = file
        damaged[i] ^= 1 << bit
        #expect(parse(damaged) != nil, "flip of bit \(bit) in byte \(i) went unnoticed")
      }
    }
    var damaged = file
    damaged[file.count - 5] ^= 0x10  // last data byte
    #expect(parse(damaged)?.message == "damaged (checksum mismatch)")
    #expect(parse(damaged, verifyChecksum: false) == nil)
  }

  @Test func rejectsTrailingBytesAndMisalignedBuffers() {
    let file = sample().bytes()
    #expect(parse(file + [0]) == .trailingBytes(size: file.count + 1, expected: UInt64(file.count)))
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: file.count + 1, alignment: 16)
    defer { buffer.deallocate() }
    file.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[1...]).copyMemory(from: $0) }
    #expect(throws: ContainerError.misalignedBuffer) {
      try TensorContainer(UnsafeRawBufferPointer(rebasing: buffer[1...]))
    }
  }

  @Test func rejectsUnknownVersionAndKind() {
    var file = sample().bytes()
    file[4] = 2
    #expect(parse(file) == .unsupportedVersion(2))
    #expect(parse(file)?.message == "unsupported format version 2 (this build reads version 1)")
    file = sample().bytes()
    file[6] = 9
    restamp(&file)
    #expect(parse(file) == .unknownKind(9))
  }

  @Test func rejectsTensorDataOutsideTheFile() {
    let s = sample()
    let offsetField = firstDimsOffset(s) + 4  // after the one u32 dimension of "a.bias"
    for bad: UInt64 in [4096, UInt64(Int.max), UInt64.max, 0] {
      var file = s.bytes()
      file.replaceSubrange(offsetField..<(offsetField + 8), with: le(bad))
      restamp(&file)
      let error = parse(file)
      #expect(
        error == .malformed(.tensorTable, entry: 0, .dataOutsideFile)
          || error == .malformed(.tensorTable, entry: 0, .misplacedData),
        "offset \(bad) gave \(String(describing: error))")
    }
    // An offset inside the file but overlapping the header is also refused.
    var file = s.bytes()
    file.replaceSubrange(offsetField..<(offsetField + 8), with: le(UInt64(16)))
    restamp(&file)
    #expect(parse(file) == .malformed(.tensorTable, entry: 0, .misplacedData))
  }

  @Test func rejectsAbsurdDimensions() {
    let s = sample()
    var file = s.bytes()
    let dims = 64 + 2 + 6 + 2 + 4 + 16 + 2 + 8 + 2  // second entry ("a.kernel", rank 2)
    file.replaceSubrange(dims..<(dims + 8), with: le(UInt32.max) + le(UInt32.max))
    restamp(&file)
    // 2^64 elements overflow on 32-bit targets and reach 2^64 bytes on 64-bit ones.
    let e = parse(file)
    #expect(
      e == .malformed(.tensorTable, entry: 1, .sizeOverflow)
        || e == .malformed(.tensorTable, entry: 1, .lengthMismatch))

    var four = SpecBytes()
    four.tensor("w", 1, [1, 1, 1, 1], [0, 0, 0, 0])
    file = four.bytes()
    let d = firstDimsOffset(four)
    file.replaceSubrange(
      d..<(d + 16), with: le(UInt32.max) + le(UInt32.max) + le(UInt32.max) + le(UInt32.max))
    restamp(&file)
    #expect(parse(file) == .malformed(.tensorTable, entry: 0, .sizeOverflow))
    #expect(parse(file)?.message == "damaged tensor table, entry 0: dimensions overflow")
  }

  @Test func rejectsDuplicateAndUnsortedNames() {
    var dup = SpecBytes()
    dup.tensor("w", 6, [1], [1])
    dup.tensor("w", 6, [1], [2])
    #expect(parse(dup.bytes()) == .malformed(.tensorTable, entry: 1, .duplicateName))
    var unsorted = SpecBytes()
    unsorted.tensor("b", 6, [1], [1])
    unsorted.tensor("a", 6, [1], [2])
    #expect(parse(unsorted.bytes()) == .malformed(.tensorTable, entry: 1, .namesNotSorted))
    var keys = SpecBytes()
    keys.meta("k", "1")
    keys.meta("k", "2")
    #expect(parse(keys.bytes()) == .malformed(.metadata, entry: 1, .duplicateName))
  }

  @Test func rejectsBadEntries() {
    func single(_ name: String, _ dtype: UInt8, _ dims: [UInt32], _ data: [UInt8]) -> ContainerError? {
      var s = SpecBytes()
      s.tensor(name, dtype, dims, data)
      return parse(s.bytes())
    }
    #expect(single("w", 7, [1], [1]) == .malformed(.tensorTable, entry: 0, .unknownDType(7)))
    #expect(single("w", 6, [1, 1, 1, 1, 1], [1]) == .malformed(.tensorTable, entry: 0, .rankTooLarge(5)))
    #expect(single("a b", 6, [1], [1]) == .malformed(.tensorTable, entry: 0, .nameNotPrintable))
    #expect(single("", 6, [1], [1]) == .malformed(.tensorTable, entry: 0, .emptyName))
    #expect(single("w", 5, [3], [1, 2, 3]) == .malformed(.tensorTable, entry: 0, .lengthMismatch))
    #expect(single("s", 5, [], le(Int32(5))) == nil)  // rank 0: one element
    #expect(single("e", 1, [0, 4], []) == nil)  // an empty tensor is allowed

    var meta = SpecBytes()
    meta.metadata.append((Array("k".utf8), [0xC3, 0x28]))
    #expect(parse(meta.bytes()) == .malformed(.metadata, entry: 0, .valueNotUTF8))
    meta = SpecBytes()
    meta.metadata.append((Array("k".utf8), [0xED, 0xA0, 0x80]))  // a UTF-16 surrogate
    #expect(parse(meta.bytes()) == .malformed(.metadata, entry: 0, .valueNotUTF8))
  }

  @Test func rejectsInconsistentHeaderFields() {
    func patched(_ offset: Int, _ bytes: [UInt8]) -> ContainerError? {
      var file = sample().bytes()
      file.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
      restamp(&file)
      return parse(file)
    }
    typealias F = ContainerFormat.HeaderField
    #expect(patched(F.alignment, le(UInt32(64))) == .malformed(.header, entry: 0, .alignmentField))
    #expect(patched(F.reserved, le(UInt32(1))) == .malformed(.header, entry: 0, .reservedField))
    #expect(patched(F.tableOffset, le(UInt64(0))) == .malformed(.header, entry: 0, .tableOffsetField))
    #expect(patched(F.tableLength, le(UInt64.max)) == .malformed(.header, entry: 0, .sectionOutsideFile))
    #expect(
      patched(F.metadataLength, le(UInt64(1) << 40)) == .malformed(.header, entry: 0, .sectionOutsideFile))
    #expect(patched(F.tensorCount, le(UInt32.max)) == .malformed(.header, entry: 0, .countField))
    #expect(patched(F.tensorCount, le(UInt32(3))) != nil)
    #expect(patched(F.metadataCount, le(UInt32(1))) == .malformed(.metadata, entry: 1, .sectionLength))
  }

  /// Random damage with a re-stamped checksum, so the structural checks (not the CRC) must
  /// catch it: every outcome is a clean error or a container whose views lie inside the file.
  @Test func survivesRandomStructuralDamage() {
    let file = sample().bytes()
    // Header, table and metadata: 64 + table length (bytes 32..<40) + metadata length (48..<56).
    let structureEnd = 64 + Int(file[32]) + Int(file[48])
    var rng = DanceRandom(seed: 2024)
    var rejected = 0
    for _ in 0..<3000 {
      var damaged = file
      for _ in 0...Int(rng.next(below: 3)) {
        let at = Int(rng.next(below: UInt32(min(structureEnd, file.count - 4))))
        damaged[at] = UInt8(truncatingIfNeeded: rng.next())
      }
      restamp(&damaged)
      let error = parse(damaged) { c in
        for t in c.tensors {
          let start = t.data.baseAddress.map { $0 - c.bytes.baseAddress! } ?? t.dataOffset
          #expect(start >= 0 && start + t.data.count <= c.bytes.count)
        }
        for (key, value) in c.metadata {
          #expect(key.count + value.count <= c.bytes.count)
        }
      }
      if error != nil { rejected += 1 }
    }
    #expect(rejected > 2000)
  }
}
