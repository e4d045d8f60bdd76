import Foundation
import Markup

enum Escape {
  /// Text for HTML element content or a quoted attribute.
  static func html(_ text: String) -> String { Markup.escape(text) }

  /// A path as a relative URL: each segment percent-encoded.
  static func urlPath(_ path: String) -> String { Markup.percentEncode(path) }

  /// Markdown table cell text: pipes and line breaks escaped, HTML neutralised.
  static func markdown(_ text: String) -> String {
    html(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }
}
