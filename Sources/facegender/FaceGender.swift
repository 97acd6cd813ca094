import ArgumentParser

@main
struct FaceGender: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facegender",
        abstract: "Detect faces in photos and estimate apparent gender, with calibrated probabilities.",
        subcommands: [Train.self, TrainDetector.self, Calibrate.self, Evaluate.self, EvaluateDetector.self, Predict.self, Detect.self, Serve.self]
    )
}
