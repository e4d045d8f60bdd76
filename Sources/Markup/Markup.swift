/// Escaping shared by the generated HTML, XML and URLs (Label Studio files,
/// reports): text from inputs never becomes markup.
public enum Markup {
  /// Text for XML/HTML element content or a quoted attribute value:
  /// `& < > " '` become entities.
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text.unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(c)
      }
    }
    return out
  }

  /// Percent-encodes everything but RFC 3986's unreserved characters (and `/`
  /// when `keepingSlash`): a path as a URL path or a query value.
  public static func percentEncode(_ text: String, keepingSlash: Bool = true) -> String {
    var out = ""
    for byte in text.utf8 {
      let unreserved =
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
        || byte == UInt8(ascii: "~")
      if unreserved || (keepingSlash && byte == UInt8(ascii: "/")) {
        out.unicodeScalars.append(UnicodeScalar(byte))
      } else {
        let hex = String(byte, radix: 16, uppercase: true)
        out += "%" + (hex.count == 1 ? "0" + hex : hex)
      }
    }
    return out
  }
}
