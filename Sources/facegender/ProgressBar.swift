import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar with rate and ETA on a terminal (stderr); a line every few seconds otherwise
/// (logs of background runs).
final class ProgressBar {
    private let total: Int
    private let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let interactive = isatty(STDERR_FILENO) != 0

    init(total: Int, label: String) { self.total = max(total, 1); self.label = label }

    func update(_ done: Int, unit: String = "img", units: Int? = nil, extra: String = "") {
        let now = Date()
        let minInterval = interactive ? 0.2 : 15
        guard now.timeIntervalSince(lastDraw) >= minInterval || done >= total else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(units ?? done) / max(elapsed, 1e-9)
        let eta = done > 0 ? elapsed * Double(total - done) / Double(done) : 0
        let width = 24, filled = min(width, width * done / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = "\(label) \(bar) \(done)/\(total) \(String(format: "%.0f", rate)) \(unit)/s ETA \(Self.clock(eta)) \(extra)"
        FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + line + (interactive ? "" : "\n")).utf8))
    }

    func finish() { if interactive { FileHandle.standardError.write(Data("\n".utf8)) } }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
