/// Text from a file (a cell, a column name) made safe to echo in a one-line
/// message: control characters (C0, DEL, C1) and the bidirectional
/// overrides that reorder a terminal line become visible escapes (`\n`,
/// `\t`, `\r`, `\0`, `\u{1B}`), and text longer than `limit` characters
/// is cut, saying how long it was, so a 1.2 MB cell never makes a 1.2 MB
/// line and an escape sequence never reaches the terminal.
public enum MessageText {
  /// Characters of a cell kept in a message.
  public static let limit = 80

  public static func cell<S: StringProtocol>(_ text: S, limit: Int = MessageText.limit) -> String {
    var out = String.UnicodeScalarView()
    var kept = 0
    var total = 0
    for scalar in text.unicodeScalars {
      total += 1
      guard kept <= limit else { continue }
      let escaped = escape(scalar)
      out.append(contentsOf: escaped.unicodeScalars)
      kept += escaped.unicodeScalars.count
    }
    guard kept > limit else { return String(out) }
    return String(String.UnicodeScalarView(out.prefix(limit))) + "… (\(total) characters)"
  }

  private static func escape(_ scalar: Unicode.Scalar) -> String {
    switch scalar.value {
    case 0x0A: return "\\n"
    case 0x0D: return "\\r"
    case 0x09: return "\\t"
    case 0x00: return "\\0"
    case 0x01...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029:
      return "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    default: return String(scalar)
    }
  }
}
