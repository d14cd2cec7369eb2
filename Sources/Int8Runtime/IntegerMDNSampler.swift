// MARK: - IntegerMDNSampler

/// Samples the next latent from the MDN head in integers, drawing from `DanceRandom` in exactly
/// the float sampler's order and count (`MDNSampler` in Trainer): one `next()` for the
/// component, then one `gaussianQ12()` per dimension, 1 + 12·D calls of `next()` per sample
/// whatever the temperatures (docs/INT8.md, "Sampling").
///
/// Temperatures are Q16 integers (65536 = 1.0): τπ any UInt32 (0 = argmax), τσ below 2^20 (16.0).
/// ```text
/// component:  m = max_k l_k (Q16);  e_k = ((m − l_k) · 4096 + ⌊τπ/2⌋) / τπ  (Q12 nats, integer division)
///             w_k = SoftmaxExp(e_k) (Q24);  W = Σ w_k;  S_k = w_0 + … + w_k;  T_k = ⌊S_k · 2^32 / W⌋
///             k = the smallest k with u < T_k  (u = next();  τπ = 0: the first largest logit)
/// sample:     z_d = clamp(μ_kd + ((σ_kd · τσ · g_d + 2^(43 − f)) >> (44 − f)), −32768, 32767)
///             σ_kd = SigmaExp(s_kd) (Q16),  g_d = gaussianQ12(),  f = latent fraction bits
/// ```
/// Worked example (K = 2, τπ = 1.0): logits [0, −65536] (0 and −1 in Q16): e = [0, 4096],
/// w = [16777216, 6171993], W = 22949209, T_0 = ⌊16777216 · 2^32 / 22949209⌋ = 3139872665, T_1 = 2^32;
/// a draw u = 3,000,000,000 picks component 0 (0.698 < 0.731), u = 3,200,000,000 picks 1.
public struct IntegerMDNSampler {
  /// τσ must be below this (16.0 in Q16), so σ · τσ · g stays inside 64 bits.
  public static let sigmaTemperatureLimitQ16: UInt32 = 1 << 20

  public let piTemperatureQ16: UInt32
  public let sigmaTemperatureQ16: UInt32
  public let latentFractionBits: Int
  public let sigma: SigmaExp
  public let softmax: SoftmaxExp

  public init(
    piTemperatureQ16: UInt32, sigmaTemperatureQ16: UInt32, latentFractionBits: Int, sigma: SigmaExp,
    softmax: SoftmaxExp
  ) {
    precondition(
      sigmaTemperatureQ16 < IntegerMDNSampler.sigmaTemperatureLimitQ16, "sigma-temperature below 16")
    precondition(latentFractionBits >= 0 && latentFractionBits <= 15, "latent fraction bits in 0...15")
    self.piTemperatureQ16 = piTemperatureQ16
    self.sigmaTemperatureQ16 = sigmaTemperatureQ16
    self.latentFractionBits = latentFractionBits
    self.sigma = sigma
    self.softmax = softmax
  }

  // MARK: - Component

  /// The component that the 32-bit draw `u` picks from the Q16 logits.
  public func chooseComponent(logits: UnsafeBufferPointer<Int32>, draw u: UInt32) -> Int {
    let K = logits.count
    precondition(K > 0 && K <= 255, "1 to 255 mixture components")
    var best = 0
    for k in 1..<K where logits[k] > logits[best] { best = k }
    if piTemperatureQ16 == 0 { return best }
    var total: Int64 = 0
    for k in 0..<K { total += weight(logits, k, max: logits[best]) }
    var cumulative: Int64 = 0
    for k in 0..<K {
      cumulative += weight(logits, k, max: logits[best])
      // S_k ≤ 255 · 2^24 < 2^32, so S_k · 2^32 fits 64 bits; T_{K−1} = 2^32 > u always.
      let threshold = (UInt64(cumulative) << 32) / UInt64(total)
      if UInt64(u) < threshold { return k }
    }
    return K - 1
  }

  /// w_k = exp(−(m − l_k) / τπ) in Q24.
  @inlinable
  func weight(_ logits: UnsafeBufferPointer<Int32>, _ k: Int, max m: Int32) -> Int64 {
    let d = Int64(m) - Int64(logits[k])  // 0 ... 2^32 − 1
    let t = Int64(piTemperatureQ16)
    return softmax.weightQ24((d * 4096 + t / 2) / t)
  }

  // MARK: - Sample

  /// σ · τσ · g in latent units: (σ · τσ · g + 2^(43 − f)) >> (44 − f), one rounding, half up.
  @inlinable
  public func noise(sigmaQ16: Int64, gaussianQ12 g: Int32) -> Int64 {
    Requantization.roundingShiftRight(
      sigmaQ16 * Int64(sigmaTemperatureQ16) * Int64(g), by: 44 - latentFractionBits)
  }

  /// One sample: the head's K logits into `logits` (scratch of K), one draw for the component,
  /// one Gaussian per dimension; writes z [D] in the latent format and returns the component.
  public func sample(
    head: MDNHead, input x: UnsafeBufferPointer<Int16>, logits: UnsafeMutableBufferPointer<Int32>,
    rng: inout DanceRandom, output z: UnsafeMutableBufferPointer<Int16>
  ) -> Int {
    precondition(logits.count == head.mixtures && z.count == head.dims, "sampler buffer sizes")
    for k in 0..<head.mixtures { logits[k] = head.logit(k, input: x) }
    let k = chooseComponent(logits: UnsafeBufferPointer(logits), draw: rng.next())
    for d in 0..<head.dims {
      let g = rng.gaussianQ12()
      let mu = Int64(head.mean(k, d, input: x))
      let s = sigma.sigmaQ16(Int32(head.logSigma(k, d, input: x)))
      z[d] = Int16(clamping: mu + noise(sigmaQ16: s, gaussianQ12: g))
    }
    return k
  }
}
