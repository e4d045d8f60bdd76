import Foundation
import TestSupport
import Testing

@testable import TimeSeries

/// The piece reader (all-numeric rows after the typing sample, parsed in
/// parallel pieces) must give exactly what the record scanner gives: the
/// same table bit for bit, the same warnings, the same first error. Each
/// case is a generated file with the awkward parts real exports have.
@Suite("CSV block reader")
struct NumericBlocksTests {
  struct Variant: CustomStringConvertible, Sendable {
    var seed: UInt64
    var delimiter: String
    var crlf: Bool
    var time: TimeKind
    /// A fault planted after the typing rows, if any.
    var fault: Fault?
    var description: String {
      "seed \(seed), delimiter \(delimiter.debugDescription), crlf \(crlf), \(time), fault \(fault.map { "\($0)" } ?? "none")"
    }
  }

  enum TimeKind: Sendable { case seconds, millisecondIntegers, iso, rate, decimalComma }
  enum Fault: Sendable { case ragged, badTime, backwards, quote, extraField }

  static let variants: [Variant] = {
    var list: [Variant] = []
    var seed: UInt64 = 1
    for time in [TimeKind.seconds, .millisecondIntegers, .iso, .rate, .decimalComma] {
      for fault in [nil, Fault.ragged, .badTime, .backwards, .quote, .extraField] {
        if time == .rate && (fault == .badTime || fault == .backwards) { continue }
        let delimiter = time == .decimalComma ? ";" : [",", ";", "\t", "|"][Int(seed % 4)]
        list.append(Variant(seed: seed, delimiter: delimiter, crlf: seed % 3 == 0, time: time, fault: fault))
        seed += 1
      }
    }
    return list
  }()

  /// A cell of a numeric column: mostly plain decimals, some of every
  /// other form a reader meets.
  static func cell(_ random: inout SplitMix64, decimalComma: Bool) -> String {
    let roll = random.next() % 100
    let value = Double(Int64(random.next() % 2_000_000) - 1_000_000) / 1000
    switch roll {
    case 0: return ""
    case 1: return "NaN"
    case 2: return "NA"
    case 3: return "n/a"
    case 4: return "x\(roll)"  // unreadable
    case 5: return "1.2.3"  // unreadable
    case 6: return "1.5e3"
    case 7: return "-2E-5"
    case 8: return "+4.25"
    case 9: return ".5"
    case 10: return "7."
    case 11: return "12345678901234567890.5"  // more than 19 digits
    case 12: return "1e400"  // out of the fast range: strtod gives inf
    case 13: return "0.1e-30"
    case 14: return "inf"
    case 15: return "-0"
    case 16: return " 3.5"  // a leading space
    default:
      let text = String(format: "%.\(random.next() % 7)f", value)
      return decimalComma ? text.replacingOccurrences(of: ".", with: ",") : text
    }
  }

  static func file(_ v: Variant) -> (text: String, options: CSVOptions) {
    var random = SplitMix64(state: v.seed &* 7919)
    let d = v.delimiter
    let nl = v.crlf ? "\r\n" : "\n"
    let rows = 400 + Int(random.next() % 900)
    let faultRow = 300 + Int(random.next() % UInt64(rows - 300))
    var lines: [String] = []
    var options = CSVOptions()
    let hasTime = v.time != .rate
    lines.append((hasTime ? ["time"] : []).joined() + (hasTime ? d : "") + ["ax", "ay", "az"].joined(separator: d))
    switch v.time {
    case .millisecondIntegers: options.timeUnit = .ms
    case .rate: options.rate = 50
    default: break
    }
    var t = 1_700_000_000.0
    var ms: Int64 = 1_700_000_000_000
    let base = Date(timeIntervalSince1970: 1_700_000_000)
    let iso = ISO8601DateFormatter()
    iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    for row in 0..<rows {
      if random.next() % 97 == 0 { lines.append("") }  // a blank line
      let step = random.next() % 50 == 0 ? 0.0 : 0.01  // some repeated times
      t += step
      ms += step == 0 ? 0 : 10
      var timeText: String
      switch v.time {
      case .seconds: timeText = String(format: "%.4f", t)
      case .millisecondIntegers: timeText = "\(ms)"
      case .iso: timeText = iso.string(from: base.addingTimeInterval(Double(row) * 0.01))
      case .rate: timeText = ""
      case .decimalComma: timeText = String(format: "%.2f", t - 1_700_000_000).replacingOccurrences(of: ".", with: ",")
      }
      var cells = (0..<3).map { _ in cell(&random, decimalComma: v.time == .decimalComma) }
      if row == faultRow, let fault = v.fault {
        switch fault {
        case .ragged: cells.removeLast()
        case .extraField: cells.append("9")
        case .badTime: timeText = "12:xx"
        case .backwards: timeText = v.time == .iso ? "2000-01-01T00:00:00Z" : "0"
        case .quote: cells[1] = "\"4\(v.time == .decimalComma ? "," : ".")5\""
        }
      }
      lines.append(((hasTime ? [timeText] : []) + cells).joined(separator: d))
    }
    // Sometimes no newline after the last line.
    let text = lines.joined(separator: nl) + (v.seed % 2 == 0 ? nl : "")
    return (text, options)
  }

  /// The table as comparable text: every number by its bits.
  static func fingerprint(_ result: Result<TimeSeriesTable, SeriesError>) -> String {
    switch result {
    case .failure(let error): return "error: \(error.description)"
    case .success(let table):
      var out = "rows \(table.rowCount), first line \(table.firstDataLine), warnings \(table.warnings)\n"
      out += "times " + table.times.map { String($0.bitPattern, radix: 16) }.joined(separator: " ") + "\n"
      for column in table.columns {
        out += "\(column.name) missing \(column.missing) unreadable \(column.unreadable) "
        out += column.firstUnreadable.map { "\($0.line):\($0.text)" }.joined(separator: ",") + "\n"
        switch column.values {
        case .numeric(let v): out += v.map { String($0.bitPattern, radix: 16) }.joined(separator: " ") + "\n"
        case .text(let v): out += v.joined(separator: "|") + "\n"
        }
      }
      return out
    }
  }

  static func read(
    _ path: String, _ options: CSVOptions, threads: Int, pieceSize: Int, map: Bool = true
  ) -> Result<TimeSeriesTable, SeriesError> {
    do throws(SeriesError) {
      return .success(
        try CSVReader.read(path: path, options: options, threads: threads, pieceSize: pieceSize, map: map))
    } catch {
      return .failure(error)
    }
  }

  @Test("blocks read exactly what the record scanner reads", arguments: variants)
  func sameAsScanner(_ v: Variant) throws {
    let (text, options) = Self.file(v)
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.write("s.csv", text)
    let scanner = Self.fingerprint(Self.read(path, options, threads: 0, pieceSize: 1 << 20))
    if v.fault == nil {
      #expect(!scanner.hasPrefix("error"), "\(v): \(scanner.prefix(300))")
    } else if v.fault != .quote {
      #expect(scanner.hasPrefix("error"), "\(v): the planted fault was not reported")
    }
    // Small pieces put many piece boundaries (and lines longer than a
    // piece) into the file; one thread and several; the file mapped, and
    // read with pread.
    for (threads, pieceSize, map) in [
      (1, 1 << 20, true), (2, 97, true), (3, 1024, true), (2, 4096, true), (2, 97, false), (3, 1024, false),
    ] {
      let pieces = Self.fingerprint(Self.read(path, options, threads: threads, pieceSize: pieceSize, map: map))
      #expect(pieces == scanner, "\(v), \(threads) threads, \(pieceSize)-byte pieces, mapped \(map)")
    }
  }

  /// The pieces are parsed straight into column arrays sized from the
  /// typing rows: rows that get much shorter later overflow that guess and
  /// the arrays grow between rounds; rows that get longer leave room over.
  @Test("rows shorter or longer than the typing rows: same table as the record scanner", arguments: [true, false])
  func rowLengthChanges(shorterLater: Bool) throws {
    var lines = ["time,a,b,c"]
    for row in 0..<20_000 {
      let t = String(format: "%.3f", 100 + Double(row) * 0.01)
      let long = "1234567.891234567,-7654321.123456789,0.000000000001"
      let short = "\(row % 10),-\(row % 7),\(row % 3).5"
      lines.append(t + "," + ((row < 300) == shorterLater ? long : short))
    }
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.write("s.csv", lines.joined(separator: "\n") + "\n")
    let scanner = Self.fingerprint(Self.read(path, CSVOptions(), threads: 0, pieceSize: 1 << 20))
    #expect(scanner.hasPrefix("rows 20000,"), "\(scanner.prefix(200))")
    for (threads, pieceSize, map) in [(2, 1000, true), (1, 4096, true), (3, 65536, true), (2, 1000, false)] {
      let pieces = Self.fingerprint(Self.read(path, CSVOptions(), threads: threads, pieceSize: pieceSize, map: map))
      #expect(pieces == scanner, "\(threads) threads, \(pieceSize)-byte pieces, mapped \(map)")
    }
  }

  @Test("the fused number parser takes what parseDouble's fast path takes, with the same value")
  func fastNumberAgrees() {
    var random = SplitMix64(state: 42)
    let alphabet = Array("0123456789.-+eE,x ")
    var samples = [
      "0", "-0", "1.", ".5", "+7", "1e22", "1e23", "123456789012345678", "9007199254740993", "0.000001",
      "1700000000.0100", "-", ".", "e5", "1e", "1e+", "3.14,", "2\r",
    ]
    for _ in 0..<20000 {
      let length = 1 + Int(random.next() % 12)
      samples.append(String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
    }
    powersOfTen.withUnsafeBufferPointer { tens in
      for sample in samples {
        // A newline, then zero bytes, as a piece ends.
        let bytes = Array(sample.utf8) + [10] + [UInt8](repeating: 0, count: 8)
        bytes.withUnsafeBufferPointer { p in
          // The field runs to the delimiter (","), a newline or the end;
          // a CR before the newline is not part of it.
          var end = 0
          while end < sample.utf8.count && p[end] != 44 && p[end] != 10 { end += 1 }
          if end > 0 && p[end - 1] == 13 && p[end] == 10 { end -= 1 }
          let expected = parseDouble(UnsafeRawBufferPointer(start: p.baseAddress, count: end))
          if let (value, stop) = fastNumber(
            p.baseAddress!, 0, sample.utf8.count + 1, delimiter: 44, powersOfTen: tens.baseAddress!)
          {
            #expect(stop == end, "\(sample.debugDescription): stopped at \(stop), the field ends at \(end)")
            #expect(
              expected?.bitPattern == value.bitPattern,
              "\(sample.debugDescription): \(value) vs \(String(describing: expected))")
          }
        }
      }
    }
  }
}
