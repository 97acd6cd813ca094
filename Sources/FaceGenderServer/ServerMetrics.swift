import CoreMetrics
import Foundation
import Prometheus

/// Prometheus metrics through swift-metrics, with an injected factory (no global bootstrap).
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
        ]
        self.factory = factory
    }

    public func request(route: String, status: Int, seconds: Double) {
        Counter(label: "facegender_requests_total", dimensions: [("route", route), ("status", String(status))], factory: factory).increment()
        Timer(label: "facegender_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    public func facesFound(_ count: Int) {
        Counter(label: "facegender_faces_total", factory: factory).increment(by: count)
    }

    public func error(kind: String) {
        Counter(label: "facegender_errors_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    /// A request refused by admission control (503).
    public func shed() {
        Counter(label: "facegender_shed_total", factory: factory).increment()
    }

    /// Requests waiting for a worker.
    public func queueLength(_ count: Int) {
        Gauge(label: "facegender_queue_length", factory: factory).record(count)
    }

    /// Face crops classified in one network pass.
    public func batchSize(_ crops: Int) {
        Recorder(label: "facegender_batch_size", aggregate: true, factory: factory).record(crops)
    }

    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
