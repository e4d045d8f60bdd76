import Foundation
import LabelStudio
import TestSupport
import Testing
import TimeSeries

/// `mediaalign tasks` on results of `align` for the bundled sample.
@Suite("tasks command")
struct TasksCommandTests {
  static let sample = MediaTruth.load.sample

  /// The sample copied into a temporary folder and aligned there (paths in
  /// the results are relative to it): the sensor (aligned) and the unrelated
  /// CSV (rejected).
  static func results(in dir: TemporaryDirectory) throws -> (aligned: String, rejected: String) {
    let s = sample
    for name in [s.media, s.csv, s.unrelated] {
      try FileManager.default.copyItem(
        atPath: TestPaths.media(name), toPath: dir.path((name as NSString).lastPathComponent))
    }
    let media = (s.media as NSString).lastPathComponent
    let good = try runTool(
      ["align", media, (s.csv as NSString).lastPathComponent, "--channel", s.channel, "--json"], in: dir.url)
    #expect(good.status == 0, "stderr: \(good.stderr)")
    let bad = try runTool(
      ["align", media, (s.unrelated as NSString).lastPathComponent, "--channel", s.channel, "--json"], in: dir.url)
    #expect(bad.status == 1)
    return (try dir.write("aligned.json", good.stdout), try dir.write("rejected.json", bad.stdout))
  }

  static func json(_ path: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
  }

  @Test("writes config, tasks and a corrected CSV; the rejected result is left out and listed")
  func project() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let (aligned, rejected) = try Self.results(in: dir)
    let out = dir.path("project")
    let result = try runTool(
      ["tasks", aligned, rejected, "--out", out, "--labels", "Run,Walk"], in: dir.url)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stderr.contains("rejected.json: left out: alignment rejected"), "\(result.stderr)")
    #expect(result.stdout.contains("wrote 1 task for Label Studio (native):"), "\(result.stdout)")
    // The default root is above the media's folder (Label Studio refuses its
    // root as a storage path), and stdout says how to serve it.
    let folder = try #require(realPath(dir.url.path))
    let parent = (folder as NSString).deletingLastPathComponent
    let name = (folder as NSString).lastPathComponent
    #expect(
      result.stdout.contains(
        "serve with: LOCAL_FILES_SERVING_ENABLED=true LOCAL_FILES_DOCUMENT_ROOT=\(parent) label-studio start"),
      "\(result.stdout)")
    #expect(result.stdout.contains("local storage: \(folder)\n"), "\(result.stdout)")

    let config = try String(contentsOfFile: "\(out)/config.xml", encoding: .utf8)
    #expect(config.contains("<Video name=\"video\" value=\"$video\" sync=\"media\" frameRate=\"$fps\"/>"))
    #expect(config.contains("<Channel column=\"level_db\"/>") && config.contains("<Channel column=\"temp\"/>"))
    #expect(config.contains("<Label value=\"Run\"/>") && config.contains("<Label value=\"Walk\"/>"))

    let tasks = try #require(try Self.json("\(out)/tasks.json") as? [[String: Any]])
    #expect(tasks.count == 1)
    let data = try #require(tasks[0]["data"] as? [String: Any])
    #expect(data["fps"] as? Double == 25)
    #expect(data["csv"] as? String == "/data/local-files/?d=\(name)/project/sensor.aligned.csv")
    #expect(data["video"] as? String == "/data/local-files/?d=\(name)/session.mp4")
    #expect(abs(((data["offset"] as? Double) ?? 0) - Self.sample.offset) < 0.010)
    let meta = try #require(tasks[0]["meta"] as? [String: Any])
    #expect(meta["aligned_channel"] as? String == "level_db")

    let lines = try String(contentsOfFile: "\(out)/sensor.aligned.csv", encoding: .utf8).split(separator: "\n")
    #expect(lines[0] == "time,sensor_time,level_db,temp")
    #expect(lines[1].hasPrefix("0.0,"))
    #expect(!lines.contains { $0.contains(",,") || $0.hasSuffix(",") || $0.lowercased().contains("nan") })

    let summary = try #require(try Self.json("\(out)/summary.json") as? [String: Any])
    let leftOut = try #require(summary["left_out"] as? [[String: Any]])
    #expect(leftOut.count == 1 && leftOut[0]["rejected"] as? Bool == true)
    let hosting = try #require(summary["label_studio"] as? [String: Any])
    #expect(hosting["document_root"] as? String == parent)
    #expect(hosting["storage_paths"] as? [String] == [folder])
    #expect(
      meta["mediaalign_id"] as? String == TaskIdentity.id(media: "\(folder)/session.mp4", csv: "\(folder)/sensor.csv"))
  }

  @Test("legacy target: the HyperText recipe with the clock map in the task's video HTML")
  func legacy() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let (aligned, _) = try Self.results(in: dir)
    let out = dir.path("legacy")
    let result = try runTool(
      [
        "tasks", aligned, "--out", out, "--target", "legacy", "--url-prefix", "https://files.example.org/x",
        "--url-root", dir.url.path,
      ], in: dir.url)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let config = try String(contentsOfFile: "\(out)/config.xml", encoding: .utf8)
    #expect(config.contains("<HyperText name=\"video\" value=\"$video\" inline=\"true\"/>"))
    #expect(config.contains("timeColumn=\"sensor_time\""))
    let tasks = try #require(try Self.json("\(out)/tasks.json") as? [[String: Any]])
    let data = try #require(tasks[0]["data"] as? [String: Any])
    let html = try #require(data["video"] as? String)
    #expect(html.hasPrefix("<video src=\"https://files.example.org/x/session.mp4\""), "\(html)")
    let offset = try #require(data["offset"] as? Double)
    // The map in the script is the task's (JSONSerialization parses the last digit loosely).
    // var P=[[csv_origin,offset,scale]]: the offset is the second number.
    let embedded = try #require(
      html.split(separator: "var P=[[").last?.split(separator: ",").dropFirst().first.flatMap { Double($0) })
    #expect(abs(embedded - offset) < 1e-12)
  }

  @Test("bad items are left out with their reason and exit 1; the good one is still written")
  func badItems() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let (aligned, _) = try Self.results(in: dir)
    let garbage = try dir.write("garbage.json", "{\"status\": 3}")
    // The same result, but the CSV has changed since align ran (its first time moved).
    let changed = try String(contentsOfFile: aligned, encoding: .utf8)
      .replacingOccurrences(of: "\"sensor.csv\"", with: "\"edited.csv\"")
    let csv = try String(contentsOfFile: dir.path("sensor.csv"), encoding: .utf8)
    var lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
    lines.remove(at: 1)
    _ = try dir.write("edited.csv", lines.joined(separator: "\n"))
    let changedResult = try dir.write("changed.json", changed)
    let out = dir.path("project")
    let result = try runTool(
      ["tasks", aligned, garbage, changedResult, dir.path("missing.json"), "--out", out, "--url-root", dir.url.path],
      in: dir.url)
    #expect(result.status == 1)
    let errors = result.stderr.split(separator: "\n").map(String.init)
    #expect(
      errors.contains { $0.contains("garbage.json: left out:") && $0.contains("not an align result") }, "\(errors)")
    #expect(errors.contains { $0.contains("changed.json: left out:") && $0.contains("csv_origin") }, "\(errors)")
    #expect(errors.contains { $0.contains("missing.json: left out:") && $0.contains("cannot read") }, "\(errors)")
    let tasks = try #require(try Self.json("\(out)/tasks.json") as? [[String: Any]])
    #expect(tasks.count == 1)
  }

  @Test("media outside --url-root: left out, saying which folder Label Studio serves")
  func outsideRoot() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let (aligned, _) = try Self.results(in: dir)
    let root = dir.path("served")
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    let result = try runTool(["tasks", aligned, "--out", "\(root)/project", "--url-root", root], in: dir.url)
    #expect(result.status == 1)
    #expect(result.stderr.contains("session.mp4 is outside"), "\(result.stderr)")
    #expect(result.stderr.contains("--url-root"))
    #expect(!FileManager.default.fileExists(atPath: "\(root)/project/tasks.json"))
  }
}
