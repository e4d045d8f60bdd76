import Foundation
import TestSupport
import TimeSeries

/// Reading a CSV text through a temporary file, for the reader's suites.
protocol ReadsCSV {}

extension ReadsCSV {
  func read(_ text: String, name: String = "s.csv", _ options: CSVOptions = CSVOptions()) throws -> TimeSeriesTable {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    var table = try CSVReader.read(path: try dir.write(name, text), options: options)
    table.path = name
    return table
  }

  func readError(_ text: String, _ options: CSVOptions = CSVOptions()) throws -> String {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.write("s.csv", text)
    do {
      _ = try CSVReader.read(path: path, options: options)
      return "no error"
    } catch {
      return error.description.replacingOccurrences(of: path, with: "s.csv")
    }
  }
}
