import Foundation

public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case truncated(path: String)
    case malformedHeader(path: String, reason: String)
    case unsupportedDType(name: String, dtype: String)
    case missingTensor(name: String)
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read model file \(path): \(reason)"
        case let .truncated(path): return "model file \(path) is truncated (shorter than its header says); re-copy or re-train it"
        case let .malformedHeader(path, reason): return "model file \(path) is not a valid .safetensors file: \(reason)"
        case let .unsupportedDType(name, dtype): return "tensor \(name) has dtype \(dtype); only F32 is supported"
        case let .missingTensor(name): return "model file lacks tensor \(name): it was saved from a different architecture"
        case let .shapeMismatch(name, expected, found):
            return "tensor \(name) has shape \(found) but the architecture needs \(expected)"
        case let .unwritable(path, reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// The .safetensors format (Hugging Face): 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range, an optional string-to-string `__metadata__`, then raw data.
public struct SafeTensorsFile {
    public var tensors: [String: (shape: [Int], values: [Float])]
    public var metadata: [String: String]

    public init(tensors: [String: (shape: [Int], values: [Float])] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    public func encoded() throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            let bytes = t.values.count * 4
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data starts 8-byte aligned, as the reference implementation does.
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for name in names {
            tensors[name]!.values.withUnsafeBufferPointer { buf in
                buf.withMemoryRebound(to: UInt32.self) { words in
                    for w in words { withUnsafeBytes(of: w.littleEndian) { out.append(contentsOf: $0) } }
                }
            }
        }
        return out
    }

    /// Writes atomically: a temporary file in the same folder, then rename, so a crash never leaves a half file.
    public func write(to path: String) throws {
        let data = try encoded()
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SafeTensorsError.unwritable(path: path, reason: error.localizedDescription)
        }
    }

    public static func read(from path: String) throws -> SafeTensorsFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SafeTensorsError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data, path: path)
    }

    public static func decode(_ data: Data, path: String = "<memory>") throws -> SafeTensorsFile {
        guard data.count >= 8 else { throw SafeTensorsError.truncated(path: path) }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else { throw SafeTensorsError.truncated(path: path) }
        let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
        guard let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any] else {
            throw SafeTensorsError.malformedHeader(path: path, reason: "header is not a JSON object")
        }
        let body = data.subdata(in: (8 + Int(headerLength))..<data.count)
        var file = SafeTensorsFile()
        for (name, value) in header {
            if name == "__metadata__" {
                guard let meta = value as? [String: String] else {
                    throw SafeTensorsError.malformedHeader(path: path, reason: "__metadata__ must map strings to strings")
                }
                file.metadata = meta
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw SafeTensorsError.malformedHeader(path: path, reason: "entry \(name) lacks dtype, shape or data_offsets") }
            guard dtype == "F32" else { throw SafeTensorsError.unsupportedDType(name: name, dtype: dtype) }
            let (begin, end) = (offsets[0], offsets[1])
            guard shape.allSatisfy({ $0 >= 0 }), begin >= 0, begin <= end,
                  end - begin == shape.reduce(1, *) * 4
            else { throw SafeTensorsError.malformedHeader(path: path, reason: "entry \(name) has inconsistent shape and offsets") }
            guard end <= body.count else { throw SafeTensorsError.truncated(path: path) }
            var values = [Float](repeating: 0, count: (end - begin) / 4)
            values.withUnsafeMutableBytes { dst in
                body.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[begin..<end])) }
            }
            #if _endian(big)
            values = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
            #endif
            file.tensors[name] = (shape, values)
        }
        return file
    }
}
