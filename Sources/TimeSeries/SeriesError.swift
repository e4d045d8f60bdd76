/// Why a CSV could not be read. Each description is one line naming the
/// file (and line and column where there is one), what is wrong and what to do.
public enum SeriesError: Error, Sendable, Equatable, CustomStringConvertible {
  case notFound(path: String)
  case isDirectory(path: String)
  case unreadable(path: String, reason: String)
  case empty(path: String)
  case noDataRows(path: String)
  case missingColumn(path: String, name: String, available: [String])
  case raggedRow(path: String, line: Int, fields: Int, expected: Int)
  case badTime(path: String, line: Int, column: String, value: String, hint: String)
  case timeBackwards(path: String, line: Int, column: String, previous: String, value: String)
  case badFormat(path: String, message: String)
  case unterminatedQuote(path: String, line: Int)

  public var description: String {
    switch self {
    case .notFound(let path):
      return "\(path): no such file; check the path"
    case .isDirectory(let path):
      return "\(path): is a directory, not a CSV file; name a file inside it"
    case .unreadable(let path, let reason):
      return "\(path): cannot read the file (\(reason)); check its permissions"
    case .empty(let path):
      return "\(path): the file is empty; export the sensor data again"
    case .noDataRows(let path):
      return "\(path): no data rows after the header; export the sensor data again (or pass --no-header if the first row is data)"
    case .missingColumn(let path, let name, let available):
      return "\(path): no column '\(name)'; the columns are \(available.map { "'\($0)'" }.joined(separator: ", "))"
    case .raggedRow(let path, let line, let fields, let expected):
      return "\(path): line \(line) has \(fields) fields but the header has \(expected); fix or remove that line (a stray delimiter or quote?)"
    case .badTime(let path, let line, let column, let value, let hint):
      return "\(path): line \(line), column '\(column)': cannot read the time '\(value)'; \(hint)"
    case .timeBackwards(let path, let line, let column, let previous, let value):
      return "\(path): line \(line), column '\(column)': time goes backwards (\(value) after \(previous)); pass --sort to sort the rows by time"
    case .badFormat(let path, let message):
      return "\(path): \(message)"
    case .unterminatedQuote(let path, let line):
      return "\(path): line \(line): a quoted field is never closed; fix the quote"
    }
  }
}
