import Foundation
import TestSupport
import Testing

@testable import TimeSeries

/// `parseDouble` takes Clinger's fast path where it is exact and `strtod`
/// elsewhere: its value must be `strtod`'s, bit for bit, on every decimal
/// form a CSV cell holds.
@Suite("number parsing")
struct NumberParsingTests {
  /// A random decimal: sign, 1–25 significant digits around an optional
  /// point, an optional exponent of −40…40 (so both the fast path's ±22
  /// and 19-digit limits are crossed).
  static func decimal(_ random: inout SplitMix64) -> String {
    func digits(_ count: Int) -> String { String((0..<count).map { _ in Character("\(random.next() % 10)") }) }
    var text = ["", "-", "+"][Int(random.next() % 3)]
    let whole = Int(random.next() % 20)
    let fraction = Int(random.next() % 12)
    text += whole == 0 && fraction == 0 ? "0" : digits(whole)
    if fraction > 0 || random.next() % 4 == 0 { text += "." + digits(fraction) }
    if text.last == "." && whole == 0 { text += "5" }
    if random.next() % 3 == 0 {
      text += ["e", "E"][Int(random.next() % 2)] + ["", "-", "+"][Int(random.next() % 3)] + "\(random.next() % 41)"
    }
    return text
  }

  @Test("parseDouble equals strtod (finite values) bit for bit on 200,000 seeded random decimals and the edge cases")
  func agreesWithStrtod() {
    var random = SplitMix64(state: 2026)
    var samples = [
      "0", "-0", "0.0", "1e22", "1e23", "9007199254740992", "9007199254740993", "1234567890123456789",
      "12345678901234567890", "0.1", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308", "1e400",
      "-1e-400",
      "1700000000.0100", "123.456e-7", "5e-1", ".5", "5.",
    ]
    for _ in 0..<200_000 { samples.append(Self.decimal(&random)) }
    var taken = 0
    for sample in samples {
      let bytes = Array(sample.utf8)
      let value = bytes.withUnsafeBytes { parseDouble($0) }
      var end: UnsafeMutablePointer<CChar>?
      let expected = sample.withCString { start in
        let result = strtod(start, &end)
        // The whole cell, and finite: parseDouble refuses what overflows to ±inf.
        return end.map { UnsafePointer($0) } == start + sample.utf8.count && result.isFinite ? result : nil
      }
      #expect(
        value?.bitPattern == expected?.bitPattern,
        "\(sample): \(String(describing: value)) vs strtod \(String(describing: expected))")
      if value != nil { taken += 1 }
    }
    #expect(taken == samples.count - 1, "every sample but 1e400 is a finite decimal both parsers take")
  }

  @Test("parseDouble refuses what is not one number: trailing text, two points, a bare sign or exponent")
  func refusesNonNumbers() {
    for text in ["", "-", "+", ".", "1e", "1e+", "1.2.3", "12abc", "1,5", "0x10", "1 2", "e5"] {
      let value = Array(text.utf8).withUnsafeBytes { parseDouble($0) }
      #expect(value == nil, "\(text.debugDescription) gave \(String(describing: value))")
    }
  }
}
