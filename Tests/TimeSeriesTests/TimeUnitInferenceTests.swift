import Foundation
import TestSupport
import Testing

@testable import TimeSeries

@Suite("Time unit inference")
struct TimeUnitInferenceTests {
  func infer(_ column: String, _ values: [Double]) -> TimeUnitInference {
    TimeUnitInference.infer(column: column, values: values)
  }

  @Test("from the name") func names() {
    #expect(infer("t_ms", [5, 6]).unit == .ms)
    #expect(infer("Time (ms)", [5, 6]).unit == .ms)
    #expect(infer("millis", [5, 6]).unit == .ms)
    #expect(infer("timestamp_us", [5, 6]).unit == .us)
    #expect(infer("ts[ns]", [5, 6]).unit == .ns)
    #expect(infer("time_s", [5000, 6000]).unit == .s)
    #expect(infer("t_ms", [5, 6]).evidence == .name)
  }

  @Test("from an epoch-sized value") func epoch() {
    #expect(infer("time", [1.7e9, 1.7e9 + 0.02]).unit == .s)
    #expect(infer("timestamp", [1.7e12, 1.7e12 + 20]).unit == .ms)
    #expect(infer("timestamp", [1.7e15, 1.7e15 + 20000]).unit == .us)
    #expect(infer("timestamp", [1.7e18, 1.7e18 + 2e7]).unit == .ns)
    #expect(infer("timestamp", [1.7e12, 1.7e12 + 20]).evidence == .epochMagnitude)
  }

  @Test("from integer steps") func steps() {
    // ms since boot at 50 Hz (steps of 20): 5.8 days of uptime looks like epoch seconds, but 0.05 Hz is no rate.
    #expect(infer("time", [5e8, 5e8 + 20, 5e8 + 40]).unit == .ms)
    #expect(infer("time", [1000, 1020, 1040]).unit == .ms)
    #expect(infer("time", [0, 1000, 2000, 3000]).unit == .us)  // 1 kHz in µs
    #expect(infer("time", [0, 2, 4, 6]).unit == .ms)  // 500 Hz
    #expect(infer("time", [0, 1, 2, 3]).evidence == .ambiguousStep)
    #expect(infer("time", [0.0, 0.02, 0.04]).unit == .s)
    #expect(infer("time", [0.0, 0.02, 0.04]).evidence == .fractional)
  }

  @Test("the reader infers and says so; a given unit wins") func reader() throws {
    let folder = try TemporaryDirectory()
    defer { folder.cleanUp() }
    let path = try folder.write("t.csv", "t_ms,x\n1000,1\n1020,2\n1040,3\n")
    let table = try CSVReader.read(path: path)
    #expect(table.times == [1.0, 1.02, 1.04])
    #expect(table.timeUnit == .ms)
    #expect(table.timeUnitInference?.note == "read 't_ms' as milliseconds (its name)")
    let given = try CSVReader.read(path: path, options: CSVOptions(timeUnit: .s))
    #expect(given.times == [1000, 1020, 1040] && given.timeUnitInference == nil)
    // Epoch ns keeps integer precision through the re-parse.
    let ns = try folder.write("n.csv", "time,x\n1700000000123456789,1\n1700000000133456789,2\n")
    let read = try CSVReader.read(path: ns)
    #expect(abs(read.times[1] - read.times[0] - 0.01) < 1e-6)
    #expect(read.timeUnit == .ns)
  }
}
