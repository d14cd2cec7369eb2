// MARK: - Int8ModelError

/// Why an int8 model file (or a generation option) was refused: one line, without the file
/// name; the host prefixes the path ("models/tiny/model-int8.dnm: missing tensor ...").
public enum Int8ModelError: Error, Equatable, CustomStringConvertible {
  /// The container itself is damaged, truncated, ...
  case container(ContainerError)
  case wrongKind(ContainerKind)
  /// `quant.scheme` is missing or names a scheme this build does not implement.
  case unsupportedScheme(String?)
  /// A `preset.*` or other metadata value that cannot be used: key, value, what was expected.
  case badMetadata(key: String, value: String?, expected: String)
  case invalidPreset(String)
  case missingTensor(String)
  case wrongDType(name: String, expected: TensorDType, found: TensorDType)
  case wrongShape(name: String, expected: TensorShape, found: TensorShape)
  /// Element `index` of tensor `name` is `value`, outside `range` (words, e.g. "1...62").
  case outOfRange(name: String, index: Int, value: Int64, range: String)
  /// Row `row` of the weights `name` can overflow a 32-bit accumulator.
  case accumulatorBound(name: String, row: Int, bound: Int64)
  /// A table that must be non-decreasing decreases at `index`.
  case tableOrder(name: String, index: Int)
  /// A generation option that the model cannot serve.
  case invalidOption(String)
  /// The streaming runtime's plan needs more arena than the budget gives.
  case arenaTooSmall(needed: Int, budget: Int)

  public var description: String {
    switch self {
    case .container(let e): return e.message
    case .wrongKind(let kind): return "not an int8 model (the file is \(kind.labelWithArticle))"
    case .unsupportedScheme(let s):
      if let s { return "unsupported integer scheme quant.scheme = '\(s)' (this build reads 1)" }
      return "missing metadata quant.scheme (not an int8 model of this format)"
    case .badMetadata(let key, let value, let expected):
      if let value { return "metadata \(key) = '\(value)' is not \(expected)" }
      return "missing metadata \(key)"
    case .invalidPreset(let why): return "invalid preset in metadata: \(why)"
    case .missingTensor(let name): return "missing tensor \(name)"
    case .wrongDType(let name, let expected, let found):
      return "tensor \(name) is \(found.label), expected \(expected.label)"
    case .wrongShape(let name, let expected, let found):
      return "tensor \(name) has shape \(found), expected \(expected) for this preset"
    case .outOfRange(let name, let index, let value, let range):
      return "tensor \(name) element \(index) is \(value), outside \(range)"
    case .accumulatorBound(let name, let row, let bound):
      return "tensor \(name) row \(row) can overflow a 32-bit accumulator (|bias| + Σ|w|·x = \(bound))"
    case .tableOrder(let name, let index): return "table \(name) decreases at entry \(index)"
    case .invalidOption(let why): return why
    case .arenaTooSmall(let needed, let budget):
      return "needs \(GroupedDigits(needed)) bytes of arena; the budget is \(GroupedDigits(budget))"
    }
  }
}
