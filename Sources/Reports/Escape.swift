import Foundation
import Markup

enum Escape {
  /// Text for HTML element content or a quoted attribute.
  static func html(_ text: String) -> String { Markup.escape(text) }

  /// A path as a relative URL: each segment percent-encoded.
  static func urlPath(_ path: String) -> String { Markup.percentEncode(path) }

  /// Markdown table cell text that renders as the text itself: HTML
  /// neutralised (`html`), every character CommonMark or GFM could read as
  /// emphasis, code, a link, an image, a heading, a table cell or an escape
  /// backslash-escaped (backslash, backtick, `*`, `_`, `[`, `]`, `|`, `~`,
  /// `#`, `!`; a leading `>`, `+`, `-` or `=` is harmless inside a table
  /// cell), and control characters (line breaks included, which would end
  /// the row) shown as one space each.
  static func markdown(_ text: String) -> String {
    var out = ""
    for character in html(text) {
      if "\\`*_[]|~#!".contains(character) {
        out.append("\\")
        out.append(character)
      } else if character.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
        out.append(" ")
      } else {
        out.append(character)
      }
    }
    return out
  }
}
