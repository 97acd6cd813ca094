import Foundation
import ArgumentParser

/// `--view-scales 0.9,1,1.1`: the zoom factors of the views of a face whose predictions are averaged.
struct ViewScales: ExpressibleByArgument {
    var values: [Double]

    init?(argument: String) {
        let values = argument.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.count == argument.split(separator: ",").count,
              values.allSatisfy({ (0.5...2).contains($0) }) else { return nil }
        self.values = values
    }
}
