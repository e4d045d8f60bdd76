import Foundation
import TimeSeries

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// What went wrong talking to a Label Studio server, with what it said.
public enum APIError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No answer: the server is not running there, or the URL is wrong.
  case unreachable(url: String, reason: String)
  /// The server answered an HTTP error; `message` is its own text.
  case refused(request: String, status: Int, message: String)
  /// An answer that is not what Label Studio 1.23 sends.
  case unexpected(request: String, what: String)
  case badURL(String)

  /// The HTTP status of a `.refused` request.
  public var status: Int? {
    if case .refused(_, let status, _) = self { return status }
    return nil
  }

  public var description: String {
    switch self {
    case .unreachable(let url, let reason):
      return "\(url): no answer from Label Studio (\(reason)); start it (label-studio start) or check --push"
    case .refused(let request, let status, let message):
      let advice =
        status == 401 || status == 403
        ? "; check the token (Label Studio: Account & Settings → Access Token)" : ""
      return "\(request): Label Studio said HTTP \(status): \(message)\(advice)"
    case .unexpected(let request, let what): return "\(request): unexpected answer from Label Studio: \(what)"
    case .badURL(let url):
      return "\(MessageText.cell(url)): not a server URL; give one like http://localhost:8080"
    }
  }
}

/// A Label Studio server's REST API (as Label Studio 1.23 documents it).
///
/// Authentication takes either kind of token Label Studio issues: a legacy
/// API token (sent as `Authorization: Token T`) or a personal access token
/// (a JWT refresh token, exchanged at `/api/token/refresh/` for an access
/// token sent as `Authorization: Bearer A`).
public struct LabelStudioAPI: Sendable {
  /// The server's base URL without a trailing `/`, e.g. `http://localhost:8080`.
  public let base: String
  private let authorization: String
  private let session: URLSession

  /// Connects and checks the token with one authenticated request.
  public init(base: String, token: String) async throws(APIError) {
    var base = base.trimmingCharacters(in: .whitespaces)
    while base.hasSuffix("/") { base.removeLast() }
    guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil
    else { throw .badURL(base) }
    self.base = base
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 120
    session = URLSession(configuration: configuration)
    let token = token.trimmingCharacters(in: .whitespacesAndNewlines)
    if token.split(separator: ".").count == 3 {
      let unauthenticated = LabelStudioAPI(base: base, authorization: nil, session: session)
      let answer = try await unauthenticated.call(
        "POST", "/api/token/refresh/", body: .object(["refresh": .string(token)]))
      guard let access = answer["access"]?.stringValue else {
        throw .unexpected(request: "POST /api/token/refresh/", what: "no access token")
      }
      authorization = "Bearer \(access)"
    } else {
      authorization = "Token \(token)"
    }
    _ = try await call("GET", "/api/projects/", query: ["page_size": "1"])
  }

  private init(base: String, authorization: String?, session: URLSession) {
    self.base = base
    self.authorization = authorization ?? ""
    self.session = session
  }

  /// One request; the answer's JSON (`.null` for an empty body). HTTP
  /// statuses outside 200–299 throw `.refused` with the server's message.
  public func call(
    _ method: String, _ path: String, query: [String: String] = [:], body: JSONValue? = nil,
    headers: [String: String] = [:]
  ) async throws(APIError) -> JSONValue {
    let (data, _) = try await send(method, path, query: query, body: body, headers: headers)
    guard !data.isEmpty else { return .null }
    do { return try JSONDecoder().decode(JSONValue.self, from: data) } catch {
      throw .unexpected(request: "\(method) \(path)", what: "not JSON (\(data.count) bytes)")
    }
  }

  /// One request; the raw body and status. HTTP statuses outside 200–299
  /// throw `.refused` with the server's message.
  public func send(
    _ method: String, _ path: String, query: [String: String] = [:], body: JSONValue? = nil,
    headers: [String: String] = [:]
  ) async throws(APIError) -> (Data, Int) {
    let (data, status) = try await exchange(method, path, query: query, body: body, headers: headers)
    guard (200..<300).contains(status) else {
      throw .refused(request: "\(method) \(path)", status: status, message: Self.message(data))
    }
    return (data, status)
  }

  /// Label Studio's `LOCAL_FILES_DOCUMENT_ROOT`, which no endpoint states:
  /// read from its own refusal of `/` as a Local Storage path ("must be a
  /// subdirectory of LOCAL_FILES_DOCUMENT_ROOT=\"R\"", or "cannot be the
  /// same as" when R is `/`). The check runs before the serving switch, so
  /// the root is learned even where `LOCAL_FILES_SERVING_ENABLED` is off;
  /// `project` is any project the token can see (the endpoint wants one).
  public func documentRoot(project: Int) async throws(APIError) -> String {
    let request = "POST /api/storages/localfiles/validate"
    let (data, status) = try await exchange(
      "POST", "/api/storages/localfiles/validate",
      body: .object(["project": .integer(project), "path": .string("/"), "use_blob_urls": .bool(false)]))
    let json = try? JSONDecoder().decode(JSONValue.self, from: data)  // not JSON: no root, said below
    let marker = "LOCAL_FILES_DOCUMENT_ROOT=\""
    guard status == 400, let text = json?.strings.first(where: { $0.contains(marker) }),
      let start = text.range(of: marker), let end = text[start.upperBound...].range(of: "\"")
    else {
      throw .unexpected(request: request, what: "HTTP \(status) without the document root: \(Self.message(data))")
    }
    let root = String(text[start.upperBound..<end.lowerBound])
    guard root.hasPrefix("/") else {
      throw .unexpected(request: request, what: "document root \(MessageText.cell(root))")
    }
    return root
  }

  /// One request; the raw body and status, whatever the status.
  private func exchange(
    _ method: String, _ path: String, query: [String: String] = [:], body: JSONValue? = nil,
    headers: [String: String] = [:]
  ) async throws(APIError) -> (Data, Int) {
    let request = "\(method) \(path)"
    guard var components = URLComponents(string: base + path) else { throw .badURL(base + path) }
    if !query.isEmpty {
      components.queryItems =
        (components.queryItems ?? [])
        + query.sorted { $0.key < $1.key }.map {
          URLQueryItem(name: $0.key, value: $0.value)
        }
    }
    guard let url = components.url else { throw .badURL(base + path) }
    var urlRequest = URLRequest(url: url)
    urlRequest.httpMethod = method
    if !authorization.isEmpty { urlRequest.setValue(authorization, forHTTPHeaderField: "Authorization") }
    for (name, value) in headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
    if let body {
      urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
      do { urlRequest.httpBody = try JSONEncoder().encode(body) } catch {
        throw .unexpected(request: request, what: "cannot encode the request (\(error))")
      }
    }
    let data: Data
    let response: URLResponse
    do { (data, response) = try await session.data(for: urlRequest) } catch {
      throw .unreachable(url: base, reason: error.localizedDescription)
    }
    guard let http = response as? HTTPURLResponse else { throw .unexpected(request: request, what: "not HTTP") }
    return (data, http.statusCode)
  }

  /// Label Studio's error text: `detail` and the `validation_errors`, or
  /// the body's start; each string escaped and cut at 400 characters (its
  /// messages run to about 300).
  static func message(_ data: Data) -> String {
    guard let json = try? JSONDecoder().decode(JSONValue.self, from: data), case .object(let fields) = json else {
      return MessageText.cell(String(decoding: data.prefix(300), as: UTF8.self))
    }
    var parts: [String] = []
    if let detail = fields["detail"]?.stringValue { parts.append(detail) }
    for key in ["validation_errors", "errors"] {
      if let errors = fields[key], errors != .null { parts.append(flatten(errors)) }
    }
    if parts.isEmpty { parts.append(flatten(json)) }
    return parts.joined(separator: ": ")
  }

  private static func flatten(_ value: JSONValue) -> String {
    switch value {
    case .string(let s): return MessageText.cell(s, limit: 400)
    case .array(let items): return items.map(flatten).joined(separator: "; ")
    case .object(let fields):
      return fields.sorted { $0.key < $1.key }.map { "\($0.key): \(flatten($0.value))" }.joined(separator: "; ")
    case .number(let d): return "\(d)"
    case .integer(let i): return "\(i)"
    case .bool(let b): return "\(b)"
    case .null: return "null"
    }
  }
}

extension JSONValue {
  /// The field `key` of an object; nil for other values.
  public subscript(key: String) -> JSONValue? {
    if case .object(let fields) = self { return fields[key] }
    return nil
  }

  public var intValue: Int? {
    switch self {
    case .integer(let i): return i
    case .number(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
    default: return nil
    }
  }

  /// Every string in the value, depth first.
  var strings: [String] {
    switch self {
    case .string(let s): return [s]
    case .array(let items): return items.flatMap(\.strings)
    case .object(let fields): return fields.sorted { $0.key < $1.key }.flatMap(\.value.strings)
    default: return []
    }
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let items) = self { return items }
    return nil
  }
}
