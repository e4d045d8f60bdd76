import Foundation

/// Pretty, key-sorted JSON with snake_case keys, as DESIGN §3 shows.
func encodeJSON<T: Encodable>(_ value: T) throws -> String {
  let encoder = JSONEncoder()
  encoder.keyEncodingStrategy = .convertToSnakeCase
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// One line on stderr: `mediaalign: error: <message>`.
func printError(_ message: String) {
  FileHandle.standardError.write(Data("mediaalign: error: \(message)\n".utf8))
}
