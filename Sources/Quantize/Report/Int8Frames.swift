import Evaluation
import FileAccess
import Int8Runtime

// MARK: - InMemoryInt8Model

/// An int8 model opened from a conversion's bytes without writing a file (`quantize
/// --compare` measures every configuration this way). The bytes live as long as the object, and
/// `model` reads them without holding it: bind the object to a name for as long as the model is
/// in use (`InMemoryInt8Model(bytes).model` alone would read freed memory).
///
/// ```swift
/// let int8 = try InMemoryInt8Model(try conversion.writer.encoded())
/// int8.model.preset.name   // "tiny"
/// ```
public final class InMemoryInt8Model {
  let buffer: UnsafeMutableRawBufferPointer
  public let model: Int8Model
  public var byteCount: Int { buffer.count }

  public init(_ bytes: [UInt8]) throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    self.buffer = buffer
    do {
      model = try Int8Model(UnsafeRawBufferPointer(buffer))
    } catch {
      buffer.deallocate()
      throw FileIOError("the int8 conversion does not load: \(error.description)")
    }
  }

  deinit { buffer.deallocate() }
}

// MARK: - Int8FrameDecoder

/// The int8 decoder of the streaming runtime (`StreamingGenerator.decode`, the reference
/// generator's bytes in tens of milliseconds per `paper` frame instead of one to two seconds),
/// for measuring many frames: a normalised latent in, 8-bit pixels out. The model's bytes must
/// outlive it.
///
/// ```swift
/// let decoder = try Int8FrameDecoder(model)
/// let pixels = decoder.decode(latent)   // [frameHeight · frameWidth] bytes
/// ```
public final class Int8FrameDecoder {
  let arena: UnsafeMutableRawBufferPointer
  let generator: StreamingGenerator
  let fractionBits: Int

  public init(_ model: Int8Model) throws {
    let arena = UnsafeMutableRawBufferPointer.allocate(
      byteCount: StreamingPlan(model: model).totalBytes, alignment: StreamingPlan.alignment)
    self.arena = arena
    do {
      generator = try StreamingGenerator(model: model, seed: 0, arena: arena)
    } catch {
      arena.deallocate()
      throw FileIOError("the int8 model does not stream: \(error.description)")
    }
    fractionBits = model.latentFractionBits
  }

  deinit { arena.deallocate() }

  /// The frame of normalised latent `z`, row-major bytes.
  public func decode(_ z: [Double]) -> [UInt8] {
    var sink = Rows(
      width: generator.model.preset.frameWidth, pixelCount: generator.model.preset.pixelsPerFrame)
    LatentFormat.quantize(z, fractionBits: fractionBits).withUnsafeBufferPointer {
      generator.decode(latent: $0, &sink)
    }
    return sink.pixels
  }

  struct Rows: FrameRowSink {
    let width: Int
    var pixels: [UInt8]
    init(width: Int, pixelCount: Int) {
      self.width = width
      pixels = [UInt8](repeating: 0, count: pixelCount)
    }
    mutating func take(row y: Int, pixels row: UnsafeBufferPointer<UInt8>) {
      pixels.replaceSubrange((y * width)..<((y + 1) * width), with: row)
    }
  }
}
