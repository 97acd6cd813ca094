import Foundation

/// A CSV file with a header row, read whole: plain comma-separated fields (no quoting), every row as many fields
/// as the header. Files named in it are relative to its folder (`resolve`).
public struct CSVTable: Sendable {
    public let path: String
    public let header: [String]
    public let rows: [[String]]

    public static func read(_ path: String) throws -> CSVTable {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw DatasetError.unreadableFile(path) }
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw DatasetError.badCSV(path: path, line: 1, reason: "empty file") }
        let header = lines.removeFirst().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let rows = try lines.enumerated().map { i, line in
            let cols = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cols.count == header.count else {
                throw DatasetError.badCSV(path: path, line: i + 2, reason: "\(cols.count) columns, header has \(header.count)")
            }
            return cols
        }
        return CSVTable(path: path, header: header, rows: rows)
    }

    /// The index of each of `columns` in the header, or a typed error naming the missing one.
    public func columns(_ columns: [String]) throws -> [Int] {
        try columns.map { name in
            guard let i = header.firstIndex(of: name) else {
                throw DatasetError.badCSV(path: path, line: 1, reason: "no column \(name) (header: \(header.joined(separator: ",")))")
            }
            return i
        }
    }

    /// A file named in the table: absolute as it is, else relative to the table's folder.
    public func resolve(_ file: String) -> String {
        file.hasPrefix("/") ? file : (path as NSString).deletingLastPathComponent + "/" + file
    }

    /// A number in row `row` (0-based, after the header), or a typed error with its line.
    public func number(_ row: Int, _ column: Int) throws -> Double {
        guard let v = Double(rows[row][column]) else {
            throw DatasetError.badCSV(path: path, line: row + 2, reason: "\(header[column]) \"\(rows[row][column])\" is not a number")
        }
        return v
    }
}
