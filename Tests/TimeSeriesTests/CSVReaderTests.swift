import Foundation
import TestSupport
import Testing
import TimeSeries

@Suite("CSV reading")
struct CSVReaderTests: ReadsCSV {
  @Test("delimiters are detected", arguments: [",", ";", "\t", "|"])
  func delimiters(_ d: String) throws {
    let table = try read("time\(d)ax\(d)ay\n0.0\(d)1\(d)2\n0.5\(d)3\(d)4\n")
    #expect(table.delimiter == d.utf8.first)
    #expect(table.times == [0.0, 0.5])
    #expect(table.columns.map(\.name) == ["ax", "ay"])
    #expect(table.columns[1].numbers == [2, 4])
  }

  @Test("a semicolon file with decimal commas")
  func decimalComma() throws {
    let table = try read("zeit;wert\n0,5;1,25\n1,0;-2,5\n", CSVOptions(timeColumn: "zeit"))
    #expect(table.delimiter == UInt8(ascii: ";"))
    #expect(table.columns[0].numbers == [1.25, -2.5])
    // The time column holds decimal commas too: read as numbers? Not by the fast
    // path; it must say which value it cannot read.
    #expect(table.times == [0.5, 1.0])
  }

  @Test("quoted fields and headers, doubled quotes, a line break inside quotes, BOM and CRLF")
  func quoting() throws {
    let text =
      "\u{FEFF}\"time\",\"note, text\",\"value\"\r\n0,\"say \"\"hi\"\"\",1.5\r\n1,\"two\nlines\",2.5\r\n2,plain,3.5\r\n"
    let table = try read(text)
    #expect(table.timeColumn == "time")
    #expect(table.columns.map(\.name) == ["note, text", "value"])
    #expect(table.columns[0].values == .text(["say \"hi\"", "two\nlines", "plain"]))
    #expect(table.columns[1].numbers == [1.5, 2.5, 3.5])
    #expect(table.times == [0, 1, 2])
  }

  @Test("no header: columns by index")
  func noHeader() throws {
    let table = try read("10,0.1,5\n20,0.2,6\n", CSVOptions(hasHeader: false, timeColumn: "1"))
    #expect(table.timeColumn == "column_1")
    #expect(table.times == [0.1, 0.2])
    #expect(table.columns.map(\.name) == ["column_0", "column_2"])
    #expect(table.columns[1].numbers == [5, 6])
  }

  @Test("time units, epoch milliseconds and nanoseconds keep their precision")
  func units() throws {
    let ms = try read("t,x\n1700000000123,1\n1700000000133,2\n", CSVOptions(timeUnit: .ms))
    #expect(ms.times == [1_700_000_000.123, 1_700_000_000.133])
    let ns = try read("t,x\n1700000000123456789,1\n1700000000133456789,2\n", CSVOptions(timeUnit: .ns))
    #expect(abs(ns.times[0] - 1_700_000_000.123456789) < 5e-7)
    #expect(abs((ns.times[1] - ns.times[0]) - 0.010) < 5e-7)
    let us = try read("t,x\n1500,1\n2500,2\n", CSVOptions(timeUnit: .us))
    #expect(us.times == [0.0015, 0.0025])
    // Epoch milliseconds with no unit given are inferred as such; given as
    // seconds, they get a warning.
    let inferred = try read("t,x\n1700000000123,1\n1700000000133,2\n")
    #expect(inferred.times == [1_700_000_000.123, 1_700_000_000.133] && inferred.timeUnit == .ms)
    let looksMs = try read("t,x\n1700000000123,1\n1700000000133,2\n", CSVOptions(timeUnit: .s))
    #expect(looksMs.warnings.contains { $0.contains("--time-unit ms") }, "\(looksMs.warnings)")
  }

  @Test("ISO 8601: zones, fractions of 1 to 9 digits, leap days")
  func iso8601() throws {
    let text = """
      timestamp,x
      2024-02-29T23:59:59.5Z,1
      2024-03-01T01:00:00.123456789+01:00,2
      2024-03-01 00:00:01.1,3
      2024-03-01T00:00:03.123456789123,4
      2024-03-01T00:00:02-0030,5

      """
    let table = try read(text)
    let base = 1_709_251_199.0  // 2024-02-29T23:59:59Z
    // -0030 is 30 minutes west of UTC: 00:30:02 UTC.
    let expected = [base + 0.5, base + 1.123456789, base + 2.1, base + 4.123456789, base + 1803]
    #expect(table.times.count == expected.count)
    for (got, want) in zip(table.times, expected) {
      #expect(abs(got - want) < 1e-6, "\(got) vs \(want)")
    }
    // Without its zone the last row goes backwards.
    let error = try readError(text.replacingOccurrences(of: "-0030", with: ""))
    #expect(
      error
        == "s.csv: line 6, column 'timestamp': time goes backwards (2024-03-01T00:00:02 after 2024-03-01T00:00:03.123456789123); pass --sort to sort the rows by time"
    )
  }

  @Test("an impossible date is an error naming line and column")
  func badDate() throws {
    let error = try readError("time,x\n2023-02-28T00:00:00Z,1\n2023-02-29T00:00:00Z,2\n")
    #expect(
      error
        == "s.csv: line 3, column 'time': cannot read the time '2023-02-29T00:00:00Z'; the column holds ISO 8601 date-times above; fix this value"
    )
  }

  @Test("strftime formats as Label Studio's timeFormat")
  func strftime() throws {
    let table = try read(
      "when,x\n29/02/2024 12:00:00.250,1\n29/02/2024 12:00:01.500,2\n",
      CSVOptions(timeFormat: try TimeFormat("%d/%m/%Y %H:%M:%S.%L")))
    #expect(table.times == [1_709_208_000.25, 1_709_208_001.5])
    let q = try read("t,x\n1700000000123,1\n", CSVOptions(timeFormat: try TimeFormat("%Q")))
    #expect(q.times == [1_700_000_000.123])
    let s = try read("t,x\n1700000000.5,1\n", CSVOptions(timeFormat: try TimeFormat("%s")))
    #expect(s.times == [1_700_000_000.5])
    let zoned = try read(
      "t,x\n2024-01-01T10:00:00.000123+02:00,1\n", CSVOptions(timeFormat: try TimeFormat("%Y-%m-%dT%H:%M:%S.%f%z")))
    #expect(abs(zoned.times[0] - (1_704_103_200.000123 - 7200)) < 1e-6)
    #expect(throws: TimeFormatError.self) { try TimeFormat("%Y-%q") }
  }

  @Test("--rate: no time column")
  func rate() throws {
    let table = try read("ax,ay\n1,2\n3,4\n5,6\n", CSVOptions(rate: 4))
    #expect(table.timeColumn == nil)
    #expect(table.times == [0, 0.25, 0.5])
    #expect(table.columns.count == 2)
  }

  @Test("missing and unreadable cells, text columns, gaps and jitter")
  func missingAndGaps() throws {
    var text = "time,ax,label,ay\n"
    let rows: [(Double, String, String, String)] = [
      (0.00, "1", "walk", "1"), (0.01, "", "walk", "NaN"), (0.02, "NA", "", "2"), (0.03, "oops", "run", "3"),
      (0.04, "5", "run", "null"), (0.10, "6", "run", "4"), (0.11, "7", "run", "5"),
    ]
    for row in rows { text += "\(row.0),\(row.1),\(row.2),\(row.3)\n" }
    let table = try read(text)
    let ax = try #require(table.column(named: "ax"))
    #expect(ax.missing == 3 && ax.unreadable == 1)
    #expect(ax.firstUnreadable.first?.line == 5 && ax.firstUnreadable.first?.text == "oops")
    #expect(table.column(named: "ay")?.missing == 2)
    #expect(table.column(named: "label")?.values == .text(["walk", "walk", "", "run", "run", "run", "run"]))
    #expect(
      table.warnings.contains { $0.contains("column 'ax': 1 cells are not finite numbers (line 5: 'oops')") },
      "\(table.warnings)")
    let info = SeriesInfo(table)
    #expect(info.columns == ["time", "ax", "label", "ay"])
    #expect(info.missing == ["ax": 3, "ay": 2, "label": 1])
    #expect(abs((info.time.rateHz ?? 0) - 100) < 1e-6)
    #expect(info.time.gaps.count == 1)
    #expect(abs((info.time.gaps.first?.start ?? 0) - 0.04) < 1e-12)
    #expect(abs((info.time.gaps.first?.duration ?? 0) - 0.06) < 1e-12)
    #expect((info.time.jitterMs ?? 1) < 1e-6)
  }

  @Test("jitter is the standard deviation of the intervals")
  func jitter() throws {
    let table = try read("t,x\n0,1\n0.010,1\n0.022,1\n0.030,1\n0.042,1\n")
    // Intervals 10, 12, 8, 12 ms: mean 10.5, sd √((0.25+2.25+6.25+2.25)/4) = 1.658 ms.
    let info = SeriesInfo(table)
    #expect(abs((info.time.jitterMs ?? 0) - 1.6583) < 1e-3, "\(String(describing: info.time.jitterMs))")
  }

  @Test("precise errors: backwards time, missing column, ragged row, unreadable time")
  func errors() throws {
    #expect(
      try readError("time,x\n0,1\n2,1\n1,1\n")
        == "s.csv: line 4, column 'time': time goes backwards (1 after 2); pass --sort to sort the rows by time")
    #expect(
      try readError("time,x\n0,1\n", CSVOptions(timeColumn: "stamp"))
        == "s.csv: no column 'stamp'; the columns are 'time', 'x'")
    #expect(
      try readError("time,x,y\n0,1,2\n1,1\n")
        == "s.csv: line 3 has 2 fields but the header has 3; fix or remove that line (a stray delimiter or quote?)")
    #expect(
      try readError("time,x\n12:00,1\n")
        == "s.csv: line 2, column 'time': cannot read the time '12:00'; it is neither a number nor an ISO 8601 date-time; pass --time-format (e.g. '%d/%m/%Y %H:%M:%S.%L')"
    )
    #expect(
      try readError("time,x\n0,1\n0.5x,2\n")
        == "s.csv: line 3, column 'time': cannot read the time '0.5x'; the column holds numbers above; fix this value")
    #expect(try readError("") == "s.csv: the file is empty; export the sensor data again")
    #expect(try readError("time,x\n").hasPrefix("s.csv: no data rows after the header"))
    #expect(try readError("time,x\n0,\"open\n") == "s.csv: line 2: a quoted field is never closed; fix the quote")
  }

  @Test("--sort sorts rows and says how many were out of order")
  func sort() throws {
    let table = try read("time,x\n0,10\n2,30\n1,20\n3,40\n", CSVOptions(sort: true))
    #expect(table.times == [0, 1, 2, 3])
    #expect(table.columns[0].numbers == [10, 20, 30, 40])
    #expect(table.warnings.contains { $0.hasPrefix("1 rows were out of time order") })
  }

  @Test("channels by name, index and magnitude")
  func channels() throws {
    let table = try read("time,ax,ay,az\n0,3,4,0\n1,1,2,2\n")
    #expect(try table.channel(ChannelSpec("mag(ax, ay, az)")) == [5, 3])
    #expect(try table.channel(ChannelSpec("AY")) == [4, 2])
    #expect(try table.channel(ChannelSpec("3")) == [0, 2])
    #expect(throws: SeriesError.missingColumn(path: "s.csv", name: "gx", available: ["time", "ax", "ay", "az"])) {
      try table.channel(ChannelSpec("mag(ax,gx)"))
    }
  }

  @Test("every bench CSV is read with its rows, times and channels", .enabled(if: benchDirectory != nil))
  func benchCSVs() throws {
    let bench = try #require(benchDirectory)
    let folder = bench.appendingPathComponent("csv")
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".csv") {
      let path = folder.appendingPathComponent(name).path
      let text = try String(contentsOfFile: path, encoding: .utf8)
      let lines = text.split(separator: "\n")
      let table = try CSVReader.read(path: path)
      #expect(table.rowCount == lines.count - 1, "\(name)")
      #expect(table.timeColumn == "time")
      #expect(table.columns.map(\.name) == ["distractor", "level"])
      // First and last rows, read independently of the reader.
      for (row, line) in [(0, lines[1]), (table.rowCount - 1, lines[lines.count - 1])] {
        let cells = line.split(separator: ",").map { Double($0)! }
        #expect(table.times[row] == cells[0], "\(name) row \(row) time")
        #expect(table.columns[1].numbers?[row] == cells[2], "\(name) row \(row) level")
      }
      #expect(table.warnings.isEmpty, "\(name): \(table.warnings)")
    }
  }
}
