import FaceGenderServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A client that starts an upload and then goes silent must not hold its connection for ever.
@Suite struct StalledClientTests {
    /// Connects to 127.0.0.1:port, sends `bytes`, then waits up to `seconds` for the server to close the connection.
    func closedByServer(port: Int, sending bytes: String, within seconds: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        _ = bytes.withCString { send(fd, $0, strlen($0), 0) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return true }       // orderly close by the server
            if n < 0 { return errno == ECONNRESET }  // timed out (still open) or reset
        }
    }

    @Test func stalledUploadIsClosedAfterTheIdleTimeout() async throws {
        var config = ServerConfig()
        config.port = 0
        config.idleTimeoutSeconds = 1
        let app = buildApplication(config: config, predictor: try tinyPool())
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Headers promise 100,000 bytes of body; only 10 arrive.
            let partial = "POST /api/v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n0123456789"
            let closed = await Task.detached { closedByServer(port: port, sending: partial, within: 10) }.value
            #expect(closed, "the server kept a stalled connection open for 10 s with a 1 s idle timeout")
        }
    }
}
