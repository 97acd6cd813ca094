import ArgumentParser
import Foundation

/// `--data [NAME=]PATH`: a dataset and the name its photos are reported under (group `dataset`). Without a name, the
/// folder's name, or its parent's when the path is a split (Train, Validation, Test, or such a CSV).
struct DatasetArgument: ExpressibleByArgument {
    var name: String
    var path: String

    init?(argument: String) {
        if let eq = argument.firstIndex(of: "="), !argument[..<eq].contains("/"), !argument[..<eq].isEmpty {
            name = String(argument[..<eq]); path = String(argument[argument.index(after: eq)...])
        } else {
            path = argument
            let url = URL(fileURLWithPath: argument).standardized
            let last = url.deletingPathExtension().lastPathComponent
            name = ["Train", "Validation", "Test"].contains(last) ? url.deletingLastPathComponent().lastPathComponent : last
        }
        guard !path.isEmpty else { return nil }
    }
}
