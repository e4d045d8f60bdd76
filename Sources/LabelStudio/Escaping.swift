import Markup

/// Escaping for the three contexts the generated files embed text in.
public enum Escape {
  /// Text for an XML/HTML attribute value or element content (`Markup.escape`).
  public static func attribute(_ text: String) -> String { Markup.escape(text) }

  /// A JavaScript string literal (single-quoted) holding `text`. Quotes,
  /// backslashes, line terminators, `<` and `>` (so `</script>` and `-->`
  /// cannot end an enclosing block) and `&` are escaped as `\uXXXX`.
  public static func javaScriptString(_ text: String) -> String {
    var out = "'"
    for c in text.unicodeScalars {
      switch c {
      case "\\": out += "\\\\"
      case "'": out += "\\'"
      case "\"", "<", ">", "&", "\u{2028}", "\u{2029}":
        out += unicodeEscape(c.value)
      default:
        if c.value < 0x20 || c.value == 0x7F { out += unicodeEscape(c.value) } else { out.unicodeScalars.append(c) }
      }
    }
    return out + "'"
  }

  /// A finite number as a JavaScript/JSON literal with full double precision.
  public static func number(_ value: Double) -> String {
    precondition(value.isFinite, "only finite numbers are embedded")
    return "\(value)"
  }

  private static func unicodeEscape(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: false)
    return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
}
