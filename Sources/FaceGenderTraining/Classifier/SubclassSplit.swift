import FaceGenderEngine
import FaceGenderEvaluation

/// Training labels that split every class by a group, e.g. Female and Male each by age band
/// (`--subclasses-by age_summary`): the network then learns a child's face and an adult's as different
/// outputs rather than one boundary for all ages, and the classifier adds them back up (`ModelInfo.subclasses`).
/// A photo without the group (a dataset without ages) trains on its class alone: any of its subclasses.
public struct SubclassSplit: Equatable, Sendable {
    /// Its values in the training data, sorted: the subclasses of every class.
    public let names: [String]
    /// Per sample: output class x names.count + subclass, or all of its class's outputs when its group is unknown.
    public let targets: [OutputTarget]
    /// How many samples have no value for the group.
    public let withoutGroup: Int

    public init(samples: [LabeledSample], by key: String) throws {
        let values = samples.map { $0.groups[key] }
        guard values.contains(where: { $0 != nil }) else {
            throw SubclassError.missingGroup(key: key, path: samples.first?.path ?? "")
        }
        let names = Array(Set(values.compactMap { $0 })).sorted()
        guard names.count > 1 else { throw SubclassError.singleValue(key: key, value: names.first ?? "") }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        self.names = names
        targets = zip(samples, values).map { sample, value in
            let base = sample.label * names.count
            return value.map { .output(base + index[$0]!) } ?? .anyOf(base..<(base + names.count))
        }
        withoutGroup = values.filter { $0 == nil }.count
    }
}

public enum SubclassError: Error, CustomStringConvertible {
    case missingGroup(key: String, path: String)
    case singleValue(key: String, value: String)

    public var description: String {
        switch self {
        case let .missingGroup(key, path):
            return "no training photo has a '\(key)' group (e.g. \(path); UTKFace file names give age, age_summary, age_detail and race; a CSV's columns are groups): cannot split classes by it"
        case let .singleValue(key, value):
            return "every training photo has \(key) = \(value): splitting classes by it would change nothing"
        }
    }
}
