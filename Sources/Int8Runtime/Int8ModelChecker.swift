// MARK: - Int8ModelChecker

/// The reader's checks, one throwing helper per kind of tensor (docs/INT8.md, "What the reader
/// checks"). Each failure is one `Int8ModelError` naming the tensor.
struct Int8ModelChecker {
  let container: TensorContainer

  func tensor(named name: String, _ dtype: TensorDType) throws(Int8ModelError) -> TensorView {
    guard let t = container.tensor(named: name) else { throw .missingTensor(name) }
    if t.dtype != dtype { throw .wrongDType(name: name, expected: dtype, found: t.dtype) }
    return t
  }

  func tensor(_ name: String, _ dtype: TensorDType, _ shape: TensorShape) throws(Int8ModelError) -> TensorView
  {
    let t = try tensor(named: name, dtype)
    if t.shape != shape { throw .wrongShape(name: name, expected: shape, found: t.shape) }
    return t
  }

  // MARK: Metadata

  func preset() throws(Int8ModelError) -> ModelPreset {
    func value(_ key: String) throws(Int8ModelError) -> UnsafeRawBufferPointer {
      guard let v = container.metadataValue(forKey: "preset." + key) else {
        throw .badMetadata(key: "preset." + key, value: nil, expected: "")
      }
      return v
    }
    func size(_ key: String, least: Int = 1) throws(Int8ModelError) -> Int {
      let v = try value(key)
      guard let n = MetadataValues.decimal(v), n >= least else {
        throw .badMetadata(
          key: "preset." + key, value: MetadataValues.text(v), expected: "a size in 1...16384")
      }
      return n
    }
    func list(_ key: String) throws(Int8ModelError) -> [Int] {
      let v = try value(key)
      guard let l = MetadataValues.decimalList(v) else {
        throw .badMetadata(key: "preset." + key, value: MetadataValues.text(v), expected: "a list of sizes")
      }
      return l
    }
    let name = try value("name")
    if let why = ModelPreset.nameProblem(name) { throw .invalidPreset(why) }
    let p = ModelPreset(
      name: MetadataValues.text(name), frameHeight: try size("frame_height"),
      frameWidth: try size("frame_width"), latentSize: try size("latent_size"),
      encoderChannels: try list("encoder_channels"), encoderHidden: try size("encoder_hidden"),
      decoderExpand: try size("decoder_expand"), decoderChannels: try list("decoder_channels"),
      lstmLayers: try size("lstm_layers"), lstmUnits: try size("lstm_units"),
      dropoutPercent: try size("dropout_percent", least: 0), denseUnits: try size("dense_units"),
      mixtures: try size("mixtures"))
    if let why = p.validationError { throw .invalidPreset(why) }
    return p
  }

  // MARK: Scalars, vectors, tables

  /// A rank-0 i32 tensor in `range`.
  func scalar(_ name: String, _ range: ClosedRange<Int>) throws(Int8ModelError) -> Int {
    let v = Int(try tensor(name, .int32, TensorShape()).int32(at: 0))
    if !range.contains(v) {
      throw .outOfRange(
        name: name, index: 0, value: Int64(v), range: "\(range.lowerBound)...\(range.upperBound)")
    }
    return v
  }

  /// An i32 vector of `count` (no range check: biases).
  func vector(_ name: String, _ count: Int) throws(Int8ModelError) -> Int32Values {
    Int32Values(try tensor(name, .int32, TensorShape(count)).data)
  }

  /// Multipliers in 0...2^31 − 1 and shifts in 1...62, `count` each.
  func requantization(_ multiplierName: String, _ shiftName: String, _ count: Int) throws(Int8ModelError)
    -> ChannelRequantization
  {
    let m = Int32Values(try tensor(multiplierName, .int32, TensorShape(count)).data)
    for i in 0..<count where m[i] < 0 {
      throw .outOfRange(name: multiplierName, index: i, value: Int64(m[i]), range: "0...2147483647")
    }
    let s = Int8Values(try tensor(shiftName, .int8, TensorShape(count)).data)
    for i in 0..<count where s[i] < 1 || Int(s[i]) > Requantization.maxShift {
      throw .outOfRange(
        name: shiftName, index: i, value: Int64(s[i]), range: "1...\(Requantization.maxShift)")
    }
    return ChannelRequantization(multiplier: m, shift: s)
  }

  func table16(_ name: String, _ count: Int, _ range: ClosedRange<Int64>) throws(Int8ModelError)
    -> Int16Values
  {
    let t = Int16Values(try tensor(name, .int16, TensorShape(count)).data)
    for i in 0..<count {
      let v = Int64(t[i])
      if !range.contains(v) {
        throw .outOfRange(name: name, index: i, value: v, range: "\(range.lowerBound)...\(range.upperBound)")
      }
      if i > 0 && t[i] < t[i - 1] { throw .tableOrder(name: name, index: i) }
    }
    return t
  }

  /// An i32 table in `range`; non-decreasing when `order`.
  func table32(_ name: String, _ count: Int, _ range: ClosedRange<Int64>, order: Bool) throws(Int8ModelError)
    -> Int32Values
  {
    let t = Int32Values(try tensor(name, .int32, TensorShape(count)).data)
    for i in 0..<count {
      let v = Int64(t[i])
      if !range.contains(v) {
        throw .outOfRange(name: name, index: i, value: v, range: "\(range.lowerBound)...\(range.upperBound)")
      }
      if order && i > 0 && t[i] < t[i - 1] { throw .tableOrder(name: name, index: i) }
    }
    return t
  }

  /// The optional i32 scalar `<layer>.output_bits`, 8 or 12 (absent: 8), and then
  /// `<layer>.output_zero_point` inside that width's range.
  func outputFormat(_ layer: String) throws(Int8ModelError) -> (bits: ActivationBits, zeroPoint: Int32) {
    var bits = ActivationBits.int8
    if container.tensor(named: layer + ".output_bits") != nil {
      let n = try scalar(layer + ".output_bits", Int(Int32.min)...Int(Int32.max))
      guard let b = ActivationBits(bits: n) else {
        throw .outOfRange(name: layer + ".output_bits", index: 0, value: Int64(n), range: "8 or 12")
      }
      bits = b
    }
    let zp = try scalar(layer + ".output_zero_point", Int(bits.lo)...Int(bits.hi))
    return (bits, Int32(zp))
  }

  // MARK: Weights

  /// i8 [rows, columns], every weight in −127...127.
  func weights(_ name: String, rows: Int, columns: Int) throws(Int8ModelError) -> Int8Values {
    try int8Weights(name, TensorShape(rows, columns))
  }

  func int8Weights(_ name: String, _ shape: TensorShape) throws(Int8ModelError) -> Int8Values {
    let w = Int8Values(try tensor(name, .int8, shape).data)
    for i in 0..<w.count where w[i] == -128 {
      throw .outOfRange(name: name, index: i, value: -128, range: "-127...127")
    }
    return w
  }

  /// |bias[row]| + Σ_j |w[row, j]| · inputMagnitude < 2^31 for every row.
  func accumulatorBound(
    _ name: String, _ w: Int8Values, rows: Int, columns: Int, bias: Int32Values?, inputMagnitude: Int64
  ) throws(Int8ModelError) {
    for row in 0..<rows {
      var sum: Int64 = 0
      for j in 0..<columns { sum += Int64(w[row * columns + j].magnitude) }
      let bound = sum * inputMagnitude + (bias.map { Int64($0[row].magnitude) } ?? 0)
      if bound >= Int64(1) << 31 { throw .accumulatorBound(name: name, row: row, bound: bound) }
    }
  }

  /// `<name>.weights` [outputs, inputs], `.bias`, `.multiplier`, `.shift`, with the bound.
  func dense(_ name: String, inputs: Int, outputs: Int, inputMagnitude: Int64) throws(Int8ModelError)
    -> DenseWeights
  {
    let w = try weights(name + ".weights", rows: outputs, columns: inputs)
    let b = try vector(name + ".bias", outputs)
    try accumulatorBound(
      name + ".weights", w, rows: outputs, columns: inputs, bias: b, inputMagnitude: inputMagnitude)
    return DenseWeights(
      inputs: inputs, outputs: outputs, weights: w, bias: b,
      requantization: try requantization(name + ".multiplier", name + ".shift", outputs))
  }

  /// `<name>.weights` [out, 3, 3, in] and `.bias`, with the bound for an input of `input`'s width.
  func conv(_ name: String, inChannels: Int, outChannels: Int, input: ActivationBits) throws(Int8ModelError)
    -> Conv3x3Weights
  {
    let w = try int8Weights(name + ".weights", TensorShape(outChannels, 3, 3, inChannels))
    let b = try vector(name + ".bias", outChannels)
    try accumulatorBound(
      name + ".weights", w, rows: outChannels, columns: 9 * inChannels, bias: b,
      inputMagnitude: input.inputMagnitude)
    return Conv3x3Weights(inChannels: inChannels, outChannels: outChannels, weights: w, bias: b)
  }

  /// The optional `<conv>.phase_weights` i16 [4, 2·in, out, 2] (phase 2·py + px, tap pair, output
  /// channel, tap within the pair: `SubPixelPhaseWeights`); when present it must equal the sums of
  /// the conv's 3x3 taps exactly (so the two forms give the same integers).
  func subPixelPhases(_ name: String, of conv: Conv3x3Weights) throws(Int8ModelError) -> SubPixelPhaseWeights?
  {
    guard container.tensor(named: name) != nil else { return nil }
    let shape = TensorShape(4, 2 * conv.inChannels, conv.outChannels, 2)
    let t = Int16Values(try tensor(name, .int16, shape).data)
    // Entry by entry, without a copy: the firmware checks paper's 330 KB of phases in place.
    let (cout, cin) = (conv.outChannels, conv.inChannels)
    for phase in 0..<4 {
      for o in 0..<cout {
        for ty in 0..<2 {
          for tx in 0..<2 {
            for i in 0..<cin {
              let at = SubPixelPhaseWeights.index(phase: phase, o, ty: ty, tx: tx, i, out: cout, in: cin)
              let expected = SubPixelPhaseWeights.tapSum(of: conv, phase: phase, o, ty: ty, tx: tx, i)
              if t[at] != expected {
                throw .outOfRange(
                  name: name, index: at, value: Int64(t[at]), range: "\(expected) (the sum of its 3x3 taps)")
              }
            }
          }
        }
      }
    }
    return SubPixelPhaseWeights(inChannels: conv.inChannels, outChannels: conv.outChannels, weights: t)
  }
}
