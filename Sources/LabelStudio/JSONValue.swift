/// A JSON value, for task data whose keys are chosen at run time.
public enum JSONValue: Sendable, Equatable, Codable {
  case string(String)
  case number(Double)
  case integer(Int)
  case bool(Bool)
  case object([String: JSONValue])
  case array([JSONValue])
  case null

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .string(let s): try container.encode(s)
    case .number(let d): try container.encode(d)
    case .integer(let i): try container.encode(i)
    case .bool(let b): try container.encode(b)
    case .object(let o): try container.encode(o)
    case .array(let a): try container.encode(a)
    case .null: try container.encodeNil()
    }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let b = try? container.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? container.decode(Int.self) {
      self = .integer(i)
    } else if let d = try? container.decode(Double.self) {
      self = .number(d)
    } else if let s = try? container.decode(String.self) {
      self = .string(s)
    } else if let a = try? container.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }
}

/// One Label Studio task as the import endpoint takes it: `data` holds what
/// the config's `$variables` name; `meta` is kept with the task, unshown.
public struct LabelStudioTask: Sendable, Equatable, Codable {
  public var data: [String: JSONValue]
  public var meta: [String: JSONValue]

  public init(data: [String: JSONValue], meta: [String: JSONValue] = [:]) {
    self.data = data
    self.meta = meta
  }
}
