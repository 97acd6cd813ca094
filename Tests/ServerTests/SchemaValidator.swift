import Foundation

/// A JSON value that keeps booleans and numbers apart (JSONSerialization's NSNumber does not on Linux).
enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}

/// Checks a JSON value against the subset of JSON Schema that openapi.yaml uses: type, required,
/// properties, additionalProperties, items, minItems, minimum, maximum, enum and $ref.
struct SchemaValidator {
    let components: [String: Any]

    func errors(_ value: JSONValue, _ schema: [String: Any], path: String = "$") -> [String] {
        if let ref = schema["$ref"] as? String {
            let name = String(ref.split(separator: "/").last!)
            guard let target = components[name] as? [String: Any] else { return ["\(path): unknown $ref \(ref)"] }
            return errors(value, target, path: path)
        }
        var out: [String] = []
        if let type = schema["type"] as? String, !matches(value, type) { return ["\(path): expected \(type), got \(value)"] }
        if let allowed = schema["enum"] as? [String], case let .string(s) = value, !allowed.contains(s) { out.append("\(path): \(s) not in \(allowed)") }
        if case let .number(n) = value {
            if let min = number(schema["minimum"]), n < min { out.append("\(path): \(n) < \(min)") }
            if let max = number(schema["maximum"]), n > max { out.append("\(path): \(n) > \(max)") }
        }
        if case let .object(object) = value {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { out.append("\(path): missing \(key)") }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, child) in object {
                if let sub = properties[key] as? [String: Any] {
                    out += errors(child, sub, path: "\(path).\(key)")
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    out += errors(child, extra, path: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    out.append("\(path): unexpected property \(key)")
                }
            }
        }
        if case let .array(array) = value {
            if let min = schema["minItems"] as? Int, array.count < min { out.append("\(path): fewer than \(min) items") }
            if let items = schema["items"] as? [String: Any] {
                for (i, v) in array.enumerated() { out += errors(v, items, path: "\(path)[\(i)]") }
            }
        }
        return out
    }

    private func number(_ v: Any?) -> Double? { (v as? Double) ?? (v as? Int).map(Double.init) }

    private func matches(_ v: JSONValue, _ type: String) -> Bool {
        switch (type, v) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("number", .number): return true
        case let ("integer", .number(n)): return n == n.rounded()
        default: return false
        }
    }
}
