import ArgumentParser
import Int8Runtime
import Quantize

// MARK: - inspect

struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Print a preset's layers, or what a model file holds.",
    discussion: """
      With --preset: every layer with output shape, parameters and multiply-accumulates. With a \
      model (a folder, or a .dnm file): an int8 model's tensors (type, shape, bytes) and each \
      layer's scales and zero points; a float model's preset.
      """)

  @Argument(help: "A model folder (its model-int8.dnm, else model.dnm) or a .dnm file.")
  var model: String?

  @Option(name: .long, help: "Preset name: \(ModelPreset.all.map(\.name).joined(separator: ", ")).")
  var preset: String?

  @Option(name: .long, help: "Start latents assumed stored in the int8 file (for its size).")
  var startLatents: Int = 16
  @Option(name: .long, help: "Primer latents per start assumed stored in the int8 file.")
  var primers: Int = 8

  func validate() throws {
    guard (model == nil) != (preset == nil) else {
      throw ValidationError("give either a model (folder or file) or --preset")
    }
    guard let preset else { return }
    guard ModelPreset.named(preset) != nil else {
      throw ValidationError(
        "unknown preset '\(preset)'; choose one of \(ModelPreset.all.map(\.name).joined(separator: ", "))")
    }
    guard startLatents >= 0 && primers >= 0 else {
      throw ValidationError("--start-latents and --primers must be 0 or more")
    }
  }

  func run() throws {
    if let model {
      try CLI.reporting { try ModelInspection.print(model) }
      return
    }
    let p = ModelPreset.named(preset!)!
    print("preset \(p.name): frames \(p.frameWidth)x\(p.frameHeight), latent \(p.latentSize)")
    let models: [(String, [LayerSpec])] = [
      ("VAE encoder", p.encoderLayers), ("VAE decoder", p.decoderLayers),
      ("sequence model", p.sequenceLayers),
    ]
    for (title, layers) in models {
      print("")
      print(title)
      print(LayerTable.render(layers))
    }
    print("")
    try CLI.reporting {
      let int8 = try Int8Footprint.fileBytes(p, starts: startLatents, primers: primers)
      print(
        "int8 file (docs/INT8.md: decoder, sequence model, tables, \(startLatents) start latents "
          + "with \(primers) primers each; free-text metadata not counted): "
          + "\(LayerTable.grouped(int8)) bytes (\(LayerTable.kibibytes(int8)) KiB)")
    }
  }
}

/// Plain-text table of layers: name, kind, output shape, parameters, MACs, and a totals row.
enum LayerTable {
  static func render(_ layers: [LayerSpec]) -> String {
    var rows: [[String]] = [["layer", "kind", "output", "parameters", "MACs"]]
    for l in layers {
      rows.append([
        l.name, kindName(l.kind), l.outputShape.map(String.init).joined(separator: "x"),
        grouped(l.parameters), grouped(l.macs),
      ])
    }
    rows.append(["total", "", "", grouped(layers.totalParameters), grouped(layers.totalMACs)])
    var widths = [Int](repeating: 0, count: 5)
    for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
    return rows.map { r in
      r.enumerated().map { i, c in
        let pad = String(repeating: " ", count: widths[i] - c.count)
        return i >= 3 ? pad + c : c + pad
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }

  static func kindName(_ k: LayerSpec.Kind) -> String {
    switch k {
    case .conv3x3(_, _, let a): return "conv3x3 \(a.rawValue)"
    case .maxPool2: return "maxpool 2"
    case .upsample2: return "upsample 2"
    case .flatten: return "flatten"
    case .reshape: return "reshape"
    case .dense(_, _, let a): return "dense \(a.rawValue)"
    case .perPixelDense(_, _, let a): return "per-pixel dense \(a.rawValue)"
    case .lstm: return "lstm"
    case .dropout(let p): return "dropout \(p)%"
    case .reparameterize: return "sample z"
    case .mdn(_, let k, _): return "mdn \(k) gaussians"
    }
  }

  /// 1234567 -> "1,234,567"
  static func grouped(_ n: Int) -> String {
    let s = String(n.magnitude)
    var out = ""
    for (i, ch) in s.enumerated() {
      if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return n < 0 ? "-" + out : out
  }

  static func kibibytes(_ bytes: Int) -> String {
    let tenths = (bytes * 10 + 512) / 1024
    return "\(tenths / 10).\(tenths % 10)"
  }
}
