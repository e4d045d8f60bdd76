import Foundation
import TestSupport
import Testing
import TimeSeries

@Suite("Corrected copy")
struct CorrectedWriterTests {
  /// 10 rows at 10 Hz from t = 100 s, with a missing cell and a text column.
  static let input = """
    Time,AX,Label
    100.0,0,a
    100.1,1,a
    100.2,2,
    100.3,,b
    100.4,4,b
    100.5,5,b
    100.6,6,c
    100.7,7,c
    100.8,8,c
    100.9,9,c

    """

  func correct(_ map: ClockMap, input: String = input) throws -> (
    report: CorrectionReport, output: TimeSeriesTable, text: String
  ) {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let source = try dir.write("in.csv", input)
    let table = try CSVReader.read(path: source)
    let target = dir.path("out.csv")
    let report = try writeCorrectedCSV(table, map: map, to: target)
    let text = try String(contentsOfFile: target, encoding: .utf8)
    #expect(try String(contentsOfFile: source, encoding: .utf8) == input, "the input changed")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted() == ["in.csv", "out.csv"])
    return (report, try CSVReader.read(path: target), text)
  }

  @Test("sensor started before the media: rows before 0 dropped, a row interpolated at exactly 0.0")
  func startsEarlier() throws {
    // t_media = -0.25 + 1.001 (t - 100): row 3 (t = 100.3) is the first at or after 0.
    let map = ClockMap(offset: -0.25, scale: 1.001, csvOrigin: 100)
    let (report, output, text) = try correct(map)
    #expect(report.droppedBeforeZero == 3 && report.interpolatedZeroRow && !report.prependedZeroRow)
    #expect(report.rowsOut == 8)
    #expect(report.header == ["time", "sensor_time", "ax", "label"])
    #expect(text.hasPrefix("time,sensor_time,ax,label\n0.0,"))
    #expect(output.times[0] == 0.0)
    // The zero row sits between t = 100.2 (ax 2) and 100.3 (ax 3, interpolated from 2 and 4).
    let sensorAtZero = map.csvTime(0)
    let ax = try #require(output.column(named: "ax")?.numbers)
    #expect(abs(ax[0] - (2 + (sensorAtZero - 100.2) / 0.1)) < 1e-9, "ax at 0: \(ax[0])")
    #expect(abs((output.column(named: "sensor_time")?.numbers?[0] ?? 0) - sensorAtZero) < 1e-9)
    // Kept rows: media times follow the map exactly, values as written.
    for (k, row) in (3..<10).enumerated() {
      let t = 100 + Double(row) / 10
      #expect(abs(output.times[k + 1] - map.mediaTime(t)) < 1e-9)
      #expect(abs(ax[k + 1] - Double(row)) < 1e-9, "ax row \(row)")
    }
    #expect(output.column(named: "label")?.values == .text(["b", "b", "b", "b", "c", "c", "c", "c"]))
    #expect(output.columns.allSatisfy { $0.missing == 0 })
  }

  @Test("sensor started after the media: a row at 0.0 holding the first row's values")
  func startsLater() throws {
    let map = ClockMap(offset: 2.5, scale: 0.999, csvOrigin: 100)
    let (report, output, _) = try correct(map)
    #expect(report.prependedZeroRow && !report.interpolatedZeroRow && report.droppedBeforeZero == 0)
    #expect(report.rowsOut == 11)
    #expect(output.times[0] == 0.0 && abs(output.times[1] - 2.5) < 1e-12)
    #expect(abs(output.times[10] - (2.5 + 0.999 * 0.9)) < 1e-9)
    let ax = try #require(output.column(named: "ax")?.numbers)
    #expect(ax[0] == 0 && ax[1] == 0)
    // The missing ax at t = 100.3 is interpolated between 2 (100.2) and 4 (100.4).
    #expect(abs(ax[4] - 3) < 1e-9)
    #expect(report.filledCells == ["ax": 1, "label": 1])
    // The empty label at 100.2 takes the previous value.
    #expect(output.column(named: "label")?.values == .text(["a", "a", "a", "a", "b", "b", "b", "c", "c", "c", "c"]))
  }

  @Test("exactly at 0: no extra row")
  func exactlyZero() throws {
    let (report, output, _) = try correct(ClockMap(offset: -0.3, scale: 1, csvOrigin: 100))
    #expect(!report.interpolatedZeroRow && !report.prependedZeroRow)
    #expect(output.times[0] == 0.0)
    #expect(report.rowsOut == 7)
  }

  @Test("epoch times, lower-case header clashes, an empty column, quoting")
  func epochAndHeaders() throws {
    let input = #"""
      timestamp,Level,level,Empty,Note
      2024-03-01T00:00:00Z,1,10,,"a,b"
      2024-03-01T00:00:01Z,2,20,,"say ""x"""

      """#
    let map = ClockMap(offset: 0, scale: 1, csvOrigin: 1_709_251_200)
    let (report, output, text) = try correct(map, input: input)
    #expect(report.header == ["time", "sensor_time", "level", "level_2", "note"])
    #expect(report.droppedColumns == ["Empty"])
    #expect(output.times == [0, 1])
    #expect(output.column(named: "sensor_time")?.numbers == [1_709_251_200, 1_709_251_201])
    #expect(text.contains(",\"a,b\"\n"))
    #expect(output.column(named: "note")?.values == .text(["a,b", "say \"x\""]))
  }

  @Test("refuses to overwrite its input, and a map that leaves nothing")
  func refusals() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let source = try dir.write("in.csv", Self.input)
    let table = try CSVReader.read(path: source)
    #expect(throws: SeriesError.self) {
      try writeCorrectedCSV(table, map: ClockMap(offset: 0, scale: 1, csvOrigin: 100), to: source)
    }
    #expect(try String(contentsOfFile: source, encoding: .utf8) == Self.input)
    #expect(throws: SeriesError.self) {
      try writeCorrectedCSV(table, map: ClockMap(offset: -50, scale: 1, csvOrigin: 100), to: dir.path("out.csv"))
    }
    #expect(!FileManager.default.fileExists(atPath: dir.path("out.csv")))
  }

  @Test("piecewise, media jumps ahead at 100.5: rows keep their own piece's time, the times jump")
  func piecewiseAhead() throws {
    let map = ClockMap(
      offset: 1, scale: 1, csvOrigin: 100,
      pieces: [.init(csvStart: 100, offset: 1, scale: 1), .init(csvStart: 100.5, offset: 3, scale: 1)])
    let (report, output, _) = try correct(map)
    #expect(report.droppedOutOfOrder == nil && report.prependedZeroRow && report.rowsOut == 11)
    // Row 0 is the prepended 0.0; row k + 1 is input row k.
    for k in 0..<10 {
      let t = 100 + Double(k) / 10
      let expected = (k < 5 ? 1 : 3) + (t - 100)
      #expect(abs(output.times[k + 1] - expected) < 1e-9, "row \(k): \(output.times[k + 1]) vs \(expected)")
    }
  }

  @Test("piecewise, media jumps back by 0.25 s at 100.5: rows at or before an earlier row's time are left out")
  func piecewiseBack() throws {
    let map = ClockMap(
      offset: 1, scale: 1, csvOrigin: 100,
      pieces: [.init(csvStart: 100, offset: 1, scale: 1), .init(csvStart: 100.5, offset: 0.75, scale: 1)])
    let (report, output, _) = try correct(map)
    // 100.5 → 1.25 and 100.6 → 1.35 are not after 100.4 → 1.4; 100.7 → 1.45 is.
    #expect(report.droppedOutOfOrder == 2)
    #expect(
      output.times.dropFirst().map { ($0 * 1000).rounded() / 1000 } == [1.0, 1.1, 1.2, 1.3, 1.4, 1.45, 1.55, 1.65])
    #expect(zip(output.times, output.times.dropFirst()).allSatisfy { $0 < $1 })
  }

  @Test("a piecewise map's inverse: each media time to the piece that holds it")
  func piecewiseInverse() {
    let map = ClockMap(
      offset: 1, scale: 0.999, csvOrigin: 100,
      pieces: [.init(csvStart: 100, offset: 1, scale: 0.999), .init(csvStart: 150, offset: 3, scale: 0.999)])
    for t in stride(from: 100.0, to: 200, by: 7.3) {
      #expect(abs(map.csvTime(map.mediaTime(t)) - t) < 1e-9, "t = \(t)")
    }
    // In the hole (media 50.95…52.95 holds no sensor row): the nearest piece end.
    #expect(abs(map.csvTime(51.0) - 150) < 1e-9)
    #expect(map.mediaTime(99) == 1 - 0.999)
  }
}
