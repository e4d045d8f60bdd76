/// Why a CSV could not be read. Each description is one line naming the
/// file (and line and column where there is one), what is wrong and what to
/// do; text from the file is echoed through `MessageText.cell`.
public enum SeriesError: Error, Sendable, Equatable, CustomStringConvertible {
  case notFound(path: String)
  case isDirectory(path: String)
  case unreadable(path: String, reason: String)
  case empty(path: String)
  case noDataRows(path: String)
  case missingColumn(path: String, name: String, available: [String])
  case raggedRow(path: String, line: Int, fields: Int, expected: Int)
  case badTime(path: String, line: Int, column: String, value: String, hint: String)
  case timeBackwards(path: String, line: Int, column: String, previous: String, value: String, advice: BackwardsAdvice)
  /// A time beyond ±1e13 s (300,000 years from 1970).
  case timeOutOfRange(path: String, line: Int, column: String, value: String)
  /// A FIFO, a device or a socket, which a path must not name.
  case notRegular(path: String)
  case badFormat(path: String, message: String)
  case unterminatedQuote(path: String, line: Int)
  /// An output could not be written (`AtomicFile`'s policy or the system).
  case cannotWrite(AtomicFile.WriteError)

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
      return
        "\(path): no data rows after the header; export the sensor data again (or pass --no-header if the first row is data)"
    case .missingColumn(let path, let name, let available):
      let columns = available.prefix(20).map { "'\(MessageText.cell($0))'" }.joined(separator: ", ")
      let more = available.count > 20 ? " and \(available.count - 20) more" : ""
      return "\(path): no column '\(MessageText.cell(name))'; the columns are \(columns)\(more)"
    case .raggedRow(let path, let line, let fields, let expected):
      return
        "\(path): line \(line) has \(fields) fields but the header has \(expected); fix or remove that line (a stray delimiter or quote?)"
    case .badTime(let path, let line, let column, let value, let hint):
      return
        "\(path): line \(line), column '\(MessageText.cell(column))': cannot read the time '\(MessageText.cell(value))'; \(hint)"
    case .timeBackwards(let path, let line, let column, let previous, let value, let advice):
      let what =
        "\(path): line \(line), column '\(MessageText.cell(column))': time goes backwards (\(MessageText.cell(value)) after \(MessageText.cell(previous)))"
      switch advice {
      case .sort:
        return "\(what); pass --sort to sort the rows by time"
      case .preamble:
        return
          "\(what) in the first rows: the rows above line \(line) look like a preamble, not data; pass --skip-rows N, N the lines before the names row (or --comment CHAR if they start with one)"
      case .clockReset(let seconds):
        return
          "\(what): the clock steps back \(formatSeconds(seconds)) s, a reset or a second recording appended, not rows out of order (--sort would interleave them); split the file at line \(line)"
      }
    case .timeOutOfRange(let path, let line, let column, let value):
      return
        "\(path): line \(line), column '\(MessageText.cell(column))': the time \(MessageText.cell(value)) is beyond ±1e13 s (300,000 years from 1970); fix that cell, or pass --time-unit if the column is not in the unit it was read in"
    case .notRegular(let path):
      return
        "\(path): is not a regular file (a FIFO, device or socket); save the data to a file, or pipe it to stdin and pass -"
    case .badFormat(let path, let message):
      return "\(path): \(message)"
    case .unterminatedQuote(let path, let line):
      return "\(path): line \(line): a quoted field is never closed; fix the quote"
    case .cannotWrite(let error):
      return error.description
    }
  }
}

/// What to do about a time that goes backwards, from how it does.
public enum BackwardsAdvice: Sendable, Equatable {
  /// A few rows out of order: `--sort`.
  case sort
  /// Within the first data rows, by orders of magnitude: the rows above are
  /// a preamble.
  case preamble
  /// A step back of more than an hour: a reset, not disorder.
  case clockReset(seconds: Double)

  /// The advice for a step from `previous` to `time` (s) at data row `row`
  /// (0-based).
  static func of(previous: Double, time: Double, row: Int) -> BackwardsAdvice {
    let scale = max(abs(previous), abs(time))
    if row <= 3 && scale > 0 && (min(abs(previous), abs(time)) < scale / 100) { return .preamble }
    if previous - time > 3600 { return .clockReset(seconds: previous - time) }
    return .sort
  }
}
