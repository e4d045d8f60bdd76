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
    return base + percentEncode(relative, keepingSlash: true)
  }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (and `/`).
func percentEncode(_ text: String, keepingSlash: Bool) -> String {
  var out = ""
  for byte in text.utf8 {
    let unreserved =
      (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
      || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    if unreserved || (keepingSlash && byte == UInt8(ascii: "/")) {
      out.unicodeScalars.append(UnicodeScalar(byte))
    } else {
      let hex = String(byte, radix: 16, uppercase: true)
      out += "%" + (hex.count == 1 ? "0" + hex : hex)
    }
  }
  return out
}
