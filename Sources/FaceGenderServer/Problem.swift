import FaceGenderImaging
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The declared Content-Length is over the limit: refused before reading the body.
struct BodyTooLarge: Error {}

/// An RFC 9457 problem: what went wrong, as `application/problem+json`, with the right status.
public struct Problem: Error, Codable, Sendable, Equatable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    /// Seconds to wait before retrying (503 only); sent as the Retry-After header too.
    public var retryAfter: Int?

    enum CodingKeys: String, CodingKey { case type, title, status, detail, retryAfter = "retry_after" }

    public init(kind: String, title: String, status: HTTPResponse.Status, detail: String, retryAfter: Int? = nil) {
        type = "https://facegender.invalid/problems/\(kind)"
        self.title = title
        self.status = status.code
        self.detail = detail
        self.retryAfter = retryAfter
    }

    /// The short kind at the end of `type`, used as a metrics label.
    public var kind: String { String(type.split(separator: "/").last ?? "error") }

    public static func badRequest(_ detail: String) -> Problem {
        Problem(kind: "bad-request", title: "Malformed request", status: .badRequest, detail: detail)
    }

    /// Maps decoding and prediction failures onto statuses: never a 500 for bad input.
    public static func from(_ error: any Error, maxBodyBytes: Int) -> Problem {
        switch error {
        case let p as Problem: return p
        case let e as ImageError:
            switch e {
            case .tooManyBytes:
                return Problem(kind: "too-large", title: "Photo too large", status: .contentTooLarge, detail: e.description)
            case .tooManyPixels:
                return Problem(kind: "too-many-pixels", title: "Photo has too many pixels", status: .contentTooLarge, detail: e.description)
            case .unsupportedFormat:
                return Problem(kind: "unsupported-format", title: "Unsupported image format", status: .unsupportedMediaType, detail: e.description)
            case .empty, .notAnImage, .corrupt, .unreadableFile:
                return Problem(kind: "not-decodable", title: "Photo could not be decoded", status: .unprocessableContent, detail: e.description)
            }
        case let e as PredictorError:
            switch e {
            case let .busy(seconds):
                return Problem(kind: "busy", title: "Server busy", status: .serviceUnavailable, detail: e.description, retryAfter: seconds)
            case .noFace:
                return Problem(kind: "no-face", title: "No face found", status: .unprocessableContent, detail: e.description)
            }
        case is NIOTooManyBytesError, is BodyTooLarge:
            return Problem(kind: "too-large", title: "Request too large", status: .contentTooLarge,
                           detail: "the request body is larger than the limit of \(maxBodyBytes) bytes; send a smaller photo")
        default:
            return Problem(kind: "internal", title: "Internal error", status: .internalServerError,
                           detail: "the server failed to process the request")
        }
    }

    public func response() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(self)) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
