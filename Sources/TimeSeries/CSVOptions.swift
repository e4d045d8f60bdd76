/// How to read a sensor CSV.
public struct CSVOptions: Sendable, Equatable {
  /// The field delimiter; nil: detected from the first lines (`,` `;` tab `|`).
  public var delimiter: UInt8?
  /// The first row names the columns. Without a header, columns are named
  /// `column_0`, `column_1`, … (0-based, as `--time-column 0` counts).
  public var hasHeader: Bool
  /// The time column, by name or 0-based index; nil: the first column named
  /// like a time (`time`, `timestamp`, `t`, `datetime`, …), else column 0.
  public var timeColumn: String?
  /// The unit of a numeric time column; nil: inferred from its name, an
  /// epoch-sized magnitude or its steps (`TimeUnitInference`).
  public var timeUnit: TimeUnit?
  /// A strftime-style format for a text time column; nil: numbers (in
  /// `timeUnit`) or ISO 8601 date-times, whichever the values are.
  public var timeFormat: TimeFormat?
  /// No time column: row `i` is at `i / rate` seconds.
  public var rate: Double?
  /// Sort rows by time instead of failing when time goes backwards.
  public var sort: Bool

  public init(
    delimiter: UInt8? = nil, hasHeader: Bool = true, timeColumn: String? = nil, timeUnit: TimeUnit? = nil,
    timeFormat: TimeFormat? = nil, rate: Double? = nil, sort: Bool = false
  ) {
    self.delimiter = delimiter
    self.hasHeader = hasHeader
    self.timeColumn = timeColumn
    self.timeUnit = timeUnit
    self.timeFormat = timeFormat
    self.rate = rate
    self.sort = sort
  }
}
