import Int8Runtime
import Testing

// MARK: - The layout list against the reader and the document

@Test func theSyntheticModelHasExactlyTheLayoutsTensors() {
  let synthetic = SyntheticInt8Model()
  let specs = Int8ModelLayout.tensors(for: .tiny, starts: 3, primers: 4, subPixel: false)
  let written = synthetic.builder.tensors.map {
    Int8ModelLayout.TensorSpec(name: $0.key, dtype: $0.value.dtype, shape: $0.value.dims)
  }
  #expect(specs.count == 61)
  #expect(Set(specs.map(\.name)).count == specs.count)  // no duplicates
  #expect(Set(specs.map(\.name)) == Set(written.map(\.name)))
  for s in specs {
    let w = synthetic.builder.tensors[s.name]
    #expect(w?.dtype == s.dtype && w?.dims == s.shape, "\(s.name)")
  }
}

@Test func everyRequiredTensorIsCheckedByTheReader() {
  // Removing any one required tensor from a good file gives "missing tensor <name>".
  let synthetic = SyntheticInt8Model()
  for s in Int8ModelLayout.tensors(for: .tiny, starts: 3, primers: 0, subPixel: false) {
    var b = synthetic.builder
    b.tensors[s.name] = nil
    let aligned = AlignedBytes(b.bytes())
    let message = withExtendedLifetime(aligned) { () -> String? in
      do throws(Int8ModelError) {
        _ = try Int8Model(aligned.buffer)
        return nil
      } catch {
        return error.description
      }
    }
    #expect(message == "missing tensor \(s.name)")
  }
}

@Test func paperSizesMatchTheDocumentsExamples() {
  let specs = Int8ModelLayout.tensors(for: .paper, starts: 1, primers: 0, subPixel: true)
  func shape(_ name: String) -> [Int]? { specs.first { $0.name == name }?.shape }
  #expect(shape("sequence.mdn.weights") == [6168, 1000])
  #expect(shape("sequence.lstm1.weights") == [2048, 128])
  #expect(shape("sequence.lstm3.recurrent_weights") == [2048, 512])
  #expect(shape("decoder.dense.weights") == [12480, 128])
  #expect(shape("decoder.expand.weights") == [128, 32])
  #expect(shape("decoder.conv3.weights") == [128, 3, 3, 64])
  #expect(shape("decoder.conv3.phase_weights") == [4, 128, 128, 2])
  #expect(shape("decoder.conv4.phase_weights") == [4, 256, 1, 2])
  #expect(shape("decoder.conv1.phase_weights") == nil)
  // int8 weights of decoder + sequence model: the original's "about 14 MB"
  let weightBytes = specs.filter { $0.dtype == .int8 && $0.name.hasSuffix("weights") }.reduce(0) {
    $0 + $1.shape.reduce(1, *)
  }
  #expect(weightBytes > 13_900_000 && weightBytes < 14_000_000)
}

// MARK: - Metadata values

@Test func metadataDecimalsAreUnsignedAndBounded() {
  func parse(_ s: String) -> Int? { Array(s.utf8).withUnsafeBytes { MetadataValues.decimal($0) } }
  func list(_ s: String) -> [Int]? { Array(s.utf8).withUnsafeBytes { MetadataValues.decimalList($0) } }
  #expect(parse("128") == 128)
  #expect(parse("0") == 0)
  #expect(parse("16384") == 16384)
  #expect(parse("16385") == nil)
  #expect(parse("-1") == nil)
  #expect(parse("1e3") == nil)
  #expect(parse("") == nil)
  #expect(parse("12345678901") == nil)
  #expect(list("32,64,128") == [32, 64, 128])
  #expect(list("32,,64") == nil)
  #expect(list("0,1") == nil)
  #expect(list("1,2,3,4,5,6,7,8,9") == nil)
}
