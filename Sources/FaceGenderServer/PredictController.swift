import Foundation
import HTTPTypes
import Hummingbird

/// POST /api/v1/predict (JSON) and POST / (the no-JavaScript form, answered with a result page).
struct PredictController<Context: RequestContext> {
    let predictor: any FacePredictor
    let config: ServerConfig
    let metrics: ServerMetrics

    func addRoutes(to router: Router<Context>) {
        router.post("/api/v1/predict") { request, _ in await apiPredict(request) }
        router.post("/") { request, _ in await formPredict(request) }
    }

    /// Reads the body (bounded) and runs the model; every failure becomes a Problem.
    func run(_ request: Request) async throws -> (ImageAnalysis, Data, Double) {
        let start = DispatchTime.now()
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > config.maxBodyBytes { throw BodyTooLarge() }
        var request = request
        let body = try await request.collectBody(upTo: config.maxBodyBytes)
        let bytes = try UploadedImage.extract(body: body, contentType: request.headers[.contentType])
        let analysis = try await predictor.analyze(bytes)
        metrics.facesFound(analysis.faces.count)
        let total = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        return (analysis, bytes, total)
    }

    func apiPredict(_ request: Request) async -> Response {
        do {
            let (analysis, _, total) = try await run(request)
            guard !analysis.faces.isEmpty else { throw PredictorError.noFace }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = try encoder.encode(PredictResponse(analysis, info: predictor.modelInfo, totalMilliseconds: total))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        } catch {
            return problem(error).response()
        }
    }

    func formPredict(_ request: Request) async -> Response {
        do {
            let (analysis, bytes, _) = try await run(request)
            return Pages.html(Pages.result(analysis, photo: bytes, info: predictor.modelInfo))
        } catch {
            let p = problem(error)
            var response = Pages.html(Pages.errorPage(p), status: HTTPResponse.Status(code: p.status))
            if let retry = p.retryAfter { response.headers[.retryAfter] = String(retry) }
            return response
        }
    }

    private func problem(_ error: any Error) -> Problem {
        let p = Problem.from(error, maxBodyBytes: config.maxBodyBytes)
        metrics.error(kind: p.kind)
        return p
    }
}
