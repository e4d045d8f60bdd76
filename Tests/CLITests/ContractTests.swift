import Foundation
import TestSupport
import Testing

/// The outputs other tools read, validated against `docs/schemas/` (JSON
/// Schema 2020-12) by `Scripts/lib/check_schemas.py` with the `jsonschema`
/// package in `.cache/venv-schema` (made by `Scripts/test.sh`). The check is
/// strict: a field the code writes but the schema does not document fails.
@Suite("output contract")
struct ContractTests {
  static let python = TestPaths.packageRoot.appendingPathComponent(".cache/venv-schema/bin/python").path
  static let checker = TestPaths.packageRoot.appendingPathComponent("Scripts/lib/check_schemas.py").path

  /// Runs the checker on `pairs` (schema file name, output file).
  static func check(_ pairs: [(String, String)]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [checker] + pairs.map { "\($0.0)=\($0.1)" }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test("align, probe, batch and tasks outputs of every shape follow their schemas, each with its schema_version")
  func outputsFollowSchemas() throws {
    try #require(
      FileManager.default.isExecutableFile(atPath: Self.python),
      "no \(Self.python): run Scripts/test.sh, which makes the venv with jsonschema")
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let media = TestPaths.media("sample/session.mp4")
    var pairs: [(String, String)] = []

    func save(_ name: String, _ arguments: [String], status: Int32 = 0) throws -> String {
      let run = try runTool(arguments, in: dir.url)
      #expect(run.status == status, "\(arguments.joined(separator: " ")): \(run.stderr)")
      return try dir.write(name, run.stdout)
    }
    let result = "align-result.schema.json"
    // Aligned, rejected, with a corrected CSV, piecewise, media to media, a device export.
    let aligned = try save(
      "aligned.json", ["align", media, TestPaths.media("sample/sensor.csv"), "--channel", "level_db", "--json"])
    pairs.append((result, aligned))
    pairs.append(
      (
        result,
        try save(
          "rejected.json",
          ["align", media, TestPaths.media("sample/unrelated.csv"), "--channel", "level_db", "--json"], status: 1)
      ))
    pairs.append(
      (
        result,
        try save(
          "corrected.json",
          [
            "align", media, TestPaths.media("sample/sensor.csv"), "--channel", "level_db", "--json", "--write-csv",
            dir.path("c.csv"),
          ])
      ))
    let piecewise = try save(
      "piecewise.json",
      [
        "align", TestPaths.media("piecewise/session.m4a"), TestPaths.media("piecewise/sensor.csv"), "--channel",
        "level_db", "--json",
      ])
    pairs.append((result, piecewise))
    pairs.append(
      (result, try save("pair.json", ["align", media, TestPaths.media("sample/other_recorder.m4a"), "--json"])))

    // probe: one media file, one CSV, and several with a failure and device exports.
    let probe = "probe.schema.json"
    pairs.append((probe, try save("probe-media.json", ["probe", media, "--json"])))
    pairs.append((probe, try save("probe-series.json", ["probe", TestPaths.media("sample/sensor.csv"), "--json"])))
    let devices = try FileManager.default.contentsOfDirectory(atPath: TestPaths.media("devices")).sorted().flatMap {
      folder in
      try FileManager.default.contentsOfDirectory(atPath: TestPaths.media("devices/\(folder)")).sorted().map {
        TestPaths.media("devices/\(folder)/\($0)")
      }
    }
    let several = try save(
      "probe-several.json", ["probe", media, TestPaths.media("bad/text.mp4")] + devices + ["--json"], status: 1)
    pairs.append((probe, several))

    // batch: aligned, rejected and failed items; its results and Label Studio
    // files, with a video project and an audio-only one.
    let manifest = try dir.write(
      "m.csv",
      """
      id,media,csv,channel
      video,\(media),\(TestPaths.media("sample/sensor.csv")),level_db
      audio,\(TestPaths.media("piecewise/session.m4a")),\(TestPaths.media("piecewise/sensor.csv")),level_db
      unrelated,\(media),\(TestPaths.media("sample/unrelated.csv")),level_db
      broken,\(TestPaths.media("bad/truncated.mp4")),\(TestPaths.media("sample/sensor.csv")),level_db

      """)
    let out = dir.path("out")
    let batch = try runTool(["batch", manifest, "--out", out, "--quiet", "--no-report"], in: dir.url)
    #expect(batch.status == 1, "\(batch.stderr)")
    pairs.append(("batch.schema.json", "\(out)/batch.json"))
    for name in ["video", "audio", "unrelated"] { pairs.append((result, "\(out)/results/\(name).json")) }
    pairs.append(("tasks-summary.schema.json", "\(out)/labelstudio/summary.json"))
    let tasks = try runTool(["tasks", aligned, piecewise, "--out", dir.path("tasks"), "--json"], in: dir.url)
    #expect(tasks.status == 0, "\(tasks.stderr)")
    pairs.append(("tasks-summary.schema.json", try dir.write("tasks.json", tasks.stdout)))

    // Every output names its format's version.
    for (_, path) in pairs {
      let value = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
      let objects = (value as? [[String: Any]]) ?? [(value as? [String: Any]) ?? [:]]
      for object in objects { #expect(object["schema_version"] is Int, "\(path): no schema_version") }
    }
    let checked = try Self.check(pairs)
    #expect(checked.status == 0, "\(checked.output)")
    #expect(
      checked.output.contains("checked \(pairs.count) outputs against 4 schemas (strict): 0 problems"),
      "\(checked.output)")
  }

  @Test("the check can fail: an undocumented field and a wrong type are named with their place")
  func checkCatchesDrift() throws {
    try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no \(Self.python): run Scripts/test.sh")
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let run = try runTool(
      [
        "align", TestPaths.media("sample/session.mp4"), TestPaths.media("sample/sensor.csv"), "--channel", "level_db",
        "--json",
      ],
      in: dir.url)
    var object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    var mediaObject = try #require(object["media"] as? [String: Any])
    mediaObject["surprise"] = 1
    object["media"] = mediaObject
    object["confidence"] = "high"
    let path = dir.path("drifted.json")
    try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
    let checked = try Self.check([("align-result.schema.json", path)])
    #expect(checked.status == 1)
    #expect(
      checked.output.contains("at media: Additional properties are not allowed ('surprise' was unexpected)"),
      "\(checked.output)")
    #expect(checked.output.contains("at confidence: 'high' is not of type 'number'"), "\(checked.output)")
  }
}
