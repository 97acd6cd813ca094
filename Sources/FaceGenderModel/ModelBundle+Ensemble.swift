import FaceGenderEngine
import Foundation

extension ModelBundle {
    /// One model whose answer is the mean of `members`' probabilities: networks trained apart (other seeds or data) err
    /// apart. Members must crop faces alike and name the same classes and subclasses. The result is uncalibrated
    /// (temperature 1; `Calibration.finish` fits it), looks at each face in `views`, and its history is the members'
    /// epochs one member after another, so its training time is theirs together.
    public static func ensemble(_ members: [ModelBundle], views: TestTimeViews, path: String) throws -> ModelBundle {
        guard let first = members.first else {
            throw ModelFileError.ensembleMismatch(paths: [], reason: "an ensemble needs at least two members")
        }
        for member in members.dropFirst() {
            func mismatch(_ what: String) -> ModelFileError {
                ModelFileError.ensembleMismatch(paths: [first.path, member.path], reason: "their \(what) differ")
            }
            guard member.info.classes == first.info.classes else { throw mismatch("classes") }
            guard member.info.subclasses == first.info.subclasses else { throw mismatch("subclasses") }
            guard member.info.preprocessor == first.info.preprocessor else { throw mismatch("face crops (preprocessor)") }
        }
        let stored = try StoredNetwork.ensemble(of: members.map(\.stored), path: path)
        let names = Set(members.map(\.info.name))
        let info = ModelInfo(name: names.count == 1 ? "\(first.info.name)-x\(members.count)" : members.map(\.info.name).joined(separator: "+"),
                             version: ModelVersion.now(), classes: first.info.classes, preprocessor: first.info.preprocessor,
                             views: views, subclasses: first.info.subclasses,
                             trainedAt: members.map(\.info.trainedAt).max() ?? first.info.trainedAt)
        return ModelBundle(stored: stored, info: info, history: members.flatMap(\.history), card: nil)
    }
}
