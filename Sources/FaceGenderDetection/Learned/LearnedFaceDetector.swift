import FaceGenderEngine
import FaceGenderImaging
import Foundation

/// What a detector model file says about itself besides its weights (metadata key `facegender.detector`).
public struct DetectorInfo: Codable, Equatable, Sendable {
    public var name: String
    public var version: String
    public var spec: DetectorSpec
    public var input: DetectorInput
    /// Faces scoring below this are not reported.
    public var scoreThreshold: Double
    /// Non-maximum suppression drops a box overlapping a better one by more than this IoU.
    public var nmsIoU: Double
    /// Measured numbers (recall, precision, ...), for the model card.
    public var metrics: [String: Double]
    public var trainedAt: String

    public init(name: String, version: String, spec: DetectorSpec, input: DetectorInput = DetectorInput(),
                scoreThreshold: Double = 0.5, nmsIoU: Double = 0.4, metrics: [String: Double] = [:], trainedAt: String = "") {
        self.name = name; self.version = version; self.spec = spec; self.input = input
        self.scoreThreshold = scoreThreshold; self.nmsIoU = nmsIoU; self.metrics = metrics; self.trainedAt = trainedAt
    }

    static let key = "facegender.detector"
}

public enum DetectorFileError: Error, CustomStringConvertible {
    case notFound(searched: [String])
    case notADetector(path: String)
    case badInfo(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notFound(searched):
            return "no face detector found (looked at \(searched.joined(separator: ", "))); pass --detector PATH, or run `make detector`"
        case let .notADetector(path): return "\(path) has no facegender.detector metadata: it is not a FaceGender face detector"
        case let .badInfo(path, reason): return "\(path) has unreadable facegender.detector metadata: \(reason)"
        }
    }
}

/// The learned face detector (`DetectorNetwork`): boxes with five landmarks, at any photo size and any number of
/// faces, frame-filling ones included (`LargeFacePass`). Safe to call from several threads: each call takes a
/// network of its own from a small pool.
public final class LearnedFaceDetector: FaceDetector, @unchecked Sendable {
    public let info: DetectorInfo
    /// How photos are scaled for the network (the model's own unless the caller chose another long side).
    public let input: DetectorInput
    public let minFaceSize: Int
    /// Faces scoring below this are not reported (the model's own threshold unless the caller chose another).
    public let scoreThreshold: Double
    private let tensors: [String: (shape: [Int], values: [Float])]
    private let lock = NSLock()
    /// Networks not in use, each with its input tensor (kept, so that a call does not allocate and fault in a new one).
    private var idle: [(network: DetectorNetwork, input: Tensor)] = []

    public init(info: DetectorInfo, tensors: [String: (shape: [Int], values: [Float])], minFaceSize: Int = 20,
                scoreThreshold: Double? = nil, longSide: Int? = nil) throws {
        self.info = info; self.tensors = tensors; self.minFaceSize = minFaceSize
        var input = info.input
        if let longSide { input.longSide = longSide }
        self.input = input
        self.scoreThreshold = scoreThreshold ?? info.scoreThreshold
        // The first network checks the file's tensors against the architecture; later ones copy them unchecked.
        let network = DetectorNetwork(spec: info.spec, seed: 0, parallelism: Parallelism(workers: 1))
        try ModelFile.assign(tensors, to: network.namedTensors)
        idle = [(network, Tensor(shape: [0]))]
    }

    /// Reads a detector model file.
    public convenience init(contentsOf path: String, minFaceSize: Int = 20, scoreThreshold: Double? = nil, longSide: Int? = nil) throws {
        let file = try SafeTensorsFile.read(from: path)
        guard let json = file.metadata[DetectorInfo.key] else { throw DetectorFileError.notADetector(path: path) }
        let info: DetectorInfo
        do { info = try JSONDecoder().decode(DetectorInfo.self, from: Data(json.utf8)) } catch {
            throw DetectorFileError.badInfo(path: path, reason: "\(error)")
        }
        try self.init(info: info, tensors: file.tensors, minFaceSize: minFaceSize, scoreThreshold: scoreThreshold, longSide: longSide)
    }

    public static func save(_ network: DetectorNetwork, info: DetectorInfo, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var file = SafeTensorsFile(metadata: [DetectorInfo.key: String(decoding: try encoder.encode(info), as: UTF8.self)])
        for t in network.namedTensors { file.tensors[t.name] = (t.tensor.shape, t.tensor.array) }
        try file.write(to: path)
    }

    /// A network with the file's weights (checked against the architecture in `init`).
    private func makeNetwork() -> DetectorNetwork {
        let network = DetectorNetwork(spec: info.spec, seed: 0, parallelism: Parallelism(workers: 1))
        for t in network.namedTensors {
            tensors[t.name]!.values.withUnsafeBufferPointer { t.tensor.data.update(from: $0.baseAddress!, count: t.tensor.count) }
        }
        return network
    }

    public var settings: String {
        "learned|\(info.name)|\(info.version)|\(input.longSide)|\(scoreThreshold)|\(info.nmsIoU)|\(minFaceSize)|\(LargeFacePass.standard)"
    }

    public func detect(in image: RGBImage) -> [FaceBox] {
        let worker = checkOut()
        defer { checkIn(worker) }
        return Self.faces(in: image, network: worker.network, input: input, threshold: scoreThreshold, nmsIoU: info.nmsIoU,
                          largeFaces: .standard, batch: worker.input)
            .filter { max($0.width, $0.height) >= Double(minFaceSize) }
            .sorted { $0.area > $1.area }
    }

    /// The faces `network` finds in `image`, in the photo's pixels: the input path, decoding from `threshold`, NMS,
    /// and the large-face pass when given. Training validates through it, so it measures what use will get.
    /// `batch` holds the network's input.
    public static func faces(in image: RGBImage, network: DetectorNetwork, input: DetectorInput, threshold: Double,
                             nmsIoU: Double, largeFaces: LargeFacePass? = nil, batch: Tensor = Tensor(shape: [0])) -> [FaceBox] {
        let (scaled, scale) = input.scaled(image)
        var faces = facesInScaled(scaled, network: network, input: input, threshold: threshold, nmsIoU: nmsIoU, batch: batch)
        if let largeFaces {
            let small = Resampler.blockMean(scaled, factor: largeFaces.factor)
            let back = Double(scaled.width) / Double(small.width)
            let large = facesInScaled(small, network: network, input: input, threshold: threshold, nmsIoU: nmsIoU, batch: batch)
                .map { $0.scaled(by: back) }
                .filter { max($0.width, $0.height) >= largeFaces.minimumSide }
            if !large.isEmpty { faces = DetectorCoding.suppress(faces + large, iou: nmsIoU) }
        }
        return faces.map { $0.scaled(by: 1 / scale) }
    }

    /// The faces in an image already scaled for the network, in its pixels.
    private static func facesInScaled(_ scaled: RGBImage, network: DetectorNetwork, input: DetectorInput, threshold: Double,
                                      nmsIoU: Double, batch: Tensor) -> [FaceBox] {
        batch.resize([1, 3, DetectorInput.padded(scaled.height), DetectorInput.padded(scaled.width)])
        input.write(scaled, into: batch, index: 0)
        let output = network.forward(batch, mode: .inference)
        let faces = decode(output, index: 0, height: batch.shape[2], width: batch.shape[3], threshold: threshold)
        return DetectorCoding.suppress(faces, iou: nmsIoU)
    }

    /// Every position of sample `index` of a [N, 15, P] output scoring at least `threshold`, as a face in input pixels.
    public static func decode(_ output: Tensor, index: Int, height: Int, width: Int, threshold: Double) -> [FaceBox] {
        let k = DetectorSpec.outputsPerPosition, total = output.shape[2]
        let base = output.data + index * k * total
        let logit = Float(log(threshold / (1 - threshold)))
        var faces: [FaceBox] = []
        var offset = 0
        for (stride, level) in zip(DetectorSpec.strides, DetectorNetwork.positions(height: height, width: width)) {
            for gy in 0..<level.height {
                for gx in 0..<level.width {
                    let p = offset + gy * level.width + gx
                    guard base[p] >= logit else { continue }
                    faces.append(DetectorCoding.decode({ base[$0 * total + p] }, centre: DetectorCoding.centre(gx: gx, gy: gy, stride: stride),
                                                       stride: stride))
                }
            }
            offset += level.height * level.width
        }
        return faces
    }

    private func checkOut() -> (network: DetectorNetwork, input: Tensor) {
        lock.lock()
        if let worker = idle.popLast() { lock.unlock(); return worker }
        lock.unlock()
        return (makeNetwork(), Tensor(shape: [0]))
    }

    private func checkIn(_ worker: (network: DetectorNetwork, input: Tensor)) {
        lock.lock(); idle.append(worker); lock.unlock()
    }
}

extension FaceBox {
    /// The box and its landmarks with every coordinate multiplied by `factor`.
    public func scaled(by factor: Double) -> FaceBox {
        FaceBox(x: x * factor, y: y * factor, width: width * factor, height: height * factor, score: score,
                landmarks: landmarks?.map { FaceLandmarks.Point(x: $0.x * factor, y: $0.y * factor) })
    }
}
