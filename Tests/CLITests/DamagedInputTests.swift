import Foundation
import TestSupport
import Testing

/// Inputs no device writes but files end up holding: non-finite cells,
/// absurd times, results edited or damaged by hand. Each is one clear line
/// and exit 1, never a crash, and never reaches an output.
@Suite("damaged inputs")
struct DamagedInputTests {
  static let sample = MediaTruth.load.sample

  /// The sample's CSV with `edit` applied to its data lines (index from 0).
  func sampleCSV(in dir: TemporaryDirectory, _ edit: (Int, String) -> String) throws -> String {
    let text = try String(contentsOfFile: TestPaths.media(Self.sample.csv), encoding: .utf8)
    let lines = text.split(separator: "\n").map(String.init)
    let edited = [lines[0]] + lines.dropFirst().enumerated().map { edit($0.offset, $0.element) }
    return try dir.write("sensor.csv", edited.joined(separator: "\n") + "\n")
  }

  @Test("inf, -inf, Infinity, nan and 1e400 cells are missing values: warned, and absent from the corrected CSV")
  func nonFiniteCells() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let bad = ["inf", "-inf", "Infinity", "nan", "1e400", "-1e999"]
    let csv = try sampleCSV(in: dir) { i, line in
      guard i % 97 == 5 else { return line }
      let cells = line.split(separator: ",")
      return "\(cells[0]),\(bad[i % bad.count]),\(cells[2])"
    }
    let corrected = dir.path("corrected.csv")
    let media = TestPaths.media(Self.sample.media)
    let run = try runTool(
      ["align", media, csv, "--channel", Self.sample.channel, "--json", "--write-csv", corrected], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let warnings = (object["warnings"] as? [String] ?? []).joined(separator: "\n")
    // 19 cells edited; the 3 "nan" are the missing marker, not unreadable.
    #expect(warnings.contains("column 'level_db': 16 cells are not finite numbers"), "\(warnings)")
    let text = try String(contentsOfFile: corrected, encoding: .utf8).lowercased()
    for word in ["inf", "nan", "e+", "e400", "e999"] { #expect(!text.contains(word), "\(word) in the corrected CSV") }
    #expect(abs((object["offset"] as? Double ?? 0) - Self.sample.offset) < 0.040)
  }

  /// Cell text reaches the terminal only as visible escapes, and a huge
  /// cell is cut to `MessageText.limit` characters with its length said.
  @Test(
    "hostile cells (escape sequences, NUL, a newline in quotes, a bidi override, 1.2 MB) give one short printable line",
    arguments: [
      ("\"12\u{1B}[2J\u{1B}[31mRED\n3\"", "12\\u{1B}[2J\\u{1B}[31mRED\\n3"),
      ("4\u{0}5\u{202E}txt", "4\\05\\u{202E}txt"),
      (
        String(repeating: "9x", count: 600_000),
        "9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x9x… (1200000 characters)"
      ),
    ])
  func hostileCells(cell: String, shown: String) throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let csv = try sampleCSV(in: dir) { i, line in i == 300 ? cell + line.drop { $0 != "," } : line }
    let run = try runTool(["align", TestPaths.media(Self.sample.media), csv], in: dir.url)
    #expect(run.status == 1)
    let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.count == 1, "\(run.stderr.prefix(500))")
    let line = String(lines.first ?? "")
    #expect(line.contains("line 302, column 'time': cannot read the time '\(shown)'"), "\(line.prefix(500))")
    #expect(line.utf8.count < csv.utf8.count + 400, "\(line.utf8.count) bytes")
    let controls = line.unicodeScalars.filter {
      $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x202E
    }
    #expect(controls.isEmpty, "control characters in: \(line.prefix(500))")
  }

  @Test("a time of 1e19 is an error naming its line, before any alignment")
  func absurdTime() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let csv = try sampleCSV(in: dir) { i, line in
      i == 1776 ? "1e19" + line.drop { $0 != "," } : line
    }
    let run = try runTool(["align", TestPaths.media(Self.sample.media), csv], in: dir.url)
    #expect(run.status == 1)
    #expect(
      run.stderr.contains(
        "\(csv): line 1778, column 'time': the time 1e+19 is beyond ±1e13 s (300,000 years from 1970)"),
      "\(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
  }

  @Test(
    "report and tasks on an edited result: one line naming the field, exit 1, no crash",
    arguments: [
      ("offset", "1e18", "'offset' is 1e+18 s, beyond ±1e13 s"),
      ("scale", "0", "'scale' is 0.0, not a positive number"),
      ("scale", "-1", "'scale' is -1.0, not a positive number"),
      ("scale", "7", "'scale' is 7.0, outside 0.5…2"),
      ("csv_origin", "1e300", "'csv_origin' is 1e+300 s, beyond ±1e13 s"),
      ("confidence", "3", "'confidence' is 3.0, not in 0…1"),
      ("confidence", "null", "not an align result (wrong type at confidence)"),
      ("status", "\"maybe\"", "not an align result (invalid value at status)"),
      ("model", "\"cubic\"", "not an align result (invalid value at model)"),
    ])
  func editedResult(_ field: String, _ value: String, _ message: String) throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let s = Self.sample
    for name in [s.media, s.csv] {
      try FileManager.default.copyItem(
        atPath: TestPaths.media(name), toPath: dir.path((name as NSString).lastPathComponent))
    }
    let align = try runTool(["align", "session.mp4", "sensor.csv", "--channel", s.channel, "--json"], in: dir.url)
    #expect(align.status == 0, "\(align.stderr)")
    var object = try #require(try JSONSerialization.jsonObject(with: Data(align.stdout.utf8)) as? [String: Any])
    object[field] =
      value == "null" ? NSNull() : try JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
    let edited = try JSONSerialization.data(withJSONObject: object)
    try edited.write(to: URL(fileURLWithPath: dir.path("r.json")))
    for command in [["report", "r.json", "-o", "report.html"], ["tasks", "r.json", "--out", "ls"]] {
      let run = try runTool(command, in: dir.url)
      #expect(run.status == 1, "\(command[0]) \(field)=\(value): status \(run.status): \(run.stderr)")
      #expect(run.stderr.contains(message), "\(command[0]) \(field)=\(value): \(run.stderr)")
    }
  }
}
