import FaceGenderEvaluation

/// Training labels that split every class by a group, e.g. Female and Male each by age band
/// (`--subclasses-by age_summary`): the network then learns a child's face and an adult's as different
/// outputs rather than one boundary for all ages, and the classifier adds them back up (`ModelInfo.subclasses`).
public struct SubclassSplit: Equatable, Sendable {
    /// Its values in the training data, sorted: the subclasses of every class.
    public let names: [String]
    /// Per sample: class x names.count + subclass.
    public let labels: [Int]

    public init(samples: [LabeledSample], by key: String) throws {
        var values: [String] = []
        for sample in samples {
            guard let value = sample.groups[key] else { throw SubclassError.missingGroup(key: key, path: sample.path) }
            values.append(value)
        }
        let names = Array(Set(values)).sorted()
        guard names.count > 1 else { throw SubclassError.singleValue(key: key, value: names.first ?? "") }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        self.names = names
        labels = zip(samples, values).map { sample, value in sample.label * names.count + index[value]! }
    }
}

public enum SubclassError: Error, CustomStringConvertible {
    case missingGroup(key: String, path: String)
    case singleValue(key: String, value: String)

    public var description: String {
        switch self {
        case let .missingGroup(key, path):
            return "\(path) has no '\(key)' group (UTKFace file names give age, age_summary, age_detail and race): cannot split classes by it"
        case let .singleValue(key, value):
            return "every training photo has \(key) = \(value): splitting classes by it would change nothing"
        }
    }
}
