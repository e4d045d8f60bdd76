import ArgumentParser
import TimeSeries

/// How to read the sensor CSV: shared by every command that reads one.
struct SeriesOptions: ParsableArguments {
  @Option(
    help:
      "The CSV's time column, by name or 0-based index (default: a column named time, timestamp, t, … else the first).")
  var timeColumn: String?

  @Option(
    help:
      "Unit of a numeric time column: s, ms, us or ns (default: inferred from the column's name, an epoch-sized value or its steps, and said on stderr)."
  )
  var timeUnit: TimeUnit?

  @Option(
    help:
      "strftime-style format of a text time column, as Label Studio's timeFormat (%Y %m %d %H %M %S %L %f %Q %s %z).")
  var timeFormat: String?

  @Option(help: "The CSV's delimiter: ',', ';', 'tab' or '|' (default: detected).")
  var delimiter: String?

  @Flag(help: "The CSV has no header row; columns are named column_0, column_1, …")
  var noHeader = false

  @Option(
    help:
      "No time column: rows are sampled at this rate (Hz), from --start (default 0 s, or the start a device format gives)."
  )
  var rate: Double?

  @Option(help: "With --rate: the first row's time, in seconds or as an ISO 8601 date-time (2024-03-01T09:00:00Z).")
  var start: String?

  @Option(help: "Skip this many lines before the header (or the first row), turning off preamble detection.")
  var skipRows: Int?

  @Option(
    help:
      "Skip every line that starts with this character, wherever it is (default: '#', '%' or '//' lines at the top are detected)."
  )
  var comment: String?

  @Flag(help: "Sort rows by time instead of failing when time goes backwards.")
  var sort = false

  func validate() throws {
    if let rate, !(rate > 0) { throw ValidationError("--rate must be a positive rate in Hz, got \(rate).") }
    if rate != nil && timeColumn != nil {
      throw ValidationError("--rate and --time-column exclude each other; keep one.")
    }
    if let delimiter, delimiterByte(delimiter) == nil {
      throw ValidationError("--delimiter must be ',', ';', 'tab' or '|' (or one ASCII character), got '\(delimiter)'.")
    }
    if let timeFormat {
      do { _ = try TimeFormat(timeFormat) } catch { throw ValidationError(error.description) }
    }
    if let start, parseStartTime(start) == nil {
      throw ValidationError(
        "--start must be seconds (12.5) or an ISO 8601 date-time (2024-03-01T09:00:00Z), got '\(start)'.")
    }
    if let skipRows, skipRows < 0 { throw ValidationError("--skip-rows must be 0 or more, got \(skipRows).") }
    if let comment, comment.utf8.count != 1 || comment.utf8.first! >= 128 {
      throw ValidationError("--comment must be one ASCII character such as '#', got '\(comment)'.")
    }
  }

  func delimiterByte(_ text: String) -> UInt8? {
    switch text {
    case "tab", "\\t", "\t": return 9
    default:
      guard text.utf8.count == 1, let byte = text.utf8.first, byte < 128 else { return nil }
      return byte
    }
  }

  /// The same options as `align` arguments (for `batch`'s child processes).
  var arguments: [String] {
    var out: [String] = []
    if let timeColumn { out += ["--time-column", timeColumn] }
    if let timeUnit { out += ["--time-unit", timeUnit.rawValue] }
    if let timeFormat { out += ["--time-format", timeFormat] }
    if let delimiter { out += ["--delimiter", delimiter] }
    if noHeader { out.append("--no-header") }
    if let rate { out += ["--rate", "\(rate)"] }
    if let start { out += ["--start", start] }
    if let skipRows { out += ["--skip-rows", "\(skipRows)"] }
    if let comment { out += ["--comment", comment] }
    if sort { out.append("--sort") }
    return out
  }

  var csvOptions: CSVOptions {
    CSVOptions(
      delimiter: delimiter.flatMap(delimiterByte), hasHeader: !noHeader, timeColumn: timeColumn, timeUnit: timeUnit,
      timeFormat: timeFormat.flatMap { try? TimeFormat($0) }, rate: rate, start: start.flatMap(parseStartTime),
      sort: sort, skipRows: skipRows, comment: comment?.utf8.first)
  }
}

extension TimeUnit: ExpressibleByArgument {}
