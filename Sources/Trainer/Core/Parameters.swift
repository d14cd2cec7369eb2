import FloatRandom
import Int8Runtime
import RealModule

// MARK: - Parameters

/// Every trainable tensor of a model in one allocation, with gradients beside them (llm.c's way).
///
/// A layer asks for its tensors once (`add`) and keeps the returned `Slot`s; forward and
/// backward read `values[slot.range]` and accumulate into `grads[slot.range]`. Optimisers,
/// gradient clipping, NaN checks and checkpoints all work on the two flat arrays.
///
/// ```swift
/// let p = Parameters<Float>()
/// let w = p.add("dense.kernel", shape: [3, 2])   // offset 0, count 6
/// let b = p.add("dense.bias", shape: [2])        // offset 6, count 2
/// p.values.count                                  // 8
/// ```
public final class Parameters<Scalar: TrainScalar> {
  /// A named view into the flat arrays.
  public struct Slot: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public let count: Int
    public var range: Range<Int> { offset..<(offset + count) }
  }

  public private(set) var slots: [Slot] = []
  public var values: [Scalar] = []
  public var grads: [Scalar] = []

  public init() {}

  /// Appends a zero-filled tensor named `name` (names must be unique).
  @discardableResult
  public func add(_ name: String, shape: [Int]) -> Slot {
    precondition(!slots.contains { $0.name == name }, "duplicate parameter \(name)")
    let count = shape.reduce(1, *)
    let slot = Slot(name: name, shape: shape, offset: values.count, count: count)
    slots.append(slot)
    values.append(contentsOf: repeatElement(0, count: count))
    grads.append(contentsOf: repeatElement(0, count: count))
    return slot
  }

  public func slot(named name: String) -> Slot? { slots.first { $0.name == name } }

  public var count: Int { values.count }

  public func zeroGrads() {
    for i in grads.indices { grads[i] = 0 }
  }

  // MARK: - Initialisers

  /// Glorot (Xavier) uniform, Keras' default kernel initialiser: U(-l, l), l = sqrt(6 / (fanIn + fanOut)).
  public func initGlorotUniform(_ slot: Slot, fanIn: Int, fanOut: Int, rng: inout DanceRandom) {
    let limit = Scalar.sqrt(6 / Scalar(fanIn + fanOut))
    for i in slot.range {
      let u: Scalar = DanceRandomFloats.uniform(&rng)
      values[i] = (2 * u - 1) * limit
    }
  }

  public func fill(_ slot: Slot, with value: Scalar) {
    for i in slot.range { values[i] = value }
  }

  // MARK: - Gradient hygiene

  /// The L2 norm of all gradients.
  public func gradientNorm() -> Scalar {
    var sum: Scalar = 0
    for g in grads { sum += g * g }
    return Scalar.sqrt(sum)
  }

  /// Scales gradients so that their global L2 norm is at most `maxNorm`; returns the norm before.
  @discardableResult
  public func clipGradients(maxNorm: Scalar) -> Scalar {
    let norm = gradientNorm()
    if norm.isFinite && norm > maxNorm {
      let scale = maxNorm / norm
      for i in grads.indices { grads[i] *= scale }
    }
    return norm
  }

  /// The name of the first slot holding a NaN or infinite gradient, or nil when all are finite.
  public func firstNonFiniteGradient() -> String? {
    for s in slots {
      for i in s.range where !grads[i].isFinite { return s.name }
    }
    return nil
  }

  /// The name of the first slot holding a NaN or infinite value, or nil.
  public func firstNonFiniteValue() -> String? {
    for s in slots {
      for i in s.range where !values[i].isFinite { return s.name }
    }
    return nil
  }
}
