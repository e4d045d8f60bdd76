/// A column's values.
public enum ColumnValues: Sendable, Equatable {
  /// Numbers; missing and unreadable cells are NaN.
  case numeric([Double])
  /// Text, for columns that are mostly not numbers; missing cells are "".
  case text([String])

  public var count: Int {
    switch self {
    case .numeric(let v): return v.count
    case .text(let v): return v.count
    }
  }
}

/// One column other than the time column.
public struct SeriesColumn: Sendable, Equatable {
  /// The header as written (trimmed).
  public var name: String
  public var values: ColumnValues
  /// Empty, `NaN`, `NA`, `null` … cells.
  public var missing: Int
  /// Cells of a numeric column that are not numbers (counted as missing too).
  public var unreadable: Int
  /// Where the first unreadable cells are: (line, text).
  public var firstUnreadable: [(line: Int, text: String)]

  public static func == (a: SeriesColumn, b: SeriesColumn) -> Bool {
    a.name == b.name && a.values == b.values && a.missing == b.missing && a.unreadable == b.unreadable
  }

  public var numbers: [Double]? {
    if case .numeric(let values) = values { return values }
    return nil
  }
}

/// A sensor time series read from a CSV: times in seconds (epoch seconds for
/// date-times, UTC) and columnar values. Epoch-sized times are Doubles
/// (about 0.2 µs resolution at 2023's epoch).
public struct TimeSeriesTable: Sendable, Equatable {
  public var path: String
  public var delimiter: UInt8
  /// The time column's header, or nil with `--rate`.
  public var timeColumn: String?
  /// Where the time column stood among all columns (0-based).
  public var timeColumnPosition: Int?
  /// Seconds, one per row, non-decreasing.
  public var times: [Double]
  /// Every other column, in file order.
  public var columns: [SeriesColumn]
  /// The source line of each row is `firstDataLine + row` unless rows were
  /// sorted or blank lines skipped; kept for messages only.
  public var firstDataLine: Int
  public var warnings: [String]
  /// The unit a numeric time column was read in (given or inferred); nil
  /// for date-times and `--rate`.
  public var timeUnit: TimeUnit? = nil
  /// How the unit was inferred, when it was not given.
  public var timeUnitInference: TimeUnitInference? = nil

  /// How the file was laid out (device format, preamble, units row).
  public var layout = FileLayout()

  public var rowCount: Int { times.count }

  /// The largest time a row may have, s (±; 300,000 years from 1970).
  public static let maximumTime = 1e13

  /// The column named `name` (exact, then case-insensitive).
  public func column(named name: String) -> SeriesColumn? {
    columns.first { $0.name == name } ?? columns.first { $0.name.lowercased() == name.lowercased() }
  }
}
