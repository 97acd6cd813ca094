import TestSupport
import FaceGenderDetection
import FaceGenderImaging
import FaceGenderServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

@Suite struct APITests {
    func app(config: ServerConfig = ServerConfig(), predictor: (any FacePredictor)? = nil) throws -> some ApplicationProtocol {
        buildApplication(config: config, predictor: try predictor ?? tinyPool(limits: config.decodeLimits))
    }

    func json(_ buffer: ByteBuffer?) -> [String: Any] {
        guard let buffer else { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// The OpenAPI document as served, parsed.
    func openAPI(_ client: some TestClientProtocol) async throws -> [String: Any] {
        let response = try await client.execute(uri: "/openapi.yaml", method: .get)
        #expect(response.status == .ok)
        return try Yams.load(yaml: String(buffer: response.body)) as? [String: Any] ?? [:]
    }

    func validator(_ document: [String: Any]) -> SchemaValidator {
        SchemaValidator(components: (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:])
    }

    func expectConforms(_ body: ByteBuffer?, to schema: String, _ document: [String: Any]) {
        guard let body, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView)) else {
            Issue.record("response body is not JSON")
            return
        }
        let errors = validator(document).errors(value, ["$ref": "#/components/schemas/\(schema)"])
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func predictMultipartConformsToOpenAPI() async throws {
        let (body, type) = multipart(field: "image", filename: "face.jpg", bytes: try facePhoto())
        try await app().test(.router) { client in
            let document = try await openAPI(client)
            #expect(document["openapi"] as? String == "3.1.0")
            let response = try await client.execute(uri: "/api/v1/predict", method: .post, headers: [.contentType: type], body: ByteBuffer(data: body))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            expectConforms(response.body, to: "PredictResponse", document)
            let faces = json(response.body)["faces"] as? [[String: Any]] ?? []
            #expect(faces.count == 1)
            let probabilities = faces.first?["probabilities"] as? [String: Double] ?? [:]
            #expect(abs(probabilities.values.reduce(0, +) - 1) < 1e-3)
        }
    }

    /// A detector that finds landmarks puts them in the answer, as the OpenAPI document describes.
    @Test func landmarksConformToOpenAPI() async throws {
        let landmarks = FaceLandmarks([70, 80, 110, 81, 90, 100, 75, 120, 105, 121])
        let pool = try tinyPool(detector: FixedFaces(faces: [FaceBox(x: 50, y: 50, width: 80, height: 90, score: 0.9, landmarks: landmarks)]))
        try await app(predictor: pool).test(.router) { client in
            let document = try await openAPI(client)
            let response = try await client.execute(uri: "/api/v1/predict", method: .post, headers: [.contentType: "image/jpeg"],
                                                    body: ByteBuffer(data: try facePhoto()))
            #expect(response.status == .ok)
            expectConforms(response.body, to: "PredictResponse", document)
            let face = (json(response.body)["faces"] as? [[String: Any]] ?? []).first ?? [:]
            let eye = (face["landmarks"] as? [String: Any])?["right_eye"] as? [String: Double]
            #expect(eye == ["x": 110, "y": 81])
        }
    }

    /// A large JPEG is decoded at a reduced scale; boxes and landmarks come back in the photo's own pixels.
    @Test func largePhotosAreAnsweredInTheirOwnPixels() async throws {
        let landmarks = FaceLandmarks([70, 80, 110, 81, 90, 100, 75, 120, 105, 121])
        let pool = try tinyPool(detector: FixedFaces(faces: [FaceBox(x: 50, y: 50, width: 80, height: 90, score: 0.9, landmarks: landmarks)]))
        let photo = try JPEGEncoder.encode(Resampler.resize(try ImageDecoder().decode(try facePhoto()), width: 2800, height: 2100))
        try await app(config: ServerConfig(), predictor: pool).test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/predict", method: .post, headers: [.contentType: "image/jpeg"],
                                                    body: ByteBuffer(data: photo))
            #expect(response.status == .ok)
            let answer = json(response.body)
            #expect(answer["image"] as? [String: Int] == ["width": 2800, "height": 2100])
            // Decoded at half size (1400 px, at least 1280): the detector's box doubled.
            let face = (answer["faces"] as? [[String: Any]] ?? []).first ?? [:]
            #expect(face["box"] as? [String: Int] == ["x": 100, "y": 100, "width": 160, "height": 180], "\(face)")
            #expect((face["landmarks"] as? [String: Any])?["right_eye"] as? [String: Double] == ["x": 220, "y": 162])
        }
    }

    @Test func predictRawImageBody() async throws {
        try await app().test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/predict", method: .post, headers: [.contentType: "image/jpeg"],
                                                    body: ByteBuffer(data: try facePhoto()))
            #expect(response.status == .ok)
            #expect((json(response.body)["image"] as? [String: Int])?["width"] == 200)
        }
    }

    /// Every error status, each with a problem+json body that conforms to the Problem schema.
    @Test func errorStatusesAreProblems() async throws {
        var config = ServerConfig()
        config.maxBodyBytes = 60_000
        let blank = try JPEGEncoder.encode(RGBImage(width: 320, height: 240, fill: (120, 120, 120)))
        let gif = Data("GIF89a".utf8) + Data(repeating: 0, count: 40)
        let cases: [(String, HTTPFields, Data, HTTPResponse.Status, String)] = [
            ("not an image", [.contentType: "image/jpeg"], Data("hello, not a photo".utf8), .unprocessableContent, "not-decodable"),
            ("empty", [.contentType: "image/png"], Data(), .unprocessableContent, "not-decodable"),
            ("gif", [.contentType: "image/gif"], gif, .unsupportedMediaType, "unsupported-format"),
            ("no face", [.contentType: "image/jpeg"], blank, .unprocessableContent, "no-face"),
            ("wrong content type", [.contentType: "text/plain"], Data("x".utf8), .unsupportedMediaType, "unsupported-media-type"),
            ("no content type", [:], Data("x".utf8), .unsupportedMediaType, "unsupported-media-type"),
            ("too large", [.contentType: "image/jpeg"], Data(repeating: 0xFF, count: 70_000), .contentTooLarge, "too-large"),
            ("multipart without image", [.contentType: "multipart/form-data; boundary=b1"],
             Data("--b1\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nabc\r\n--b1--\r\n".utf8), .badRequest, "bad-request"),
            ("multipart without boundary", [.contentType: "multipart/form-data"], Data("x".utf8), .badRequest, "bad-request"),
        ]
        try await app(config: config).test(.router) { client in
            let document = try await openAPI(client)
            for (name, headers, body, status, kind) in cases {
                let response = try await client.execute(uri: "/api/v1/predict", method: .post, headers: headers, body: ByteBuffer(data: body))
                #expect(response.status == status, "\(name)")
                #expect(response.headers[.contentType] == "application/problem+json", "\(name)")
                #expect((json(response.body)["type"] as? String)?.hasSuffix("/" + kind) == true, "\(name): \(String(buffer: response.body))")
                expectConforms(response.body, to: "Problem", document)
            }
        }
    }

    @Test func tooManyPixelsIsRefusedBeforeDecoding() async throws {
        var config = ServerConfig()
        config.maxPixels = 10_000
        try await app(config: config).test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/predict", method: .post, headers: [.contentType: "image/jpeg"],
                                                    body: ByteBuffer(data: try facePhoto()))
            #expect(response.status == .contentTooLarge)
            #expect((json(response.body)["detail"] as? String)?.contains("200x200") == true)
        }
    }

    struct BusyPredictor: FacePredictor {
        let modelInfo: FaceGenderModel.ModelInfo
        func analyze(_ bytes: Data) async throws -> ImageAnalysis { throw PredictorError.busy(retryAfterSeconds: 3) }
    }

    @Test func busyIs503WithRetryAfter() async throws {
        let busy = BusyPredictor(modelInfo: try tinyPool().modelInfo)
        try await app(predictor: busy).test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/predict", method: .post, headers: [.contentType: "image/jpeg"],
                                                    body: ByteBuffer(data: try facePhoto()))
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "3")
        }
    }

    @Test func queueBeyondLimitIsBusy() async throws {
        // One worker, no waiting room: of several simultaneous requests, some must be refused with busy.
        let pool = try tinyPool(workers: 1, maxQueued: 0)
        let photo = try facePhoto()
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 { group.addTask { (try? await pool.analyze(photo)) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.contains(true) && outcomes.contains(false))
    }

    /// Past its latency budget the pool refuses at once instead of queueing; /readyz says so while it sheds, and
    /// /metrics counts the refusals.
    @Test func overloadIsShedAtOnceAndReadyzSaysSo() async throws {
        var config = ServerConfig()
        config.admission.latencyBudgetSeconds = 1e-6
        let pool = try tinyPool(workers: 1, maxQueued: 8, latencyBudget: 1e-6)
        let photo = try facePhoto()
        _ = try await pool.analyze(photo)  // the pool learns how long a request takes
        try await app(config: config, predictor: pool).test(.router) { client in
            let document = try await openAPI(client)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<6 { group.addTask { (try? await pool.analyze(photo)) != nil } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.contains(true) && outcomes.contains(false))
            // One more refused request, then readiness at once (shedding lasts a second after the last refusal): keep
            // the worker busy and ask again until a request is refused.
            var refused = false, busy: Task<Void, Never>?
            for _ in 0..<20 where !refused {
                await busy?.value
                busy = Task { _ = try? await pool.analyze(photo) }
                try await Task.sleep(nanoseconds: 2_000_000)
                do { _ = try await pool.analyze(photo) } catch { refused = true }
            }
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(refused && ready.status == .serviceUnavailable)
            expectConforms(ready.body, to: "Health", document)
            await busy?.value
        }
    }

    /// A free worker is not enough: with a budget no second request can meet, only the request admitted into an idle
    /// server is answered, however many workers wait.
    @Test func admissionCountsEveryRequestAheadNotOnlyTheWorkerQueue() async throws {
        let slow = SlowFaces(faces: [FaceBox(x: 40, y: 40, width: 100, height: 100, score: 1)], seconds: 0.1)
        let pool = try tinyPool(workers: 4, maxQueued: 32, detector: slow, latencyBudget: 1e-6)
        let photo = try facePhoto()
        _ = try await pool.analyze(photo)  // the pool learns how long a request takes
        let answered = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 { group.addTask { (try? await pool.analyze(photo)) != nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(answered == 1)
    }

    /// Faces of concurrent requests go through the network together; every request still gets its own answers,
    /// the same as alone.
    @Test func batchedRequestsGetTheirOwnAnswers() async throws {
        let metrics = ServerMetrics()
        let pool = try tinyPool(workers: 2, maxQueued: 32, batchWaitSeconds: 0.05, metrics: metrics)
        let photos = try utkfacePhotos("Test", "Female", count: 4).map { try Data(contentsOf: $0) }
            + (try utkfacePhotos("Test", "Male", count: 4).map { try Data(contentsOf: $0) })
        var alone: [[Double]] = []
        for photo in photos { alone.append(try await pool.analyze(photo).faces.map(\.probability)) }
        let together = try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
            for (i, photo) in photos.enumerated() { group.addTask { (i, try await pool.analyze(photo).faces.map(\.probability)) } }
            return try await group.reduce(into: [Int: [Double]]()) { $0[$1.0] = $1.1 }
        }
        #expect(photos.indices.allSatisfy { together[$0] == alone[$0] } && Set(alone.map { $0.first ?? 0 }).count > 1)
        // Some pass held crops of more than one request.
        let text = metrics.exposition()
        func value(_ name: String) -> Double {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last!) } ?? 0
        }
        #expect(value("facegender_batch_size_sum") > value("facegender_batch_size_count"), "\(text)")
    }

    @Test func operationsEndpoints() async throws {
        try await app().test(.router) { client in
            let document = try await openAPI(client)
            for uri in ["/healthz", "/readyz"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok)
                expectConforms(response.body, to: "Health", document)
            }
            _ = try await client.execute(uri: "/api/v1/predict", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(string: "nope"))
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: metrics.body)
            #expect(text.contains("facegender_requests_total{route=\"/api/v1/predict\",status=\"422\"} 1"))
            #expect(text.contains("facegender_errors_total{kind=\"not-decodable\"} 1"))
            #expect(text.contains("facegender_request_duration_seconds_bucket"))
            let missing = try await client.execute(uri: "/nothing-here", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test func pageAndNoScriptForm() async throws {
        try await app().test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get)
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains("enctype=\"multipart/form-data\"") && html.contains("name=\"image\""))
            #expect(html.contains("<label for=\"image\""))
            for asset in ["/static/style.css", "/static/app.js", "/about"] {
                #expect(try await client.execute(uri: asset, method: .get).status == .ok, "\(asset)")
            }
            let (body, type) = multipart(field: "image", filename: "face.jpg", bytes: try facePhoto())
            let result = try await client.execute(uri: "/", method: .post, headers: [.contentType: type], body: ByteBuffer(data: body))
            let resultHTML = String(buffer: result.body)
            #expect(result.status == .ok && resultHTML.contains("class=\"box") && resultHTML.contains("data:image/jpeg;base64,"))
            let bad = try await client.execute(uri: "/", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(string: "nope"))
            #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("role=\"alert\""))
        }
    }
}

import FaceGenderModel
import NIOCore

extension ByteBuffer {
    init(data: Data) { self.init(bytes: data) }
}
