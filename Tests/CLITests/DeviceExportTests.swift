import Foundation
import TestSupport
import Testing

/// Device and app exports (`DeviceExport`), aligned with no options at all:
/// the layout is detected, said on stderr and in the JSON, and the clock
/// map is within 40 ms of the truth over the whole export.
@Suite("device exports")
struct DeviceExportTests {
  func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  /// The worst error of a map over the export's rows (seconds 0…span on
  /// its clock), s.
  func worstError(offset: Double, scale: Double, span: Double) -> Double {
    let (o, s) = (DeviceExport.truthOffset, DeviceExport.truthScale)
    return max(abs(offset - o), abs(offset + scale * span - (o + s * span)))
  }

  /// Set to record: the fixtures are written from the generator instead of
  /// compared with it.
  static let recording = ProcessInfo.processInfo.environment["MEDIAALIGN_RECORD_FIXTURES"] == "1"

  @Test("the committed fixtures in TestMedia/devices are the generator's output", arguments: DeviceExport.allCases)
  func committedFixture(_ export: DeviceExport) throws {
    let text = try export.make(seconds: DeviceExport.fixtureSeconds).text
    let url = TestPaths.testMedia.appendingPathComponent(export.fixture)
    if Self.recording {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url, options: .atomic)
    }
    let committed = try String(contentsOf: url, encoding: .utf8)
    #expect(
      committed == text,
      "\(export.fixture) differs from the generator's output (MEDIAALIGN_RECORD_FIXTURES=1 rewrites it)")
  }

  @Test(
    "align MEDIA EXPORT --json on each committed fixture, no options: aligned within 40 ms, the layout named",
    arguments: DeviceExport.allCases)
  func alignWithoutOptions(_ export: DeviceExport) throws {
    let rows = try export.make(seconds: DeviceExport.fixtureSeconds).rows
    let path = export.fixture
    let run = try runTool(["align", DeviceExport.media, path, "--json"], in: TestPaths.testMedia)
    #expect(run.status == 0, "\(export): \(run.stderr)")
    let result = try json(run.stdout)
    #expect(result["status"] as? String == "aligned", "\(export): \(result["reason"] ?? "")")
    let offset = try #require(result["offset"] as? Double)
    let scale = try #require(result["scale"] as? Double)
    let span = Double(rows - 1) / export.rateHz
    let error = worstError(offset: offset, scale: scale, span: span)
    #expect(error < 0.040, "\(export): offset \(offset), scale \(scale): worst error \(error * 1000) ms")
    let series = try #require(result["series"] as? [String: Any])
    #expect(series["rows"] as? Int == rows, "\(export): header or preamble rows read as data")
    #expect(series["channel"] as? String == export.channel, "\(export)")
    let layout = try #require(series["layout"] as? [String: Any], "\(export): no layout in the JSON")
    #expect(layout["format"] as? String == export.format)
    let summary = try #require(layout["summary"] as? String)
    #expect(run.stderr.contains("note: \(path): \(summary)"), "\(export): \(run.stderr)")
    if export == .empaticaACC || export == .empaticaBVP || export == .actigraph {
      #expect(layout["times_from"] as? String != nil && series["time_column"] == nil, "\(export): \(layout)")
      #expect(layout["start"] as? Double == DeviceExport.start && layout["rate_hz"] as? Double == export.rateHz)
    }
  }

  @Test("probe names the format and the columns without the header rows")
  func probe() throws {
    let e4 = DeviceExport.empaticaACC.fixture
    let run = try runTool(["probe", e4], in: TestPaths.testMedia)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("columns x, y, z"), "\(run.stdout)")
    #expect(
      run.stdout.contains("read as an Empatica E4 file: start 2024-03-01 09:00:00 UTC, 32 Hz, 3 columns (x, y, z)"))
    #expect(run.stdout.contains("time: the start in row 1 and the rate in row 2, 1709283600.000"), "\(run.stdout)")
    let shimmer = DeviceExport.shimmer.fixture
    let probed = try json(try runTool(["probe", shimmer, "--json"], in: TestPaths.testMedia).stdout)
    let layout = try #require(probed["layout"] as? [String: Any])
    #expect(
      layout["format"] as? String == "shimmer" && layout["label_rows"] as? Int == 1
        && layout["skipped_lines"] as? Int == 1)
    let time = try #require(probed["time"] as? [String: Any])
    #expect(time["unit"] as? String == "ms" && (time["unit_note"] as? String)?.contains("its units row") == true)
  }

  @Test(
    "the Empatica file that used to go 36 s wrong: --no-header --rate 32 reads the same rows, and tasks reads it again")
  func empaticaWithOldOptions() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let (text, rows) = try DeviceExport.empaticaACC.make()
    let path = try dir.write("ACC.csv", text)
    let result = dir.path("r.json")
    let media = dir.path("session.m4a")
    try FileManager.default.copyItem(atPath: TestPaths.media(DeviceExport.media), toPath: media)
    let run = try runTool(
      ["align", media, path, "--no-header", "--rate", "32", "--json", "--write-csv", dir.path("c.csv")], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    try Data(run.stdout.utf8).write(to: URL(fileURLWithPath: result))
    let object = try json(run.stdout)
    #expect((object["series"] as? [String: Any])?["rows"] as? Int == rows)
    let error = worstError(
      offset: object["offset"] as? Double ?? .nan, scale: object["scale"] as? Double ?? .nan,
      span: Double(rows - 1) / 32)
    #expect(error < 0.040, "worst error \(error * 1000) ms")
    // The corrected copy holds the data rows only (after its names row and
    // the row it adds at media time 0).
    let corrected = try String(contentsOfFile: dir.path("c.csv"), encoding: .utf8).split(separator: "\n")
    #expect(corrected.count == rows + 2, "\(corrected.prefix(3))")
    #expect(corrected[2].split(separator: ",")[1] == "1709283600.0", "\(corrected.prefix(3))")
    let tasks = try runTool(["tasks", result, "--out", dir.path("ls")], in: dir.url)
    #expect(tasks.status == 0, "\(tasks.stderr)")
  }

  @Test("stdin (-) is read like a file; report and tasks refuse a result read from it with the reason")
  func standardInput() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let (text, rows) = try DeviceExport.commentPreamble.make()
    let path = try dir.write("mic.csv", text)
    let run = try runTool(["align", DeviceExport.media, "-", "--json"], in: TestPaths.testMedia, stdin: path)
    #expect(run.status == 0, "\(run.stderr)")
    let object = try json(run.stdout)
    #expect(object["status"] as? String == "aligned")
    #expect((object["series"] as? [String: Any])?["rows"] as? Int == rows)
    #expect(
      run.stderr.contains("note: -: read as a CSV with a preamble: 4 comment lines ('#') before the names row skipped"),
      "\(run.stderr)")
    let result = try dir.write("r.json", run.stdout)
    let tasks = try runTool(["tasks", result, "--out", dir.path("ls")], in: TestPaths.testMedia)
    #expect(tasks.status == 1)
    #expect(tasks.stderr.contains("was read from stdin and cannot be read again; save it to a file"), "\(tasks.stderr)")
    let probe = try runTool(["probe", "-", "--json"], in: dir.url, stdin: path)
    #expect(probe.status == 0, "\(probe.stderr)")
    let probed = try json(probe.stdout)
    #expect(probed["rows"] as? Int == rows)
  }

  @Test("--skip-rows, --comment and --start with --rate read what detection cannot guess")
  func options() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    // A logger's dump: 3 lines of junk that look like data, then bare
    // values at 50 Hz with '!' remarks among them.
    let (text, rows) = try DeviceExport.unitsRow.make()
    var lines = ["1,2", "3,4", "5,6"]
    for (i, line) in text.split(separator: "\n").dropFirst(2).enumerated() {
      lines.append(String(line.split(separator: ",")[1]))
      if i % 500 == 250 { lines.append("! battery 81 %") }
    }
    let path = try dir.write("dump.csv", lines.joined(separator: "\n") + "\n")
    let start = "2024-03-01T09:00:00Z"
    let run = try runTool(
      [
        "align", DeviceExport.media, path, "--skip-rows", "3", "--comment", "!", "--no-header", "--rate", "50",
        "--start", start, "--json",
      ],
      in: TestPaths.testMedia)
    #expect(run.status == 0, "\(run.stderr)")
    let object = try json(run.stdout)
    #expect(object["csv_origin"] as? Double == DeviceExport.start)
    #expect((object["series"] as? [String: Any])?["rows"] as? Int == rows)
    let error = worstError(
      offset: object["offset"] as? Double ?? .nan, scale: object["scale"] as? Double ?? .nan,
      span: Double(rows - 1) / 50)
    #expect(error < 0.040, "worst error \(error * 1000) ms")
    // --start alone, on a file with a time column: said, not ignored.
    let alone = try runTool(["align", DeviceExport.media, path, "--start", "10"], in: TestPaths.testMedia)
    #expect(
      alone.status == 1
        && alone.stderr.contains("--start sets the first row's time for rows at --rate; pass --rate HZ"),
      "\(alone.stderr)")
    let bad = try runTool(
      ["align", DeviceExport.media, path, "--start", "yesterday", "--rate", "50"], in: TestPaths.testMedia)
    #expect(
      bad.status == 64 && bad.stderr.contains("--start must be seconds (12.5) or an ISO 8601 date-time"),
      "\(bad.stderr)")
    let comment = try runTool(["align", DeviceExport.media, path, "--comment", "//"], in: TestPaths.testMedia)
    #expect(
      comment.status == 64 && comment.stderr.contains("--comment must be one ASCII character"), "\(comment.stderr)")
  }

  @Test("batch: rate, start, skip_rows and comment are manifest columns")
  func manifestColumns() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let (text, _) = try DeviceExport.unitsRow.make()
    var lines = ["junk,1", "more,2"]
    for line in text.split(separator: "\n").dropFirst(2) { lines.append(String(line.split(separator: ",")[1])) }
    lines.insert("; a remark", at: 900)
    _ = try dir.write("dump.csv", lines.joined(separator: "\n") + "\n")
    _ = try dir.write("bare.csv", lines.dropFirst(2).filter { !$0.hasPrefix(";") }.joined(separator: "\n") + "\n")
    try FileManager.default.copyItem(atPath: TestPaths.media(DeviceExport.media), toPath: dir.path("session.m4a"))
    let manifest = try dir.write(
      "m.csv",
      "id,media,csv,rate,start,skip_rows,comment\n"
        + "dump,session.m4a,dump.csv,50,2024-03-01T09:00:00Z,2,;\n"
        + "bare,session.m4a,bare.csv,50,,,\n")
    let run = try runTool(["batch", manifest, "--out", dir.path("out")], in: dir.url)
    #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
    for id in ["dump", "bare"] {
      let result = try json(try String(contentsOfFile: dir.path("out/results/\(id).json"), encoding: .utf8))
      #expect(result["status"] as? String == "aligned", "\(id)")
      #expect(
        abs((result["offset"] as? Double ?? 0) - DeviceExport.truthOffset) < 0.040, "\(id): \(result["offset"] ?? "")")
    }
  }
}
