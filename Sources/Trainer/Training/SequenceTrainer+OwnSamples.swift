import Int8Runtime

// MARK: - Scheduled sampling

extension SequenceTrainer {
  /// The sampled-input chance of epoch `epoch`, per mille: 10·P·(e + 1)/R while e + 1 < R
  /// (integer division), else 10·P, where P = `sampledInputPercent` and R =
  /// `sampledInputRampEpochs`; always 0 in the stateless ablation.
  ///
  /// ```swift
  /// // P = 50, R = 10: epoch 0 -> 50, epoch 4 -> 250, epoch 9 and later -> 500
  /// ```
  public func sampledInputPerMille(epoch: Int) -> Int {
    let full = 10 * options.sampledInputPercent
    let ramp = options.sampledInputRampEpochs
    if options.stateless || full == 0 { return 0 }
    if ramp == 0 || epoch + 1 >= ramp { return full }
    return full * (epoch + 1) / ramp
  }

  /// Scheduled sampling: replaces some inputs of `window` [B, T, D] by the model's own samples,
  /// as generation would feed them, and retargets those rows.
  ///
  /// The model runs forward step by step from `state` (no dropout, as in generation) over the
  /// window's inputs as they are being rewritten. After step τ (τ = 0 ... T−2), for each stream b
  /// in order whose row τ + 1 is a real pair (weight 1): one `next(below: 1000)`; below
  /// `perMille`, the input of row τ + 1 becomes `target.next(current: input τ, sample:)` of a
  /// sample of step τ's MDN outputs (`MDNSampler` at τπ = τσ = 1, its draw order), and the row's
  /// target becomes `target.target(current: that input, next: z + λ·(ẑ − z'))`, where z is the
  /// real next latent, ẑ the fed input, z' the real latent it replaced and λ =
  /// `sampledInputCarry`. Row 0 of every
  /// window keeps its real input. The samples are constants of the update: no gradient flows
  /// through them (the training forward pass reads them as inputs).
  ///
  /// `realNextStarts[b]` is the global frame index of row 0's target (the window's start + 1),
  /// nil for a stream without a window in this update.
  ///
  /// ```text
  /// real:     z0  z1  z2  z3      -> targets z1 z2 z3 z4
  /// fed:      z0  ẑ1  z2  ẑ3      (ẑ1 ~ MDN(z0), ẑ3 ~ MDN(z0, ẑ1, z2))
  /// targets:  z1  z2 + λ(ẑ1 − z1)  z3  z4 + λ(ẑ3 − z3)
  /// ```
  /// Why λ: a model that remembers the real path in its state can ignore its input and predict
  /// the path itself; fed its own samples, it then jumps back every step, and the sampling noise
  /// shows up as jitter in the motion (white noise, twice its variance in every velocity). λ near 1
  /// teaches it to continue smoothly from its own sample instead.
  func feedOwnSamples(
    into window: inout SequenceModel<Scalar>.Window, realNextStarts: [Int?],
    from state: SequenceModel<Scalar>.State, perMille: Int, rng: inout DanceRandom
  ) {
    let (B, T, D) = (window.batch, window.steps, model.latentSize)
    let O = model.layout.outputs
    precondition(realNextStarts.count == B && state.batch == B)
    // τπ = τσ = 1 are valid temperatures: this cannot throw.
    guard let sampler = try? MDNSampler(layout: model.layout, piTemperature: 1, sigmaTemperature: 1)
    else { preconditionFailure("unit temperatures are valid") }
    var running = state
    var x = [Scalar](repeating: 0, count: B * D)  // [B, D] inputs of step τ
    for tau in 0..<(T - 1) {
      for b in 0..<B {
        let row = (b * T + tau) * D
        for d in 0..<D { x[b * D + d] = window.inputs[row + d] }
      }
      let out = model.step(x, state: &running)  // [B, O]
      for b in 0..<B {
        guard let start = realNextStarts[b], window.weights?[b * T + tau + 1] ?? 1 == 1 else {
          continue
        }
        guard rng.next(below: 1000) < UInt32(perMille) else { continue }
        let sample = sampler.sample(Array(out[(b * O)..<((b + 1) * O)]), rng: &rng).z
        let fed = model.target.next(current: Array(x[(b * D)..<((b + 1) * D)]), sample: sample)
        let replacedStart = (start + tau) * D  // the real latent of row τ + 1
        let carry = Scalar(options.sampledInputCarry)
        var next = Array(frames[(replacedStart + D)..<(replacedStart + 2 * D)])
        if carry != 0 {
          for d in 0..<D { next[d] += carry * (fed[d] - frames[replacedStart + d]) }
        }
        let target = model.target.target(current: fed, next: next)
        let row = (b * T + tau + 1) * D
        for d in 0..<D {
          window.inputs[row + d] = fed[d]
          window.targets[row + d] = target[d]
        }
      }
    }
  }
}
