import Markup

/// Builds the URLs Label Studio loads media and CSVs from.
///
/// - A local-files prefix (`/data/local-files/?d=`, Label Studio's Local
///   Storage serving, the default) takes the file's path relative to the
///   folder Label Studio serves (`LOCAL_FILES_DOCUMENT_ROOT`), percent-encoded
///   as a query value with `/` kept.
/// - An http(s) base (or any other prefix) takes the relative path with each
///   segment percent-encoded.
public struct FileURLs: Sendable, Equatable {
  public var prefix: String
  /// The folder the prefix serves, absolute and without symbolic links.
  public var root: String

  public init(prefix: String, root: String) {
    self.prefix = prefix
    self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
  }

  public static let localFilesPrefix = "/data/local-files/?d="

  /// The prefix ends in a query parameter (`…?d=`): the path is a query value.
  public var isQuery: Bool { prefix.hasSuffix("=") }

  /// The prefix is served by Label Studio itself from the local disk.
  public var isLocal: Bool { prefix.hasPrefix("/") && prefix.contains("local-files") }

  public enum Failure: Error, Equatable, Sendable {
    case outsideRoot(path: String, root: String)
  }

  /// The path of `absolutePath` below `root`, or nil when it is outside.
  public func relativePath(_ absolutePath: String) -> String? {
    if root == "/" { return String(absolutePath.dropFirst()) }
    guard absolutePath.hasPrefix(root + "/") else { return nil }
    return String(absolutePath.dropFirst(root.count + 1))
  }

  /// The URL for a file (an absolute path without symbolic links).
  public func url(forFile absolutePath: String) throws(Failure) -> String {
    guard let relative = relativePath(absolutePath) else { throw .outsideRoot(path: absolutePath, root: root) }
    var base = prefix
    if !isQuery && !base.isEmpty && !base.hasSuffix("/") { base += "/" }
    return base + Markup.percentEncode(relative)
  }
}
