import ArgumentParser

@main
struct FaceGender: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facegender",
        abstract: "Detect faces in photos and estimate apparent gender, with calibrated probabilities.",
        subcommands: [Train.self, Calibrate.self, Evaluate.self, Predict.self, Detect.self, Serve.self]
    )
}
