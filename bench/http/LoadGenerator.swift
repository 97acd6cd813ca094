// A small HTTP load generator for the benchmark: blocking sockets, one connection per request, so that open-loop
// arrivals are never held back by a busy connection (wrk's closed loop cannot measure a server past saturation).
import Dispatch
import FaceGenderImaging
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One request's fate: the HTTP status (0: connection error or timeout), how long it took, and the Retry-After
/// seconds of a refusal.
struct Outcome { var status: Int; var milliseconds: Double; var retryAfter: Int? = nil }

struct LoadGenerator {
    let port: Int
    let path: String
    let body: Data
    let contentType: String
    var timeoutSeconds = 10.0

    /// POSTs the body once on a fresh connection and reads the status line and the rest of the answer.
    func post() -> Outcome {
        let start = DispatchTime.now()
        func done(_ status: Int) -> Outcome {
            Outcome(status: status, milliseconds: Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return done(0) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: Int(timeoutSeconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return done(0) }
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        guard sendAll(fd, Data(head.utf8) + body) else { return done(0) }
        var response = Data(), buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response.append(buffer, count: n)
        }
        // "HTTP/1.1 200 OK": the status is the second word.
        let statusLine = String(decoding: response.prefix(32), as: UTF8.self)
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var outcome = done(status)
        if status == 503, let head = String(data: response.prefix(2048), encoding: .isoLatin1),
           let line = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("retry-after:") }) {
            outcome.retryAfter = Int(line.dropFirst("retry-after:".count).trimmingCharacters(in: .whitespaces))
        }
        return outcome
    }

    private func sendAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
    }

    /// Requests arriving as a Poisson process of `rate` per second for `seconds`, each on its own thread whatever
    /// the server's state (open loop), answered or not.
    func openLoop(rate: Double, seconds: Double, seed: UInt64) -> [Outcome] {
        var generator = SplitMix64(seed: seed)
        let outcomes = Collector()
        let group = DispatchGroup()
        let start = DispatchTime.now()
        var next = 0.0
        while next < seconds {
            let wait = start.uptimeNanoseconds + UInt64(next * 1e9)
            let now = DispatchTime.now().uptimeNanoseconds
            if wait > now { usleep(UInt32((wait - now) / 1000)) }
            group.enter()
            Thread.detachNewThread {
                outcomes.add([post()])
                group.leave()
            }
            next += -log(max(generator.unit(), 1e-12)) / rate
        }
        group.wait()
        return outcomes.items
    }

    /// `connections` clients, each sending its next request as soon as the last is answered, for `seconds`.
    /// `retry`: what a connection does after a 503.
    func closedLoop(connections: Int, seconds: Double, retry: RetryBehaviour = .atOnce) -> [Outcome] {
        let outcomes = Collector()
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let group = DispatchGroup()
        for _ in 0..<connections {
            group.enter()
            Thread.detachNewThread {
                var mine: [Outcome] = []
                while DispatchTime.now().uptimeNanoseconds < end {
                    let outcome = post()
                    mine.append(outcome)
                    if retry == .afterRetryAfter, let wait = outcome.retryAfter {
                        let left = Double(end - min(end, DispatchTime.now().uptimeNanoseconds)) / 1e9
                        Thread.sleep(forTimeInterval: min(Double(wait), left))
                    }
                }
                outcomes.add(mine)
                group.leave()
            }
        }
        group.wait()
        return outcomes.items
    }
}

/// What a closed-loop connection does after a 503: send its next request at once (a client that ignores
/// Retry-After, the worst case for the server), or wait the Retry-After seconds first (a well-behaved client).
enum RetryBehaviour { case atOnce, afterRetryAfter }

/// Outcomes gathered from many threads.
final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [Outcome] = []
    func add(_ outcomes: [Outcome]) { lock.lock(); all += outcomes; lock.unlock() }
    var items: [Outcome] { lock.lock(); defer { lock.unlock() }; return all }
}

/// The numbers the benchmark reports of a run of requests.
struct LoadSummary {
    var requests: Int, answered: Int, shed: Int, errors: Int
    var p50: Double, p99: Double, seconds: Double

    init(_ outcomes: [Outcome], seconds: Double) {
        requests = outcomes.count
        let ok = outcomes.filter { $0.status == 200 }.map(\.milliseconds).sorted()
        answered = ok.count
        shed = outcomes.filter { $0.status == 503 }.count
        errors = outcomes.filter { $0.status != 200 && $0.status != 503 }.count
        p50 = ok.isEmpty ? -1 : ok[ok.count / 2]
        p99 = ok.isEmpty ? -1 : ok[min(ok.count - 1, Int(Double(ok.count) * 0.99))]
        self.seconds = seconds
    }

    var shedShare: Double { Double(shed) / Double(max(requests, 1)) }
    var answeredPerSecond: Double { Double(answered) / seconds }
}
