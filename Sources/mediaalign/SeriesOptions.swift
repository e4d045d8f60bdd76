import ArgumentParser
import TimeSeries

/// How to read the sensor CSV: shared by every command that reads one.
struct SeriesOptions: ParsableArguments {
  @Option(help: "The CSV's time column, by name or 0-based index (default: a column named time, timestamp, t, … else the first).")
  var timeColumn: String?

  @Option(help: "Unit of a numeric time column: s, ms, us or ns (default: inferred from the column's name, an epoch-sized value or its steps, and said on stderr).")
  var timeUnit: TimeUnit?

  @Option(help: "strftime-style format of a text time column, as Label Studio's timeFormat (%Y %m %d %H %M %S %L %f %Q %s %z).")
  var timeFormat: String?

  @Option(help: "The CSV's delimiter: ',', ';', 'tab' or '|' (default: detected).")
  var delimiter: String?

  @Flag(help: "The CSV has no header row; columns are named column_0, column_1, …")
  var noHeader = false

  @Option(help: "No time column: rows are sampled at this rate (Hz) from 0 s.")
  var rate: Double?

  @Flag(help: "Sort rows by time instead of failing when time goes backwards.")
  var sort = false

  func validate() throws {
    if let rate, !(rate > 0) { throw ValidationError("--rate must be a positive rate in Hz, got \(rate).") }
    if rate != nil && timeColumn != nil { throw ValidationError("--rate and --time-column exclude each other; keep one.") }
    if let delimiter, delimiterByte(delimiter) == nil {
      throw ValidationError("--delimiter must be ',', ';', 'tab' or '|' (or one ASCII character), got '\(delimiter)'.")
    }
    if let timeFormat {
      do { _ = try TimeFormat(timeFormat) } catch { throw ValidationError(error.description) }
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
    if sort { out.append("--sort") }
    return out
  }

  var csvOptions: CSVOptions {
    CSVOptions(
      delimiter: delimiter.flatMap(delimiterByte), hasHeader: !noHeader, timeColumn: timeColumn, timeUnit: timeUnit,
      timeFormat: timeFormat.flatMap { try? TimeFormat($0) }, rate: rate, sort: sort)
  }
}

extension TimeUnit: ExpressibleByArgument {}
