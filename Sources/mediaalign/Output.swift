import AlignKit
import Foundation

/// Pretty, key-sorted JSON with snake_case keys, as docs/formats.md fixes.
func encodeJSON<T: Encodable>(_ value: T) throws -> String {
  String(decoding: try jsonData(value), as: UTF8.self)
}

/// One line on stderr: `mediaalign: error: <message>`.
func printError(_ message: String) {
  FileHandle.standardError.write(Data("mediaalign: error: \(message)\n".utf8))
}

/// One line on stderr: `mediaalign: note: <message>` (what was inferred).
func printNote(_ message: String) {
  FileHandle.standardError.write(Data("mediaalign: note: \(message)\n".utf8))
}

/// One line on stderr: `mediaalign: warning: <message>`.
func printWarning(_ message: String) {
  FileHandle.standardError.write(Data("mediaalign: warning: \(message)\n".utf8))
}
