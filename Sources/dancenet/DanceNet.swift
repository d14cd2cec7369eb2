import ArgumentParser

// MARK: - dancenet

@main
struct DanceNet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dancenet",
    abstract: "Train DanceNet-style dance generators, quantize them to int8, and generate dances.",
    subcommands: [
      SynthCommand.self, InspectCommand.self, TrainCommand.self, TrainVAECommand.self,
      EncodeCommand.self, TrainSequenceCommand.self, GenerateCommand.self, EvalCommand.self,
      QuantizeCommand.self,
    ])
}
