import Foundation
import TestSupport
import Testing

/// `mediaalign batch` through the built binary, on copies of the bundled sample.
@Suite("batch command", .serialized)
struct BatchCommandTests {
  static let sample = MediaTruth.load.sample

  /// The sample's media, sensor CSV, unrelated CSV, second recorder and a
  /// truncated mp4 copied into `dir`.
  static func copyInputs(to dir: TemporaryDirectory) throws {
    let s = sample
    for name in [s.media, s.csv, s.unrelated, s.otherMedia, "bad/truncated.mp4"] {
      try FileManager.default.copyItem(
        atPath: TestPaths.media(name), toPath: dir.path((name as NSString).lastPathComponent))
    }
  }

  static var names: (media: String, csv: String, unrelated: String, other: String) {
    let s = sample
    return (
      (s.media as NSString).lastPathComponent, (s.csv as NSString).lastPathComponent,
      (s.unrelated as NSString).lastPathComponent, (s.otherMedia as NSString).lastPathComponent
    )
  }

  /// Every file below `folder` (but its `.cache`), by relative path.
  static func snapshot(_ folder: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let relative = enumerator?.nextObject() as? String {
      if relative.hasPrefix(".cache") { continue }
      let path = (folder as NSString).appendingPathComponent(relative)
      var directory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &directory), !directory.boolValue {
        files[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
      }
    }
    return files
  }

  static func temporaries(_ folder: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: folder)
    var found: [String] = []
    while let relative = enumerator?.nextObject() as? String {
      if relative.contains(".tmp-") { found.append(relative) }
    }
    return found
  }

  @Test("bad items are recorded and listed, the others aligned, reported and made into tasks; --resume reuses them")
  func mixedBatch() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    try Self.copyInputs(to: dir)
    let n = Self.names
    let channel = Self.sample.channel
    let manifest = try dir.write(
      "manifest.csv",
      """
      id,media,csv,channel
      good,\(n.media),\(n.csv),\(channel)
      good,\(n.media),\(n.csv),
      unrelated,\(n.media),\(n.unrelated),\(channel)
      truncated,truncated.mp4,\(n.csv),\(channel)
      missing,,\(n.csv),
      pair,\(n.media),\(n.other),

      """)
    let out = dir.path("out")
    let first = try runTool(["batch", manifest, "--out", out, "--jobs", "2", "--url-root", dir.url.path], in: dir.url)
    #expect(first.status == 1)
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/batch.json")))
        as? [String: Any])
    let items = try #require(summary["items"] as? [[String: Any]])
    #expect(items.map { $0["id"] as? String } == ["good", "good-2", "unrelated", "truncated", "missing", "pair"])
    #expect(
      items.map { $0["status"] as? String } == ["aligned", "aligned", "rejected", "failed", "failed", "aligned"])
    #expect(summary["aligned"] as? Int == 3 && summary["rejected"] as? Int == 1 && summary["failed"] as? Int == 2)
    #expect((items[3]["error"] as? String)?.contains("truncated.mp4: not a playable MP4/MOV") == true)
    #expect(items[4]["error"] as? String == "no media path; fill in the cell")
    #expect((summary["step_errors"] as? [Any])?.isEmpty == true)
    // The sample's truth: the sensor starts 2.5 s after the media.
    let offset = try #require(items[0]["offset"] as? Double)
    #expect(abs(offset - Self.sample.offset) < 0.010)
    // One line per bad item on stderr, naming it and where it was declared.
    let listed = first.stderr.split(separator: "\n").filter { $0.hasPrefix("mediaalign: error: ") }
    #expect(listed.count == 3, "\(first.stderr)")
    #expect(listed.contains { $0.hasPrefix("mediaalign: error: truncated (manifest.csv:5): ") })
    // Results for aligned and rejected items only; report and tasks made.
    let results = try FileManager.default.contentsOfDirectory(atPath: "\(out)/results").sorted()
    #expect(results == ["good-2.json", "good.json", "pair.json", "unrelated.json"])
    #expect(FileManager.default.fileExists(atPath: "\(out)/report.html"))
    #expect(FileManager.default.fileExists(atPath: "\(out)/summary.md"))
    let tasks = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/labelstudio/tasks.json")))
        as? [Any])
    #expect(tasks.count == 2)  // the two sensor items; the media pair has no CSV to label
    // A result records the align command and the inputs' fingerprints.
    let good = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/results/good.json")))
        as? [String: Any])
    let record = try #require(good["batch"] as? [String: Any])
    #expect((record["command"] as? [String])?.suffix(2) == ["--channel", channel])
    #expect((record["inputs"] as? [Any])?.count == 2)

    // --resume: every result reused, outputs byte for byte the same.
    let before = try Self.snapshot(out)
    let again = try runTool(
      ["batch", manifest, "--out", out, "--jobs", "2", "--resume", "--url-root", dir.url.path], in: dir.url)
    #expect(again.status == 1)
    #expect(again.stdout.contains("(4 reused with --resume)"), "\(again.stdout)")
    #expect(try Self.snapshot(out) == before)

    // A changed input (new modification time) runs again.
    let csvPath = dir.path(n.csv)
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: csvPath)
    let changed = try runTool(
      ["batch", manifest, "--out", out, "--jobs", "2", "--resume", "--url-root", dir.url.path], in: dir.url)
    #expect(changed.stdout.contains("(2 reused with --resume)"), "\(changed.stdout)")
  }

  @Test("three sensor kinds with no column in common: one Label Studio project each, no aligned item left out")
  func threeSensorKinds() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    try Self.copyInputs(to: dir)
    let n = Self.names
    // The same recording as three devices would export it: (level_db, temp),
    // (loud, skin_temp) and (mic) alone.
    let lines = try String(contentsOfFile: dir.path(n.csv), encoding: .utf8).split(separator: "\n")
    _ = try dir.write("wrist.csv", (["time,loud,skin_temp"] + lines.dropFirst()).joined(separator: "\n") + "\n")
    let micRows = lines.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
    _ = try dir.write("contact.csv", (["time,mic"] + micRows).joined(separator: "\n") + "\n")
    let manifest = try dir.write(
      "manifest.csv",
      """
      id,media,csv,channel
      logger,\(n.media),\(n.csv),level_db
      wrist,\(n.media),wrist.csv,loud
      contact,\(n.media),contact.csv,mic

      """)
    let out = dir.path("out")
    let run = try runTool(["batch", manifest, "--out", out, "--jobs", "2", "--no-report"], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/labelstudio/summary.json")))
        as? [String: Any])
    let projects = try #require(summary["projects"] as? [[String: Any]])
    #expect(
      projects.compactMap { $0["name"] as? String }.sorted() == [
        "video-level_db-temp", "video-loud-skin_temp", "video-mic",
      ])
    #expect((summary["left_out"] as? [Any])?.isEmpty == true)
    let tasks = try #require(summary["tasks"] as? [[String: Any]])
    #expect(Set(tasks.compactMap { $0["project"] as? String }).count == 3 && tasks.count == 3)
    for project in projects {
      let name = try #require(project["name"] as? String)
      let file = try #require(project["tasks_file"] as? String)
      #expect(file.hasSuffix("/labelstudio/\(name)/tasks.json"))
      let written = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [Any])
      #expect(written.count == 1)
      let config = try String(contentsOfFile: try #require(project["config"] as? String), encoding: .utf8)
      for channel in try #require(project["channels"] as? [String]) {
        #expect(config.contains("<Channel column=\"\(channel)\"/>"))
      }
    }
    // Stdout names every project, not only the first.
    for name in ["video-level_db-temp", "video-loud-skin_temp", "video-mic"] {
      #expect(run.stdout.contains("project \(name) (1 task)"), "\(run.stdout)")
    }
  }

  @Test("--shard I/N runs a deterministic share; a final --resume run merges without aligning again")
  func shards() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    try Self.copyInputs(to: dir)
    let n = Self.names
    var lines = ["media,csv"]
    for _ in 0..<3 { lines.append("\(n.media),\(n.csv)") }
    let manifest = try dir.write("m.csv", lines.joined(separator: "\n") + "\n")
    let out = dir.path("out")
    for shard in ["0/2", "1/2"] {
      let result = try runTool(
        ["batch", manifest, "--out", out, "--shard", shard, "--channel", Self.sample.channel, "--quiet"], in: dir.url)
      #expect(result.status == 0, "\(result.stderr)")
    }
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: "\(out)/results").sorted() == [
        "sensor-2.json", "sensor-3.json", "sensor.json",
      ])
    #expect(FileManager.default.fileExists(atPath: "\(out)/batch-shard-0-of-2.json"))
    #expect(!FileManager.default.fileExists(atPath: "\(out)/report.html"))
    let merge = try runTool(
      ["batch", manifest, "--out", out, "--resume", "--channel", Self.sample.channel, "--url-root", dir.url.path],
      in: dir.url)
    #expect(merge.status == 0, "\(merge.stderr)")
    #expect(merge.stdout.contains("(3 reused with --resume)"))
    #expect(FileManager.default.fileExists(atPath: "\(out)/report.html"))
    // report and tasks take the results folder too.
    let report = try runTool(["report", "\(out)/results", "-o", dir.path("r.html")], in: dir.url)
    #expect(report.stdout.contains("3 results, 3 aligned"), "\(report.stdout)\(report.stderr)")
  }

  @Test(
    "killed with SIGKILL at several points, --resume finishes with outputs equal to a clean run and no partial files")
  func killAndResume() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    try Self.copyInputs(to: dir)
    let n = Self.names
    var lines = ["media,csv"]
    for k in 0..<8 { lines.append(k % 2 == 0 ? "\(n.media),\(n.csv)" : "\(n.media),\(n.other)") }
    let manifest = try dir.write("m.csv", lines.joined(separator: "\n") + "\n")
    let out = dir.path("out")
    let arguments = [
      "batch", manifest, "--out", out, "--jobs", "1", "--channel", Self.sample.channel, "--url-root", dir.url.path,
    ]
    let clean = try runTool(arguments, in: dir.url)
    #expect(clean.status == 0, "\(clean.stderr)")
    let expected = try Self.snapshot(out)
    #expect(expected.keys.contains("batch.json") && expected.keys.contains("labelstudio/tasks.json"))
    try FileManager.default.removeItem(atPath: out)

    func resultCount() -> Int {
      ((try? FileManager.default.contentsOfDirectory(atPath: "\(out)/results")) ?? []).filter { $0.hasSuffix(".json") }
        .count
    }
    // Kill points: at once; after 2 and 5 results; in the report and tasks steps.
    let points: [(String, () -> Bool)] = [
      ("start", { true }), ("2 results", { resultCount() >= 2 }), ("5 results", { resultCount() >= 5 }),
      ("report step", { resultCount() >= 8 }),
      ("tasks step", { FileManager.default.fileExists(atPath: "\(out)/report.html") }),
    ]
    var killed = 0
    for (name, ready) in points {
      let process = Process()
      process.executableURL = try toolURL()
      process.arguments = arguments + ["--resume"]
      process.currentDirectoryURL = dir.url
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      let deadline = Date(timeIntervalSinceNow: 120)
      while process.isRunning && !ready() && Date() < deadline { usleep(2000) }
      if name == "start" { usleep(100_000) }
      if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        killed += 1
      }
      process.waitUntilExit()
    }
    #expect(killed >= 3, "the batch finished before most kill points")
    // As if a kill had hit a write: a temporary file of a process that is gone.
    var host = [CChar](repeating: 0, count: 256)
    gethostname(&host, 255)
    let name = ".x.json.tmp-2147483000-0A1B2C3D@\(String(cString: host))"
    try Data("{\"partial".utf8).write(to: URL(fileURLWithPath: "\(out)/results/\(name)"))
    let final = try runTool(arguments + ["--resume"], in: dir.url)
    #expect(final.status == 0, "\(final.stderr)")
    let got = try Self.snapshot(out)
    #expect(got.keys.sorted() == expected.keys.sorted())
    for (name, data) in expected { #expect(got[name] == data, "\(name) differs from the clean run") }
    #expect(Self.temporaries(out).isEmpty, "left: \(Self.temporaries(out))")
  }

  /// A stand-in child (`MEDIAALIGN_BATCH_CHILD`): for an item whose media
  /// is `hang.mp4` it starts a grandchild (`sleep`, its pid in
  /// `grandchild.pid`) and waits for it; every other item runs the real
  /// `mediaalign`.
  static func hangingChild(in dir: TemporaryDirectory) throws -> String {
    let path = try dir.write(
      "child.sh",
      """
      #!/bin/sh
      case "$*" in
        *hang.mp4*)
          sleep 1000 &
          echo $! > "\(dir.path("grandchild.pid"))"
          wait
          exit 1 ;;
        *) exec "\(try toolURL().path)" "$@" ;;
      esac

      """)
    chmod(path, 0o755)
    return path
  }

  static func alive(_ pidFile: String) -> Bool {
    guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
      let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    else { return false }
    // Running: the process exists and is no zombie (a killed process whose
    // parent is gone waits for an init that may never reap it).
    guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let state = stat.split(separator: ")").last?.split(separator: " ").first
    else { return false }
    return state != "Z" && state != "X"
  }

  @Test(
    "a hung item is stopped at --item-timeout with its process group, a FIFO item fails, the rest align and are reported; a second batch on the same --out refuses"
  )
  func itemsCannotTakeTheBatchDown() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    try Self.copyInputs(to: dir)
    let n = Self.names
    try FileManager.default.copyItem(atPath: dir.path(n.media), toPath: dir.path("hang.mp4"))
    #expect(mkfifo(dir.path("fifo.csv"), 0o600) == 0)
    let manifest = try dir.write(
      "manifest.csv",
      """
      id,media,csv
      good,\(n.media),\(n.csv)
      fifo,\(n.media),fifo.csv
      hang,hang.mp4,\(n.csv)
      pair,\(n.media),\(n.other)

      """)
    let child = try Self.hangingChild(in: dir)
    let out = dir.path("out")
    let started = Date()
    let run = try runTool(
      [
        "batch", manifest, "--out", out, "--jobs", "2", "--item-timeout", "3", "--channel", Self.sample.channel,
        "--url-root", dir.url.path,
      ], in: dir.url, environment: ["MEDIAALIGN_BATCH_CHILD": child])
    #expect(Date().timeIntervalSince(started) < 90, "the hung item held the batch")
    #expect(run.status == 1)
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/batch.json")))
        as? [String: Any])
    let items = try #require(summary["items"] as? [[String: Any]])
    #expect(items.map { $0["status"] as? String } == ["aligned", "failed", "failed", "aligned"])
    #expect(
      (items[1]["error"] as? String)?.contains("fifo.csv: is not a regular file (a FIFO, device or socket)") == true,
      "\(items[1])")
    #expect(
      (items[2]["error"] as? String)?.hasPrefix("align ran longer than --item-timeout (3 s) and was stopped") == true,
      "\(items[2])")
    // The hung child's whole group went: its grandchild too.
    #expect(!Self.alive(dir.path("grandchild.pid")), "the hung item's grandchild outlived the timeout")
    #expect((summary["step_errors"] as? [Any])?.isEmpty == true)
    #expect(FileManager.default.fileExists(atPath: "\(out)/report.html"))
    let tasks = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/labelstudio/tasks.json")))
        as? [Any])
    #expect(tasks.count == 1)  // the good sensor item

    // While a batch holds the folder, a second one refuses, naming it.
    let lock = try OutputLockHolder(folder: out)
    let second = try runTool(["batch", manifest, "--out", out], in: dir.url)
    #expect(second.status == 1)
    #expect(second.stderr.contains("mediaalign: error: \(out): another batch ("), "\(second.stderr)")
    lock.release()
  }

  @Test("usage errors: no manifest or both, bad --shard")
  func usage() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let none = try runTool(["batch", "--out", "o"], in: dir.url)
    #expect(none.status == 64 && none.stderr.contains("Give a MANIFEST or --pair DIR"))
    let shard = try runTool(["batch", "m.csv", "--out", "o", "--shard", "2/2"], in: dir.url)
    #expect(shard.status == 64 && shard.stderr.contains("--shard must be I/N with 0 ≤ I < N"))
    let missing = try runTool(["batch", "nowhere.csv", "--out", "o"], in: dir.url)
    #expect(missing.status == 1 && missing.stderr.contains("nowhere.csv"))
  }
}

/// Holds `DIR/.cache/batch.lock` as a running batch does (an exclusive `flock`).
struct OutputLockHolder: ~Copyable {
  private let descriptor: Int32
  init(folder: String) throws {
    let fd = open("\(folder)/.cache/batch.lock", O_RDWR | O_CREAT, 0o644)
    guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw POSIXError(.EBUSY) }
    descriptor = fd
  }
  deinit { close(descriptor) }
  consuming func release() {}
}
