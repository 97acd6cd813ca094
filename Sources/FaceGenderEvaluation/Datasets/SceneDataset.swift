import FaceGenderDetection
import Foundation

/// Photos of scenes with every face boxed (WIDER FACE's layout in ../shared: a CSV of
/// `file,x,y,width,height,blur,occlusion,pose,invalid[,perceived_gender,perceived_age,perceived_skin]`, one row
/// per face, files relative to the CSV).
public struct SceneDataset: Sendable {
    public struct Face: Sendable, Equatable {
        public var box: FaceBox
        /// WIDER FACE marks faces not to count (e.g. drawn or unrecognisable) as invalid.
        public var invalid: Bool
        /// Annotations, where given: blur, occlusion, pose, perceived_gender, perceived_age, perceived_skin.
        public var attributes: [String: String]

        public init(box: FaceBox, invalid: Bool, attributes: [String: String]) {
            self.box = box; self.invalid = invalid; self.attributes = attributes
        }

        /// The perceived skin type in the two bands the detector issue compares: "I-III" or "IV-VI" (nil: not annotated).
        public var skinBand: String? {
            switch attributes["perceived_skin"] {
            case "I", "II", "III": return "I-III"
            case "IV", "V", "VI": return "IV-VI"
            default: return nil
            }
        }
    }

    public struct Photo: Sendable {
        public var path: String
        public var faces: [Face]
    }

    public var photos: [Photo]

    public static func load(csv path: String) throws -> SceneDataset { try load(table: CSVTable.read(path)) }

    public static func load(table: CSVTable) throws -> SceneDataset {
        let c = try table.columns(["file", "x", "y", "width", "height", "invalid"])
        let attributeColumns = ["blur", "occlusion", "pose", "perceived_gender", "perceived_age", "perceived_skin"]
            .compactMap { name in table.header.firstIndex(of: name).map { (name, $0) } }
        var order: [String] = [], faces: [String: [Face]] = [:]
        for (i, row) in table.rows.enumerated() {
            let box = FaceBox(x: try table.number(i, c[1]), y: try table.number(i, c[2]), width: try table.number(i, c[3]),
                              height: try table.number(i, c[4]), score: 1)
            let file = table.resolve(row[c[0]])
            if faces[file] == nil { order.append(file) }
            var attributes: [String: String] = [:]
            for (name, column) in attributeColumns where !row[column].isEmpty { attributes[name] = row[column] }
            faces[file, default: []].append(Face(box: box, invalid: row[c[5]] == "1", attributes: attributes))
        }
        guard !order.isEmpty else { throw DatasetError.badCSV(path: table.path, line: 2, reason: "no faces listed after the header") }
        return SceneDataset(photos: order.map { Photo(path: $0, faces: faces[$0]!) })
    }
}

/// Portraits with five landmarks each (../shared's aaf/landmarks.csv: `file,left_eye_x,left_eye_y,right_eye_x,
/// right_eye_y,nose_x,nose_y,mouth_left_x,mouth_left_y,mouth_right_x,mouth_right_y`).
public struct PortraitLandmarks: Sendable {
    public var portraits: [(path: String, landmarks: FaceLandmarks)]

    public static func load(csv path: String) throws -> PortraitLandmarks {
        let table = try CSVTable.read(path)
        let names = ["left_eye", "right_eye", "nose", "mouth_left", "mouth_right"].flatMap { [$0 + "_x", $0 + "_y"] }
        let file = try table.columns(["file"])[0], c = try table.columns(names)
        let portraits = try table.rows.indices.map { i in
            (table.resolve(table.rows[i][file]), FaceLandmarks(try c.map { try table.number(i, $0) }))
        }
        return PortraitLandmarks(portraits: portraits)
    }
}
