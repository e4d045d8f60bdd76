import Foundation

/// A fresh temporary directory, removed by `cleanUp()`.
public struct TemporaryDirectory: Sendable {
  public let url: URL

  public init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("mediaalign-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  /// Writes `text` (as UTF-8 bytes, exactly) to `name` and returns its path.
  public func write(_ name: String, _ text: String) throws -> String {
    let path = url.appendingPathComponent(name).path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  public func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// `../shared/bench/` beside the checkout, if it is there.
public let benchDirectory: URL? = {
  let url = TestPaths.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/bench")
  return FileManager.default.fileExists(atPath: url.appendingPathComponent("cases.json").path) ? url : nil
}()
