/// A value as one CSV field: quoted when it holds a comma, quote or line break (RFC 4180).
public enum CSVField {
    public static func escape(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
