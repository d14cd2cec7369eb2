import Dispatch
import FloatRandom
import ImageIO
import Int8Runtime

// MARK: - SyntheticDancer

/// The built-in dataset: a seeded, choreographed, rendered dancer, so that training works on a
/// fresh machine with no video to download.
///
/// Frame i shows the dance at i / fps seconds (default 10 fps: the original kept every third
/// frame of a 30 fps video). Each frame adds a small seeded jitter to the choreographed pose,
/// drawn from its own sub-stream of the seed, so any frame can be rendered on its own, in any
/// order or in parallel, with identical pixels.
///
/// ```swift
/// let dancer = SyntheticDancer(seed: 1, frameCount: 300)   // 30 s of dance
/// let first = dancer.frame(at: 0)                          // 208 x 120 GrayImage
/// dancer.moveName(at: 0)                                   // e.g. "sway"
/// let all = dancer.frames()                                // 300 frames, rendered in parallel
/// ```
public struct SyntheticDancer: Sendable {
  public static let width = 208
  public static let height = 120

  public let seed: UInt64
  public let fps: Double
  public let frameCount: Int
  public let choreography: Choreography
  public let renderer: SilhouetteRenderer

  /// A dance of `frameCount` frames at `fps` frames per second of motion (fps > 0).
  public init(seed: UInt64, frameCount: Int, fps: Double = 10) {
    precondition(frameCount >= 0 && fps > 0 && fps.isFinite)
    self.seed = seed
    self.fps = fps
    self.frameCount = frameCount
    self.choreography = Choreography(seed: seed, duration: Double(frameCount) / fps)
    self.renderer = SilhouetteRenderer(
      width: SyntheticDancer.width, height: SyntheticDancer.height)
  }

  // MARK: - Per-frame queries

  /// Seconds of dance at frame `index`.
  public func time(ofFrame index: Int) -> Double { Double(index) / fps }

  /// The choreographed pose at frame `index` plus that frame's small jitter.
  public func pose(at index: Int) -> Pose {
    precondition(index >= 0 && index < frameCount, "frame \(index) outside 0..<\(frameCount)")
    var p = choreography.pose(at: time(ofFrame: index))
    var rng = DanceRandom(seed: SynthMath.subSeed(seed, UInt64(index)))
    func jitter(_ degrees: Double) -> Double {
      SynthMath.deg(degrees) * DanceRandomFloats.gaussian(&rng)
    }
    p.x += 0.35 * DanceRandomFloats.gaussian(&rng)
    p.lean += jitter(0.6)
    p.headTilt += jitter(1.5)
    p.leftShoulder += jitter(1.5)
    p.rightShoulder += jitter(1.5)
    p.leftElbow += jitter(2)
    p.rightElbow += jitter(2)
    p.leftHip += jitter(0.8)
    p.rightHip += jitter(0.8)
    p.leftKnee += jitter(1)
    p.rightKnee += jitter(1)
    return p
  }

  /// The move dominating frame `index` (during a cross-fade, the one with more weight).
  public func move(at index: Int) -> Move {
    precondition(index >= 0 && index < frameCount, "frame \(index) outside 0..<\(frameCount)")
    return choreography.move(at: time(ofFrame: index))
  }

  /// `move(at:).name`, e.g. "kick".
  public func moveName(at index: Int) -> String { move(at: index).name }

  // MARK: - Rendering

  /// Frame `index` (0-based) as a 208 x 120 gray image.
  public func frame(at index: Int) -> GrayImage {
    renderer.render(Figure(pose: pose(at: index)))
  }

  /// Renders frame `index` into `pixels` (208 * 120 bytes), overwriting them.
  public func render(frame index: Int, into pixels: UnsafeMutableBufferPointer<UInt8>) {
    pixels.update(repeating: renderer.background)
    renderer.draw(Figure(pose: pose(at: index)), into: pixels)
  }

  /// Frames in `range` (all frames by default), rendered on all cores; the result does not
  /// depend on the number of threads.
  public func frames(_ range: Range<Int>? = nil) -> [GrayImage] {
    let range = range ?? 0..<frameCount
    let chunk = 64
    let chunks = (range.count + chunk - 1) / chunk
    // Each chunk of frames is rendered by one thread into its own slot.
    var parts = [[GrayImage]](repeating: [], count: chunks)
    parts.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let first = range.lowerBound + c * chunk
        slots[c] = (first..<Swift.min(range.upperBound, first + chunk)).map { frame(at: $0) }
      }
    }
    return parts.flatMap { $0 }
  }
}
