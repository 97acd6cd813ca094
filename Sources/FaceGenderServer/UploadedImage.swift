import Foundation
import MultipartKit
import NIOCore

/// Gets the photo bytes out of a request: the `image` field of a multipart/form-data body, or a raw
/// `image/*` (or octet-stream) body. Everything else is a 400 or 415 problem.
enum UploadedImage {
    static func extract(body: ByteBuffer, contentType: String?) throws -> Data {
        guard let contentType, !contentType.isEmpty else {
            throw Problem(kind: "unsupported-media-type", title: "Missing Content-Type", status: .unsupportedMediaType,
                          detail: "send the photo as multipart/form-data (field \"image\") or as a raw image/* body")
        }
        let mediaType = contentType.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
        if mediaType == "multipart/form-data" { return try imageField(body: body, contentType: contentType) }
        if mediaType.hasPrefix("image/") || mediaType == "application/octet-stream" {
            return Data(body.readableBytesView)
        }
        throw Problem(kind: "unsupported-media-type", title: "Unsupported Content-Type", status: .unsupportedMediaType,
                      detail: "Content-Type \(mediaType) is not accepted; send multipart/form-data (field \"image\") or image/jpeg, image/png, image/webp")
    }

    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func imageField(body: ByteBuffer, contentType: String) throws -> Data {
        guard let boundary = boundary(contentType), !boundary.isEmpty, boundary.count <= 200 else {
            throw Problem.badRequest("multipart/form-data needs a boundary parameter")
        }
        let parser = MultipartParser(boundary: boundary)
        var headers: [String: String] = [:]
        var current = Data()
        var image: Data?
        var fieldNames: [String] = []
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in current.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            let name = fieldName(headers["content-disposition"])
            fieldNames.append(name ?? "?")
            if name == "image" && image == nil { image = current }
            headers = [:]
            current = Data()
        }
        // The parser matches boundaries as CRLF--boundary; a body starting with --boundary needs the CRLF.
        var framed = ByteBuffer(string: "\r\n")
        var copy = body
        framed.writeBuffer(&copy)
        do { try parser.execute(framed) } catch {
            throw Problem.badRequest("the multipart/form-data body is malformed")
        }
        guard let image else {
            throw Problem.badRequest("the form has no \"image\" field (fields sent: \(fieldNames.joined(separator: ", ")))")
        }
        return image
    }

    /// `form-data; name="image"; filename="a.jpg"` -> "image".
    static func fieldName(_ disposition: String?) -> String? {
        guard let disposition else { return nil }
        for parameter in disposition.split(separator: ";") {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "name" { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }
}
