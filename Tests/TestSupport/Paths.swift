import Foundation

/// Locations shared by the test targets.
public enum TestPaths {
  /// The package root, found from this source file's location.
  public static let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url
  }()

  public static let testMedia = packageRoot.appendingPathComponent("TestMedia")

  public static func media(_ name: String) -> String {
    testMedia.appendingPathComponent(name).path
  }
}
