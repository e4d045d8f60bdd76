import Foundation
import TestSupport
import Testing

/// The output contract under golden files (`__Snapshots__/SnapshotTests/`):
/// every file other tools or people read, made by the built binary from the
/// bundled sample. The sample is copied into a temporary folder and named by
/// relative paths, so no machine's folders reach a snapshot; the folder
/// itself is written `$TMP`. Decimals are rounded to 6 significant digits
/// (`Snapshot.normalizing`), so a changed field, value, order or wording
/// fails while the last bits of float noise do not. Re-record with
/// `MEDIAALIGN_RECORD_SNAPSHOTS=1 swift test --filter Snapshot`.
@Suite("output snapshots")
struct SnapshotTests {
  /// The sample (video, its sensor and an unrelated sensor) in `in/` of a new folder.
  struct Workspace {
    let dir: TemporaryDirectory

    init() throws {
      dir = try TemporaryDirectory()
      let input = dir.url.appendingPathComponent("in")
      try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
      for name in ["session.mp4", "sensor.csv", "unrelated.csv"] {
        try FileManager.default.copyItem(
          atPath: TestPaths.media("sample/\(name)"), toPath: input.appendingPathComponent(name).path)
      }
    }

    /// Runs the tool in the folder; `status` is the exit code expected.
    func run(_ arguments: [String], status: Int32 = 0) throws -> String {
      let result = try runTool(arguments, in: dir.url)
      #expect(result.status == status, "\(arguments.joined(separator: " ")): \(result.stderr)")
      return result.stdout
    }

    func read(_ name: String) throws -> String {
      try String(contentsOfFile: dir.path(name), encoding: .utf8)
    }

    /// `text` normalised, then compared with the snapshot `name`: the
    /// folder written `$TMP`, a task's `mediaalign_id` and `id` (a hash of the
    /// absolute paths, so of the folder) masked, and decimals rounded except
    /// in text formatted for people (`.md`, `.txt`, `.html`).
    func expectSnapshot(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
      let folder = dir.url.path
      let formatted = [".md", ".txt", ".html"].contains { name.hasSuffix($0) }
      let normal = Snapshot.normalizing(
        text.replacingOccurrences(
          of: #"("(mediaalign_)?id" : )"[0-9a-f]{16}""#, with: #"$1"(hash of the paths)""#,
          options: .regularExpression),
        digits: formatted ? nil : 6, replacements: [folder: "$TMP", String(folder.dropFirst()): "$TMP"])
      let mismatch = Snapshot.check(normal, named: name)
      #expect(mismatch == nil, "\(mismatch ?? "")", sourceLocation: sourceLocation)
    }
  }

  @Test("align --json (aligned and rejected) and probe --json (media and series)")
  func alignAndProbe() throws {
    let work = try Workspace()
    defer { work.dir.cleanUp() }
    work.expectSnapshot(
      try work.run(["align", "in/session.mp4", "in/sensor.csv", "--channel", "level_db", "--json"]), "align.json")
    work.expectSnapshot(
      try work.run(["align", "in/session.mp4", "in/unrelated.csv", "--channel", "level_db", "--json"], status: 1),
      "align-rejected.json")
    work.expectSnapshot(try work.run(["probe", "in/session.mp4", "--json"]), "probe-media.json")
    work.expectSnapshot(try work.run(["probe", "in/sensor.csv", "--json"]), "probe-series.json")
  }

  @Test("tasks: config.xml, tasks.json, summary.json and the corrected CSV, native and legacy (the HyperText player)")
  func labelStudio() throws {
    let work = try Workspace()
    defer { work.dir.cleanUp() }
    _ = try work.dir.write(
      "result.json", try work.run(["align", "in/session.mp4", "in/sensor.csv", "--channel", "level_db", "--json"]))
    for target in ["native", "legacy"] {
      let stdout = try work.run(["tasks", "result.json", "--out", target, "--target", target, "--labels", "Run,Walk"])
      work.expectSnapshot(stdout, "tasks-\(target).txt")
      for file in ["config.xml", "tasks.json", "summary.json"] {
        work.expectSnapshot(try work.read("\(target)/\(file)"), "\(target)-\(file)")
      }
      let corrected = try work.read("\(target)/sensor.aligned.csv").split(separator: "\n").prefix(12)
      work.expectSnapshot(corrected.joined(separator: "\n") + "\n", "\(target)-sensor.aligned-head.csv")
    }
  }

  @Test("batch: batch.json, summary.md, stdout and the report's HTML structure (its plots without their numbers)")
  func batchAndReport() throws {
    let work = try Workspace()
    defer { work.dir.cleanUp() }
    _ = try work.dir.write(
      "manifest.csv",
      """
      id,media,csv,channel
      good,in/session.mp4,in/sensor.csv,level_db
      unrelated,in/session.mp4,in/unrelated.csv,level_db
      missing,in/nothere.mp4,in/sensor.csv,

      """)
    let stdout = try work.run(["batch", "manifest.csv", "--out", "out", "--jobs", "2"], status: 1)
    work.expectSnapshot(stdout, "batch.txt")
    work.expectSnapshot(try work.read("out/batch.json"), "batch.json")
    work.expectSnapshot(try work.read("out/summary.md"), "summary.md")
    work.expectSnapshot(Self.withoutPlotNumbers(try work.read("out/report.html")), "report.html")
  }

  /// The report with every number inside an `<svg>` element written `#` and
  /// each path's or polyline's geometry written `…`: the plots' structure
  /// (axes, classes, labels, element counts) stays under the snapshot, their
  /// sample values do not.
  static func withoutPlotNumbers(_ html: String) -> String {
    var out = ""
    var rest = Substring(html)
    while let start = rest.range(of: "<svg") {
      out += rest[..<start.lowerBound]
      let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex)?.upperBound ?? rest.endIndex
      var plot = String(rest[start.lowerBound..<end])
      for attribute in ["d", "points"] {
        plot = plot.replacingOccurrences(
          of: #"\s\#(attribute)="[^"]*""#, with: " \(attribute)=\"…\"", options: .regularExpression)
      }
      out += plot.replacingOccurrences(of: #"-?\d+(\.\d+)?(e-?\d+)?"#, with: "#", options: .regularExpression)
      rest = rest[end...]
    }
    return out + rest
  }
}
