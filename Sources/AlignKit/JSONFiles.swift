import Foundation

/// The JSON every command writes (docs/formats.md): snake_case keys, sorted,
/// pretty-printed, slashes unescaped.
public func jsonData<T: Encodable>(_ value: T) throws -> Data {
  let encoder = JSONEncoder()
  encoder.keyEncodingStrategy = .convertToSnakeCase
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  return try encoder.encode(value)
}

/// The matching decoder (snake_case keys).
func jsonDecoder() -> JSONDecoder {
  let decoder = JSONDecoder()
  decoder.keyDecodingStrategy = .convertFromSnakeCase
  return decoder
}

func isDirectory(_ path: String) -> Bool {
  var directory: ObjCBool = false
  return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
}

/// The result files named on a command line: a folder stands for the
/// `*.json` files directly in it, in name order (shard outputs merge so).
public func expandResultPaths(_ paths: [String]) -> [String] {
  paths.flatMap { path -> [String] in
    // An unreadable folder stays one path: reading it as a result then fails with its reason.
    guard isDirectory(path), let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
      return [path]
    }
    return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
      .map { (path as NSString).appendingPathComponent($0) }
  }
}
