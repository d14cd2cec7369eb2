import ImageIO
import Int8Runtime
import Trainer

// MARK: - Int8DanceSource

/// The int8 dance of one seed, step by step, as the evaluation reads it: each step gives the
/// new latent in normalised units, and a frame only when asked for one (decoding is the costly
/// part, though the streaming runtime decodes a `paper` frame in tens of milliseconds).
///
/// This is the one place the evaluation meets an integer generator: the streaming runtime
/// (`StreamingGenerator`), which gives the reference `Int8Generator`'s bytes, in its own arena.
///
/// Temperatures are the float evaluation's, in Q16 (`q16`: round(τ · 65536), the rule
/// `generate --int8` applies to its flags), so both dances sample alike.
///
/// ```swift
/// var source = try Int8DanceSource(model: file.model, path: file.path, seed: 1, start: 0,
///                                  temperatures: .init(pi: 0.3, sigma: 1))
/// let z1 = source.next()                    // step 1's latent, [D] normalised units
/// var frame = GrayImage(width: 208, height: 120)
/// let z2 = source.next(decodingInto: &frame)   // step 2's latent and its frame
/// ```
public struct Int8DanceSource {
  var generator: StreamingGenerator
  let arena: Arena
  var pixels: [UInt8]

  /// The streaming generator's arena, freed with the last copy of the source.
  final class Arena {
    let bytes: UnsafeMutableRawBufferPointer
    init(_ count: Int) {
      bytes = .allocate(byteCount: count, alignment: StreamingPlan.alignment)
    }
    deinit { bytes.deallocate() }
  }

  /// The generator of start `start` and seed `seed`; `path` names the model in errors.
  public init(
    model: Int8Model, path: String, seed: UInt64, start: Int, temperatures: SamplingTemperatures
  ) throws {
    let options = Int8Generator.Options(
      start: start, piTemperatureQ16: Self.q16(temperatures.pi),
      sigmaTemperatureQ16: Self.q16(temperatures.sigma))
    arena = Arena(StreamingPlan(model: model).totalBytes)
    do {
      generator = try StreamingGenerator(model: model, seed: seed, options: options, arena: arena.bytes)
    } catch {
      throw EvaluationError("\(path): \(error.description)")
    }
    pixels = [UInt8](repeating: 0, count: model.preset.pixelsPerFrame)
  }

  /// A temperature in Q16, the integer generator's form: round(τ · 65536).
  ///
  /// ```swift
  /// Int8DanceSource.q16(0.3)   // 19661 (19660.8 rounds up), as DecimalQ16.parse("0.3")
  /// ```
  public static func q16(_ temperature: Double) -> UInt32 { UInt32((temperature * 65536).rounded()) }

  // MARK: - Steps

  /// Advances one step without decoding; returns the new latent, normalised units.
  public mutating func next() -> [Double] {
    generator.nextLatent()
    return latent
  }

  /// Advances one step and decodes its frame into `frame` (the preset's size); returns the new
  /// latent, normalised units.
  public mutating func next(decodingInto frame: inout GrayImage) -> [Double] {
    pixels.withUnsafeMutableBufferPointer { generator.nextFrame(into: $0) }
    frame = GrayImage(
      width: generator.model.preset.frameWidth, height: generator.model.preset.frameHeight,
      pixels: pixels)
    return latent
  }

  /// The current latent (latent format, `LatentFormat.real`) in normalised units.
  var latent: [Double] {
    LatentFormat.real(Array(generator.currentLatent), fractionBits: generator.model.latentFractionBits)
  }
}
