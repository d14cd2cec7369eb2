import FileAccess
import Foundation
import ImageIO

// MARK: - ModelDirectory

/// The files of one model folder, as `dancenet train` and its three steps write them.
///
/// ```text
/// MODELDIR/vae.ckpt        train-vae: VAE parameters + optimiser state, after every epoch
/// MODELDIR/latents.ckpt    encode: the latent mean of every frame, clip lengths, split
/// MODELDIR/seq.ckpt        train-seq: sequence parameters + optimiser + normalisation
/// MODELDIR/model.dnm       train-seq: the complete float model (VAE + sequence + normalisation
///                          + start latents + provenance), what `generate --float` reads
/// MODELDIR/loss-vae.csv|png, loss-seq.csv|png   loss curves
/// ```
public struct ModelDirectory: Sendable {
  public let path: String

  public init(_ path: String) { self.path = path }

  public var vaeCheckpoint: String { file("vae.ckpt") }
  public var latents: String { file("latents.ckpt") }
  public var sequenceCheckpoint: String { file("seq.ckpt") }
  public var model: String { file("model.dnm") }
  public func lossCSV(_ phase: String) -> String { file("loss-\(phase).csv") }
  public func lossPlot(_ phase: String) -> String { file("loss-\(phase).png") }

  /// The float model a command names: a `.dnm` file as given, or a folder's model.dnm.
  public static func modelFile(_ folderOrFile: String) -> String {
    folderOrFile.hasSuffix(".dnm") ? folderOrFile : ModelDirectory(folderOrFile).model
  }

  public func file(_ name: String) -> String {
    path.hasSuffix("/") ? path + name : path + "/" + name
  }

  /// Creates the folder (and its parents) if needed; one line on failure.
  public func create() throws(FileIOError) { try Folder.create(path) }

  public func exists(_ file: String) -> Bool { FileManager.default.fileExists(atPath: file) }
}

// MARK: - PhaseObserver

/// How a training phase reports to its caller (the CLI draws progress bars from it).
public struct PhaseObserver {
  /// phase, epoch (1-based), epochs, step (1-based), steps per epoch, loss, examples/s
  public var step: (String, Int, Int, Int, Int, Double, Double) -> Void
  /// One line of information (resumes, notices, epoch summaries).
  public var log: (String) -> Void

  public init(
    step: @escaping (String, Int, Int, Int, Int, Double, Double) -> Void = { _, _, _, _, _, _, _ in },
    log: @escaping (String) -> Void = { _ in }
  ) {
    self.step = step
    self.log = log
  }

  public static var silent: PhaseObserver { PhaseObserver() }
}

// MARK: - Loss curves

extension LossLog {
  /// Writes `loss-PHASE.csv` and `loss-PHASE.png` (train and held-out loss per epoch).
  public func write(to dir: ModelDirectory, phase: String, title: String) throws(FileIOError) {
    try AtomicFile.write(Array(csv().utf8), to: dir.lossCSV(phase))
    guard !rows.isEmpty else { return }
    var plot = LinePlot(title: title, xLabel: "epoch", yLabel: "loss", logY: false)
    plot.add("train", x: rows.map { Double($0.epoch) }, y: rows.map(\.trainLoss))
    let held = rows.compactMap { r in r.heldOutLoss.map { (Double(r.epoch), $0) } }
    if !held.isEmpty { plot.add("held-out", x: held.map(\.0), y: held.map(\.1)) }
    do {
      try PNGFile.write(plot.render(width: 640, height: 400), to: dir.lossPlot(phase))
    } catch {
      throw FileIOError(error.description)
    }
  }

  /// Reads an earlier `loss-PHASE.csv`, keeping epochs up to `epochs` (for --resume).
  public static func read(from dir: ModelDirectory, phase: String, upToEpoch epochs: Int) -> LossLog {
    guard let data = FileManager.default.contents(atPath: dir.lossCSV(phase)),
      let text = String(data: data, encoding: .utf8), var log = LossLog.parse(text)
    else { return LossLog() }
    log.rows.removeAll { $0.epoch > epochs }
    return log
  }
}
