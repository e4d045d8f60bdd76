import Foundation
import TestSupport
import Testing
import TimeSeries

@testable import AlignKit

/// Manifests, `--pair`, ids, shards, fingerprints and the clean-up of a
/// killed run's temporary files.
@Suite("batch plan")
struct BatchPlanTests {
  @Test("CSV manifest: paths from its folder, per-row cells, ids unique, unknown columns named")
  func csvManifest() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    try FileManager.default.createDirectory(atPath: dir.path("lists"), withIntermediateDirectories: true)
    let manifest = try dir.write(
      "lists/manifest.csv",
      "\u{FEFF}media,csv,Time Column,channel,subject\r\n"
        + "../rec/a.mp4,../rec/a.csv,t,\"mag(ax,ay,az)\",p1\r\n"
        + "/abs/b.mp4,b.csv,,,p2\r\n"
        + "\r\n"
        + "../rec/c.mp4,../rec/a.csv,,,p3\r\n"
        + ",x.csv,,,p4\r\n")
    let plan = try readManifest(manifest)
    let root = URL(fileURLWithPath: dir.url.path).standardizedFileURL.path
    #expect(plan.items.map(\.id) == ["a", "b", "a-2", "x"])
    #expect(plan.items[0].media == "\(root)/rec/a.mp4")
    #expect(plan.items[0].csv == "\(root)/rec/a.csv")
    #expect(plan.items[0].timeColumn == "t")
    #expect(plan.items[0].channel == "mag(ax,ay,az)")
    #expect(plan.items[1].media == "/abs/b.mp4")
    #expect(plan.items[1].csv == "\(root)/lists/b.csv")
    #expect(plan.items[1].timeColumn == nil && plan.items[1].channel == nil)
    #expect(plan.items[2].source == "manifest.csv:5")
    #expect(plan.items.prefix(3).allSatisfy { $0.problem == nil })
    #expect(plan.items[3].problem == "no media path; fill in the cell")
    #expect(plan.warnings.count == 1)
    #expect(plan.warnings[0].contains("'subject' not used"))
  }

  @Test("a manifest without media and csv columns is refused, naming the columns it has")
  func csvManifestHeader() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let manifest = try dir.write("m.csv", "video_file,sensor_file\na.mp4,a.csv\n")
    #expect {
      try readManifest(manifest)
    } throws: { error in
      "\(error)"
        == "\(manifest): line 1: the header needs 'media' and 'csv' columns (it has 'video_file', 'sensor_file'); add a header row such as media,csv,time_column,channel"
    }
  }

  @Test("JSON manifest: an array or {items}, numbers as text, a bad element fails alone")
  func jsonManifest() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let root = URL(fileURLWithPath: dir.url.path).standardizedFileURL.path
    let array = try dir.write(
      "m.json",
      #"[{"media": "v/a.mp4", "csv": "s/a.csv", "channel": 2, "id": "../weird id"}, 7, {"csv": "b.csv", "note": 1}]"#)
    let plan = try readManifest(array)
    #expect(plan.items.count == 3)
    #expect(plan.items[0].id == "_._weird_id")
    #expect(plan.items[0].media == "\(root)/v/a.mp4")
    #expect(plan.items[0].channel == "2")
    #expect(plan.items[1].problem == "m.json[1]: not an object with media and csv")
    #expect(plan.items[2].problem == "no media path; fill in the cell")
    #expect(
      plan.warnings == [
        "\(array): key 'note' not used (known: id, media, csv, time_column, channel, time_format, time_unit, rate, start, skip_rows, comment)"
      ])
    let object = try dir.write("o.json", #"{"items": [{"media": "a.mp4", "csv": "a.csv"}]}"#)
    #expect(try readManifest(object).items.map(\.id) == ["a"])
    let broken = try dir.write("b.json", "[{")
    #expect(throws: ManifestError.self) { try readManifest(broken) }
  }

  @Test("--pair pairs by stem per folder; lonely files are warnings, a shared stem fails its item")
  func pairing() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    try FileManager.default.createDirectory(atPath: dir.path("day2"), withIntermediateDirectories: true)
    for name in [
      "walk.mp4", "walk.csv", "walk.aligned.csv", "run.wav", "run.mp4", "run.csv", "lonely.mp4", "notes.md",
      "day2/walk.m4a", "day2/walk.tsv", ".hidden.csv",
    ] {
      _ = try dir.write(name, "x")
    }
    let plan = try pairFolder(dir.url.path)
    let root = URL(fileURLWithPath: dir.url.path).standardizedFileURL.path
    #expect(plan.items.map(\.id) == ["day2_walk", "run", "walk"])
    #expect(plan.items[0].media == "\(root)/day2/walk.m4a" && plan.items[0].csv == "\(root)/day2/walk.tsv")
    #expect(plan.items[1].problem?.contains("run.mp4 and run.wav share a stem") == true)
    #expect(plan.items[2].media == "\(root)/walk.mp4" && plan.items[2].csv == "\(root)/walk.csv")
    #expect(plan.warnings == ["lonely.mp4: no CSV with the stem 'lonely'; not in the batch"])
    #expect(throws: ManifestError.self) { try pairFolder(dir.path("nowhere")) }
  }

  @Test("shards are disjoint, cover the plan and do not depend on the run")
  func shards() {
    let items = (0..<10).map { BatchItem(id: "i\($0)", media: "m", csv: "c", source: "s") }
    let shards = (0..<3).map { Shard("\($0)/3")!.select(items).map(\.id) }
    #expect(shards[0] == ["i0", "i3", "i6", "i9"])
    #expect(shards[1] == ["i1", "i4", "i7"])
    #expect(Set(shards.flatMap { $0 }).count == 10)
    #expect(Shard("3/3") == nil && Shard("-1/2") == nil && Shard("1/0") == nil && Shard("a/b") == nil)
    #expect(Shard("0/1")!.select(items).count == 10)
  }

  @Test("the fingerprint sees a change in the last MiB with size and mtime kept; files of 1–2 MiB hash whole")
  func fingerprints() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    for size in [0, 1000, 1_500_000, 3_000_000] {
      let path = dir.path("f\(size)")
      var bytes = [UInt8](repeating: 7, count: size)
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let before = try #require(InputFingerprint(path: path))
      #expect(before.size == Int64(size))
      #expect(InputFingerprint(path: path) == before)
      guard size > 0 else { continue }
      // One byte near the end, the modification time put back.
      bytes[size - 10] = 8
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      var times = [
        timespec(tv_sec: Int(before.mtimeNs / 1_000_000_000), tv_nsec: Int(before.mtimeNs % 1_000_000_000)),
        timespec(tv_sec: Int(before.mtimeNs / 1_000_000_000), tv_nsec: Int(before.mtimeNs % 1_000_000_000)),
      ]
      #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
      let after = try #require(InputFingerprint(path: path))
      #expect(after.mtimeNs == before.mtimeNs && after.size == before.size)
      #expect(after.headTailHash != before.headTailHash, "size \(size)")
    }
    #expect(InputFingerprint(path: dir.path("missing")) == nil)
    #expect(InputFingerprint(path: dir.url.path) == nil)
  }

  @Test("temporary files of dead processes on this host are removed; a live process's and another host's are kept")
  func staleTemporaries() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    // Above any pid_max Linux allows (2^22): no such process.
    let dead: Int32 = 2_147_483_000
    #expect(kill(dead, 0) == -1 && errno == ESRCH)
    let host = TemporaryFile.host
    let stale = try dir.write(".a.json.tmp-\(dead)-0A1B2C3D@\(host)", "partial")
    let live = try dir.write(".b.json.tmp-1-0A1B2C3D@\(host)", "pid 1 is alive")
    // A shard on another machine sharing the folder: its pid means nothing here.
    let remote = try dir.write(".d.json.tmp-\(dead)-0A1B2C3D@\(host)-other-node", "another host's")
    let other = try dir.write(".c.json.tmp-notapid", "not ours")
    let result = try dir.write("a.json", "{}")
    #expect(removeStaleTemporaries(in: dir.url.path) == 1)
    #expect(!FileManager.default.fileExists(atPath: stale))
    for kept in [live, remote, other, result] { #expect(FileManager.default.fileExists(atPath: kept)) }
    // The name a TemporaryFile makes parses back to this process and host.
    let made = TemporaryFile(beside: dir.path("x.csv"))
    defer { made.remove() }
    let owner = try #require(TemporaryFile.owner(ofName: (made.path as NSString).lastPathComponent))
    #expect(owner.pid == getpid() && owner.host == host)
  }

  @Test("a manifest's cells replace the batch's align options")
  func command() {
    var options = BatchOptions(outputDirectory: "/out", executable: "/bin/mediaalign")
    options.alignArguments = ["--channel", "auto", "--time-column", "ts", "--min-overlap", "0.3"]
    let item = BatchItem(id: "a", media: "/m.mp4", csv: "/c.csv", timeColumn: "time", channel: "level", source: "m:2")
    #expect(
      alignCommand(for: item, options: options)
        == [
          "align", "/m.mp4", "/c.csv", "--json", "--min-overlap", "0.3", "--time-column", "time", "--channel", "level",
        ])
    let plain = BatchItem(id: "b", media: "/m.mp4", csv: "/c.csv", source: "m:3")
    #expect(
      alignCommand(for: plain, options: options) == ["align", "/m.mp4", "/c.csv", "--json"] + options.alignArguments)
  }
}
