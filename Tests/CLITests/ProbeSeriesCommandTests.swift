import Foundation
import TestSupport
import Testing

/// `mediaalign probe SERIES.csv`, run as the built binary.
@Suite("probe command on CSVs")
struct ProbeSeriesCommandTests {
  @Test("--json is docs/formats.md's series object")
  func json() throws {
    let result = try runTool(["probe", "--json", "csv/wearable_semicolon.csv"], in: TestPaths.testMedia)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["path"] as? String == "csv/wearable_semicolon.csv")
    #expect(object["rows"] as? Int == 5)
    #expect(object["delimiter"] as? String == ";")
    #expect(object["columns"] as? [String] == ["Timestamp", "AX", "AY", "AZ", "Label"])
    #expect(object["missing"] as? [String: Int] == ["AX": 1, "AY": 1])
    let time = try #require(object["time"] as? [String: Any])
    #expect(time["column"] as? String == "Timestamp")
    // 2024-03-01T10:00:00+01:00 = 09:00:00Z.
    #expect((time["start"] as? Double).map { abs($0 - 1_709_283_600) < 1e-6 } == true)
    #expect((time["end"] as? Double).map { abs($0 - 1_709_283_600.12) < 1e-6 } == true)
    #expect((time["rate_hz"] as? Double).map { abs($0 - 50) < 0.01 } == true)
    #expect(time["gaps"] as? [Any] != nil)
  }

  @Test("text output names the delimiter, span, rate and missing cells")
  func text() throws {
    let result = try runTool(["probe", "csv/wearable_semicolon.csv"], in: TestPaths.testMedia)
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.first == "csv/wearable_semicolon.csv: CSV (';'-separated), 5 rows, columns Timestamp, AX, AY, AZ, Label")
    #expect(lines.contains("  missing cells: AX 1, AY 1"))
    #expect(lines.contains("  text columns: Label"))
  }

  @Test("time going backwards: one error line with the line number; --sort reads it")
  func backwards() throws {
    let failed = try runTool(["probe", "csv/backwards.csv"], in: TestPaths.testMedia)
    #expect(failed.status == 1)
    #expect(
      failed.stderr
        == "mediaalign: error: csv/backwards.csv: line 4, column 'time': time goes backwards (0.01 after 0.02); pass --sort to sort the rows by time\n"
    )
    let sorted = try runTool(["probe", "--sort", "csv/backwards.csv"], in: TestPaths.testMedia)
    #expect(sorted.status == 0)
    #expect(sorted.stdout.contains("warning: 1 rows were out of time order and have been sorted (--sort)"))
  }

  @Test("a bad --time-format is a usage error")
  func badFormat() throws {
    let result = try runTool(["probe", "--time-format", "%Y-%q", "csv/backwards.csv"], in: TestPaths.testMedia)
    #expect(result.status == 64)
    #expect(result.stderr.contains("unknown directive '%q'"))
  }
}
