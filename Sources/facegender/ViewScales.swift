import Foundation
import ArgumentParser

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
