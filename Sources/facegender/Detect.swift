import ArgumentParser
import FaceGenderDetection
import FaceGenderImaging
import FaceGenderModel
import Foundation

struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find faces in photos and print their boxes.",
        discussion: "Each photo gets its own answer; a photo that cannot be read is reported and the rest go on. "
            + "The exit status is 1 when any photo failed.")

    @Argument(help: "JPEG, PNG or WebP photos.")
    var photos: [String]

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @OptionGroup var detection: DetectorOptions

    @Option(help: "Write a copy of each photo with the faces boxed into this folder.")
    var annotateDir: String?

    struct Face: Encodable {
        var x, y, width, height: Int; var score: Double; var landmarks: FaceLandmarks?
        init(_ b: FaceBox) {
            x = Int(b.x.rounded()); y = Int(b.y.rounded()); width = Int(b.width.rounded()); height = Int(b.height.rounded())
            score = (b.score * 1000).rounded() / 1000; landmarks = b.landmarks?.rounded
        }
    }
    struct Answer: Encodable { var file: String; var faces: [Face]?; var error: String? }

    func run() throws {
        let detector = try detection.make()
        let decoder = ImageDecoder()
        var answers: [Answer] = []
        for photo in photos {
            do {
                let decoded = try decoder.decodeFileReduced(atPath: photo, keepingLongSide: FaceAnalyzer.decodedLongSide)
                var image = decoded.image
                let found = detector.detect(in: image)
                let faces = found.map { Face($0.scaled(by: decoded.scale)) }
                if let annotateDir {
                    // Drawn on the image as decoded, in its own pixels.
                    for f in found.map(Face.init) {
                        image.strokeRectangle(x: f.x, y: f.y, width: f.width, height: f.height, thickness: max(2, image.width / 200), color: (40, 220, 90))
                    }
                    let name = (URL(fileURLWithPath: photo).deletingPathExtension().lastPathComponent) + "-faces.jpg"
                    try FileManager.default.createDirectory(atPath: annotateDir, withIntermediateDirectories: true)
                    try JPEGEncoder.encode(image).write(to: URL(fileURLWithPath: annotateDir).appendingPathComponent(name))
                }
                answers.append(Answer(file: photo, faces: faces))
            } catch let error as ImageError {
                answers.append(Answer(file: photo, error: error.description))
            }
        }
        if format == .json {
            print(try JSONOutput.string(answers))
        } else {
            for a in answers {
                if let error = a.error { print("\(a.file): error: \(error)"); continue }
                let faces = a.faces ?? []
                print("\(a.file): \(faces.count) face\(faces.count == 1 ? "" : "s")")
                for f in faces { print("  x=\(f.x) y=\(f.y) width=\(f.width) height=\(f.height) score=\(f.score)") }
            }
        }
        if answers.contains(where: { $0.error != nil }) { throw ExitCode(1) }
    }
}
