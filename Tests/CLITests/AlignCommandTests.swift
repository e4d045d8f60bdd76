import Foundation
import TestSupport
import Testing

/// `mediaalign align`, run as the built binary on the bundled sample, whose
/// sensor starts 2.5 s after the media and runs 0.1 % fast.
@Suite("align command")
struct AlignCommandTests {
  static let sample = MediaTruth.load.sample

  @Test("MEDIA CSV --json: the clock map within 10 ms over the whole overlap")
  func json() throws {
    let s = Self.sample
    let result = try runTool(["align", s.media, s.csv, "--channel", s.channel, "--json"], in: TestPaths.testMedia)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["status"] as? String == "aligned")
    let offset = try #require(object["offset"] as? Double)
    let scale = try #require(object["scale"] as? Double)
    let origin = try #require(object["csv_origin"] as? Double)
    #expect(origin == s.csvOrigin)
    // Worst error between the first and last rows (35.5 sensor seconds).
    let span = 35.5
    let error = max(abs(offset - s.offset), abs((offset + scale * span) - (s.offset + s.scale * span)))
    #expect(error < 0.010, "offset \(offset), scale \(scale): worst error \(error * 1000) ms")
    #expect(abs(((object["drift_ppm"] as? Double) ?? 0) - (scale - 1) * 1e6) < 1e-6)
    #expect(((object["confidence"] as? Double) ?? 0) >= 0.8)
    let series = try #require(object["series"] as? [String: Any])
    #expect(series["channel"] as? String == "level_db" && series["rows"] as? Int == 1777)
    let media = try #require(object["media"] as? [String: Any])
    #expect((media["frame_rate"] as? Double) == 25)
    #expect(object["model"] as? String == "linear")
    let windows = try #require(object["windows"] as? [[String: Any]])
    #expect(windows.count >= 3)
  }

  @Test("a CSV that lost 2 s of rows part-way: a piecewise map, every row within 10 ms of the truth")
  func piecewise() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let p = MediaTruth.load.piecewise
    let target = dir.path("corrected.csv")
    let result = try runTool(
      ["align", p.media, p.csv, "--channel", p.channel, "--json", "--write-csv", target], in: TestPaths.testMedia)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["status"] as? String == "aligned" && object["model"] as? String == "piecewise")
    let segments = try #require(object["segments"] as? [[String: Any]])
    try #require(segments.count == 2)
    // The boundary falls between the last row of the first piece and the first of the second.
    let boundary = try #require(segments[1]["csv_start"] as? Double)
    #expect(boundary > 1054.98 && boundary <= 1055.0, "boundary \(boundary)")
    #expect(abs(((segments[1]["jump_ms"] as? Double) ?? 0) - 2000) < 10)
    #expect((object["offset"] as? Double) == (segments[0]["offset"] as? Double))
    #expect((object["warnings"] as? [String])?.contains { $0.contains("the map is piecewise") } == true)
    // Every row of the corrected copy, against the truth.
    let lines = try String(contentsOfFile: target, encoding: .utf8).split(separator: "\n").dropFirst(2)
    var worst = 0.0
    for line in lines {
      let cells = line.split(separator: ",").map { Double($0) ?? .nan }
      worst = max(worst, abs(cells[0] - p.mediaTime(cells[1])))
    }
    #expect(lines.count == 4728 && worst < 0.010, "\(lines.count) rows, worst \(worst * 1000) ms")
    // --model linear: one line, which the jump leaves unconvincing.
    let linear = try runTool(
      ["align", p.media, p.csv, "--channel", p.channel, "--json", "--model", "linear"], in: TestPaths.testMedia)
    let line = try #require(try JSONSerialization.jsonObject(with: Data(linear.stdout.utf8)) as? [String: Any])
    #expect(line["model"] as? String == "linear" && line["segments"] == nil)
    // … and says which stretch it leaves unexplained.
    #expect(
      (line["warnings"] as? [String])?.contains { $0.contains("--model auto") } == true, "\(line["warnings"] ?? "")")
  }

  @Test("--write-csv writes the corrected copy: first row 0.0, media seconds, sensor_time kept")
  func writeCSV() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let s = Self.sample
    let target = dir.path("corrected.csv")
    let result = try runTool(
      ["align", s.media, s.csv, "--channel", s.channel, "--write-csv", target], in: TestPaths.testMedia)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout.contains("corrected CSV: \(target)"))
    let lines = try String(contentsOfFile: target, encoding: .utf8).split(separator: "\n")
    #expect(lines[0] == "time,sensor_time,level_db,temp")
    #expect(lines[1].hasPrefix("0.0,"), "\(lines[1])")  // the sensor starts late: a row at 0.0 is prepended
    let second = lines[2].split(separator: ",").map { Double($0) ?? .nan }
    #expect(abs(second[0] - s.offset) < 0.010 && second[1] == s.csvOrigin, "\(lines[2])")
    #expect(lines.count == 1 + 1 + 1777)
  }

  @Test("an unrelated sensor is rejected: exit 1 and the reason on stderr")
  func unrelated() throws {
    let s = Self.sample
    let result = try runTool(
      ["align", s.media, s.unrelated, "--channel", s.channel, "--json"], in: TestPaths.testMedia)
    #expect(result.status == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["status"] as? String == "rejected")
    #expect(((object["confidence"] as? Double) ?? 1) < 0.3)
    #expect(result.stderr.hasPrefix("mediaalign: error: \(s.unrelated): alignment rejected: "), "\(result.stderr)")
  }

  @Test("REF OTHER: a second recorder starting 5 s later at 44.1 kHz")
  func mediaPair() throws {
    let s = Self.sample
    let result = try runTool(["align", s.media, s.otherMedia, "--json"], in: TestPaths.testMedia)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["status"] as? String == "aligned")
    let offset = try #require(object["offset"] as? Double)
    let scale = try #require(object["scale"] as? Double)
    let span = 33.0
    let error = max(abs(offset - s.otherOffset), abs((offset + scale * span) - (s.otherOffset + span)))
    #expect(error < 0.010, "offset \(offset), scale \(scale): worst error \(error * 1000) ms")
    #expect((object["other"] as? [String: Any])?["path"] as? String == s.otherMedia)
  }

  @Test("usage errors exit 64")
  func usage() throws {
    let s = Self.sample
    let range = try runTool(["align", s.media, s.csv, "--scale-range", "1.05-0.95"], in: TestPaths.testMedia)
    #expect(range.status == 64 && range.stderr.contains("--scale-range must be LOW-HIGH"))
    let missing = try runTool(["align", s.media, s.csv, "--channel", "nope"], in: TestPaths.testMedia)
    #expect(missing.status == 1)
    #expect(
      missing.stderr.contains("no column 'nope'; the columns are 'time', 'level_db', 'temp'"), "\(missing.stderr)")
  }

  @Test("integer milliseconds since boot in a column named like a time: inferred, said, and aligned")
  func millisecondsSinceBoot() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let s = Self.sample
    // The sample's rows again, times as integer ms since a boot 86,400 s earlier ("timestamp": no unit in the name).
    let rows = try String(contentsOfFile: TestPaths.media(s.csv), encoding: .utf8).split(separator: "\n").dropFirst()
    var text = "timestamp,level_db,temp\n"
    for row in rows {
      let cells = row.split(separator: ",")
      let ms = Int64((Double(cells[0])! * 1000).rounded()) + 86_400_000
      text += "\(ms),\(cells[1]),\(cells[2])\n"
    }
    let csv = try dir.write("boot.csv", text)
    let result = try runTool(["align", TestPaths.media(s.media), csv, "--channel", s.channel, "--json"], in: dir.url)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stderr.contains("read 'timestamp' as milliseconds (its values step by 20, 50 Hz in milliseconds)"))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let offset = try #require(object["offset"] as? Double)
    #expect(abs(offset - s.offset) < 0.010, "offset \(offset)")
    let series = try #require(object["series"] as? [String: Any])
    let options = try #require(series["csv_options"] as? [String: Any])
    #expect(options["time_unit"] as? String == "ms")
  }

  @Test("times that cannot be right for media fail at once with the reason and the rows")
  func impossibleTimes() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let s = Self.sample
    // Rows 20 s apart (ms read as s), and one row stamped 30 years on.
    let slow = try dir.write(
      "slow.csv", "time,x\n" + (0..<200).map { "\(1000 + 20 * $0),\($0 % 7)" }.joined(separator: "\n"))
    let far = try dir.write(
      "far.csv",
      "time,x\n" + (0..<2000).map { String(format: "%.2f,%d", Double($0) * 0.02, $0 % 7) }.joined(separator: "\n")
        + "\n1000000000,3\n")
    let a = try runTool(["align", TestPaths.media(s.media), slow, "--time-unit", "s"], in: dir.url)
    #expect(a.status == 1 && a.stderr.contains("its rows are 20 s apart (0.05 Hz): too slow to align"), "\(a.stderr)")
    let b = try runTool(["align", TestPaths.media(s.media), far], in: dir.url)
    #expect(b.status == 1 && b.stderr.contains("the time column spans 11574 days"), "\(b.stderr)")
    #expect(b.stderr.contains("between lines 2001 and 2002"), "\(b.stderr)")
  }
}
