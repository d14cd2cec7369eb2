import FileAccess
import Int8Runtime
import ModelFiles

// MARK: - Checkpoint: capture and restore of training state

/// Moves parameters and optimiser state between the trainer's types and a `Checkpoint`
/// (ModelFiles knows nothing of training; this is where the two meet).
///
/// ```swift
/// var ckpt = Checkpoint(preset: .tiny, phase: "vae", epoch: 3, step: 120, seed: 7)
/// ckpt.capture(parameters)             // every Slot of a Parameters<Float>
/// ckpt.capture(optimizer)              // adam.m, adam.v, steps
/// try back.restore(into: parameters)   // names and shapes must match
/// ```
extension Checkpoint {

  /// Copies every slot of `p` into `parameters` (existing entries of other names stay).
  public mutating func capture(_ p: Parameters<Float>) {
    for s in p.slots {
      parameters[s.name] = FloatTensor(shape: s.shape, values: Array(p.values[s.range]))
    }
  }

  /// Copies the stored values into every slot of `p`. Throws one line when a slot is missing
  /// or has another shape; nothing is changed then.
  public func restore(into p: Parameters<Float>) throws(FileIOError) {
    for s in p.slots {
      guard let t = parameters[s.name] else {
        throw FileIOError("checkpoint does not match the model: no parameter \(s.name)")
      }
      if t.shape != s.shape {
        throw FileIOError(
          "checkpoint does not match the model: \(s.name) has shape \(t.shape), model \(s.shape)")
      }
    }
    for s in p.slots { p.values.replaceSubrange(s.range, with: parameters[s.name]!.values) }
  }

  /// Stores the optimiser's state arrays and step count (replacing earlier optimiser state).
  public mutating func capture<O: Optimizer>(_ optimizer: O) where O.Scalar == Float {
    optimizerState = [:]
    for (name, values) in optimizer.stateArrays { optimizerState[name] = values }
    optimizerSteps = optimizer.steps
  }

  /// Restores the optimiser's state; throws one line when the arrays do not fit it.
  public func restore<O: Optimizer>(into optimizer: inout O) throws(FileIOError)
  where O.Scalar == Float {
    if !optimizer.restoreState(optimizerState) {
      let names = optimizer.stateArrays.map(\.0).joined(separator: ", ")
      throw FileIOError("checkpoint does not match the optimiser (needs \(names) of its size)")
    }
    optimizer.steps = optimizerSteps
  }
}

// MARK: - Checking a checkpoint

extension Checkpoint {
  /// Refuses a checkpoint of another phase, preset or seed, with one line naming `path`.
  ///
  /// ```swift
  /// try ckpt.check(phase: "vae", preset: .tiny, seed: 1, path: "runs/t/vae.ckpt")
  /// // "runs/t/vae.ckpt: was trained with seed 2, not 1"
  /// ```
  public func check(phase: String, preset: ModelPreset, seed: UInt64, path: String)
    throws(FileIOError)
  {
    if self.phase != phase { throw FileIOError(path: path, "is a \(self.phase) checkpoint, not \(phase)") }
    if self.preset != preset {
      throw FileIOError(path: path, "was trained with preset \(self.preset.name), not \(preset.name)")
    }
    if self.seed != seed { throw FileIOError(path: path, "was trained with seed \(self.seed), not \(seed)") }
  }
}
