import FaceGenderModel
import Foundation
import HTTPTypes
import Hummingbird
import Ink
import Logging
import NIOCore

/// Builds the whole web application around a predictor; `facegender serve` and the tests both call it.
public func buildApplication(config: ServerConfig, predictor: any FacePredictor, metrics: ServerMetrics = ServerMetrics(),
                             logger: Logger = Logger(label: "facegender")) -> some ApplicationProtocol {
    let router = buildRouter(config: config, predictor: predictor, metrics: metrics)
    let idle = TimeAmount.nanoseconds(Int64(config.idleTimeoutSeconds * 1e9))
    return Application(router: router, server: .http1(configuration: .init(idleTimeout: idle)),
                       configuration: .init(address: .hostname(config.host, port: config.port), serverName: "FaceGender"),
                       logger: logger)
}

public func buildRouter(config: ServerConfig, predictor: any FacePredictor, metrics: ServerMetrics) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    let info = predictor.modelInfo
    let indexPage = Pages.index(info: info)
    let aboutPage = Pages.about(info: info, cardHTML: config.modelCard.map { MarkdownParser().html(from: $0.markdown) })

    router.get("/") { _, _ in Pages.html(indexPage) }
    router.get("/about") { _, _ in Pages.html(aboutPage) }
    router.get("/static/style.css") { _, _ in text(StaticAssets.css, type: "text/css; charset=utf-8", cache: true) }
    router.get("/static/app.js") { _, _ in text(StaticAssets.js, type: "text/javascript; charset=utf-8", cache: true) }
    router.get("/openapi.yaml") { _, _ in text(OpenAPIDocument.yaml, type: "application/yaml; charset=utf-8") }
    router.get("/healthz") { _, _ in text("{\"status\":\"ok\"}", type: "application/json") }
    router.get("/readyz") { _, _ in
        // Unready while shedding load, so that a balancer sends new work elsewhere until the queue drains.
        predictor.isShedding
            ? text("{\"model\":\"\(info.name) \(info.version)\",\"status\":\"shedding\"}", type: "application/json", status: .serviceUnavailable)
            : text("{\"model\":\"\(info.name) \(info.version)\",\"status\":\"ready\"}", type: "application/json")
    }
    router.get("/metrics") { _, _ in text(metrics.exposition(), type: "text/plain; version=0.0.4; charset=utf-8") }
    PredictController<BasicRequestContext>(predictor: predictor, config: config, metrics: metrics).addRoutes(to: router)
    return router
}

private func text(_ body: String, type: String, cache: Bool = false, status: HTTPResponse.Status = .ok) -> Response {
    var headers: HTTPFields = [.contentType: type]
    if cache { headers[.cacheControl] = "public, max-age=3600" }
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
}

/// Counts requests and their latency by route and status; unknown paths share one label so that
/// scanners cannot blow up the label set.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    static var knownRoutes: Set<String> { ["/", "/about", "/api/v1/predict", "/openapi.yaml", "/healthz", "/readyz", "/metrics", "/static/style.css", "/static/app.js"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now()
        let route = Self.knownRoutes.contains(request.uri.path) ? request.uri.path : "other"
        do {
            let response = try await next(request, context)
            metrics.request(route: route, status: response.status.code, seconds: InferencePool.seconds(since: start))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(route: route, status: status, seconds: InferencePool.seconds(since: start))
            throw error
        }
    }
}
