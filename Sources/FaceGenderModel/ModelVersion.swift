import Foundation

/// Models (classifiers and detectors) are named by when they were trained, in UTC: 20261126-1021.
public enum ModelVersion {
    public static func now() -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd-HHmm"
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date())
    }
}
