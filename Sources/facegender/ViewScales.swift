import Foundation
import ArgumentParser
import FaceGenderModel

/// `--view-scales 0.9,1,1.1`: the zoom factors of the views of a face whose predictions are averaged.
struct ViewScales: ExpressibleByArgument {
    var values: [Double]

    init?(argument: String) {
        let parts = argument.split(separator: ",")
        let values = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.count == parts.count,
              values.allSatisfy({ (0.5...2).contains($0) }) else { return nil }
        self.values = values
    }
}

/// How the finished model looks at each face (`train`, `calibrate`): zoomed views and their mirror images.
struct ViewOptions: ParsableArguments {
    @Flag(help: "Do not average each face's prediction with its mirror image's.") var noFlipAveraging = false
    @Option(help: "Zoom factors of the views averaged per face in use, e.g. 0.9,1,1.1 (default: the centre view only).")
    var viewScales: ViewScales?

    var testTimeViews: TestTimeViews {
        TestTimeViews(scales: viewScales?.values ?? [1], mirror: noFlipAveraging ? .none : .averaged)
    }
}
