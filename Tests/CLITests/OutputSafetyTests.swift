import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `AtomicFile`'s output policy through the binary: no output flag can
/// destroy an input however it is spelled, special files are written to and
/// never replaced, symlinks are written through, modes are kept, and a
/// signal during a write leaves neither a temporary file nor a partial one.
@Suite("output safety")
struct OutputSafetyTests {
  static let sample = MediaTruth.load.sample

  /// A folder with the sample's media and CSV, an align result of them, a
  /// symlink and a hard link to each, and a JSON batch manifest.
  struct Setup {
    let dir: TemporaryDirectory
    var inputs: [String] { ["session.mp4", "sensor.csv", "r.json", "batch.json"] }

    init() throws {
      dir = try TemporaryDirectory()
      let sample = OutputSafetyTests.sample
      try FileManager.default.copyItem(atPath: TestPaths.media(sample.media), toPath: dir.path("session.mp4"))
      try FileManager.default.copyItem(atPath: TestPaths.media(sample.csv), toPath: dir.path("sensor.csv"))
      let run = try runTool(["align", "session.mp4", "sensor.csv", "--channel", sample.channel, "--json"], in: dir.url)
      try #require(run.status == 0, "\(run.stderr)")
      _ = try dir.write("r.json", run.stdout)
      _ = try dir.write(
        "batch.json", #"[{"id": "one", "media": "session.mp4", "csv": "sensor.csv", "channel": "level_db"}]"#)
      for name in inputs {
        #expect(symlink(name, dir.path("link-\(name)")) == 0)
        #expect(link(dir.path(name), dir.path("hard-\(name)")) == 0)
      }
      try FileManager.default.createDirectory(atPath: dir.path("sub"), withIntermediateDirectories: true)
    }

    /// Every spelling of `name`: plain, `./`, `sub/../`, a symlink, a hard link.
    func spellings(_ name: String) -> [String] {
      [name, "./\(name)", "sub/../\(name)", "link-\(name)", "hard-\(name)"]
    }

    func contents() throws -> [Data] {
      try inputs.map { try Data(contentsOf: dir.url.appendingPathComponent($0)) }
    }
  }

  @Test("every output flag aimed at every input, in every spelling: exit 1, one clear line, inputs unchanged")
  func outputsNeverOverwriteInputs() throws {
    let setup = try Setup()
    defer { setup.dir.cleanUp() }
    let before = try setup.contents()
    var commands: [[String]] = []
    for name in ["session.mp4", "sensor.csv"] {
      for spelling in setup.spellings(name) {
        commands.append(["align", "session.mp4", "sensor.csv", "--channel", "level_db", "--write-csv", spelling])
        if name == "session.mp4" { commands.append(["envelope", "session.mp4", "-o", spelling]) }
      }
    }
    for name in ["r.json", "session.mp4", "sensor.csv"] {
      for spelling in setup.spellings(name) {
        commands.append(["report", "r.json", "-o", spelling])
        commands.append(["report", "r.json", "-o", "report.html", "--markdown", spelling])
      }
    }
    for command in commands {
      let run = try runTool(command, in: setup.dir.url)
      let line = "\(command.joined(separator: " ")): \(run.stderr)"
      #expect(run.status == 1, "\(line)")
      #expect(run.stderr.hasPrefix("mediaalign: error: ") && run.stderr.split(separator: "\n").count == 1, "\(line)")
      #expect(run.stderr.contains("is an input of this run"), "\(line)")
      #expect(try setup.contents() == before, "\(line): an input changed")
    }
    // tasks: its output folder holds the result it reads, as tasks.json.
    let out = setup.dir.path("out")
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: setup.dir.path("r.json"), toPath: (out as NSString).appendingPathComponent("tasks.json"))
    let resultBytes = try Data(contentsOf: URL(fileURLWithPath: (out as NSString).appendingPathComponent("tasks.json")))
    let tasks = try runTool(
      ["tasks", "out/tasks.json", "--out", "out", "--url-root", setup.dir.url.path], in: setup.dir.url)
    #expect(tasks.status == 1 && tasks.stderr.contains("is an input of this run"), "\(tasks.stderr)")
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: (out as NSString).appendingPathComponent("tasks.json"))) == resultBytes)
    // batch: a JSON manifest named batch.json in --out is refused before any item runs.
    let batch = try runTool(["batch", "batch.json", "--out", ".", "--url-root", setup.dir.url.path], in: setup.dir.url)
    #expect(batch.status == 1, "\(batch.stderr)")
    #expect(
      batch.stderr.contains("is an input of this batch") && batch.stderr.contains("choose another --out"),
      "\(batch.stderr)")
    #expect(!FileManager.default.fileExists(atPath: setup.dir.path("results/one.json")))
    #expect(try setup.contents() == before)
  }

  @Test("a character device is written to, not replaced", .enabled(if: getuid() == 0, "mknod needs root"))
  func characterDevice() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let device = dir.path("null")
    // The null device's numbers (1, 3): writes vanish, the node stays.
    #expect(mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0)
    let run = try runTool(["envelope", TestPaths.media(Self.sample.media), "-o", device], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    var status = stat()
    #expect(lstat(device, &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR, "the device was replaced")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["null"])
  }

  @Test("a symlink output is written through; a replaced file keeps its mode")
  func symlinkAndMode() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let real = try dir.write("real.csv", "old\n")
    #expect(chmod(real, 0o600) == 0)
    #expect(symlink("real.csv", dir.path("link.csv")) == 0)
    let run = try runTool(["envelope", TestPaths.media(Self.sample.media), "-o", "link.csv"], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    var status = stat()
    #expect(lstat(dir.path("link.csv"), &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK, "the link was replaced")
    let written = try String(contentsOfFile: real, encoding: .utf8)
    #expect(written.hasPrefix("time,rms\n"), "the link's target was not written")
    #expect(
      stat(real, &status) == 0 && status.st_mode & 0o777 == 0o600, "mode \(String(status.st_mode & 0o777, radix: 8))")
    // A link to nothing is refused.
    #expect(symlink("missing.csv", dir.path("dangling.csv")) == 0)
    let dangling = try runTool(["envelope", TestPaths.media(Self.sample.media), "-o", "dangling.csv"], in: dir.url)
    #expect(dangling.status == 1 && dangling.stderr.contains("is a symlink to missing.csv, which does not exist"))
  }

  @Test("SIGINT and SIGTERM during writes, 50 times: no temporary file left, no partial output")
  func signalsDuringWrites() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let media = TestPaths.media(Self.sample.media)
    // 40 s at 4 kHz: 160,000 lines (about 3 MB), so many signals land mid-write.
    let arguments = ["envelope", media, "--rate", "4000", "--threads", "1"]
    let reference = try runTool(arguments + ["-o", "reference.csv"], in: dir.url)
    try #require(reference.status == 0, "\(reference.stderr)")
    let complete = try Data(contentsOf: URL(fileURLWithPath: dir.path("reference.csv")))
    var random = SplitMix64(state: 5)
    var killed = 0
    for attempt in 0..<50 {
      let output = "out-\(attempt).csv"
      let process = Process()
      process.executableURL = try toolURL()
      process.arguments = arguments + ["-o", output]
      process.currentDirectoryURL = dir.url
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(useconds_t(20_000 + random.next() % 400_000))
      kill(process.processIdentifier, attempt % 2 == 0 ? SIGINT : SIGTERM)
      process.waitUntilExit()
      if process.terminationReason == .uncaughtSignal { killed += 1 }
      let path = dir.path(output)
      if FileManager.default.fileExists(atPath: path) {
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == complete, "\(output) is partial")
      }
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.contains(".tmp-") }
    #expect(left.isEmpty, "temporary files left: \(left)")
    #expect(killed >= 25, "only \(killed) of 50 runs were still running when signalled")
  }
}
