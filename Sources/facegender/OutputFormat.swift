import ArgumentParser

/// Output of commands that answer per face (`predict`): a table has one row per face.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv
}

/// Output of commands that answer with one report or nested lists (`evaluate`, `detect`): no CSV.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
