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
  /// No time column: row `i` is at `start + i / rate` seconds.
  public var rate: Double?
  /// The time of the first row with `rate` (epoch seconds for a date);
  /// nil: the start a device format gives (`FileLayout`), else 0.
  public var start: Double?
  /// Sort rows by time instead of failing when time goes backwards.
  public var sort: Bool
  /// Lines to skip before the header (or the first row): nil detects a
  /// preamble (`FileLayout`); a number turns that off.
  public var skipRows: Int?
  /// Lines starting with this byte are skipped wherever they are; nil: `#`,
  /// `%` or `//` lines at the top are detected.
  public var comment: UInt8?

  public init(
    delimiter: UInt8? = nil, hasHeader: Bool = true, timeColumn: String? = nil, timeUnit: TimeUnit? = nil,
    timeFormat: TimeFormat? = nil, rate: Double? = nil, start: Double? = nil, sort: Bool = false,
    skipRows: Int? = nil, comment: UInt8? = nil
  ) {
    self.delimiter = delimiter
    self.hasHeader = hasHeader
    self.timeColumn = timeColumn
    self.timeUnit = timeUnit
    self.timeFormat = timeFormat
    self.rate = rate
    self.start = start
    self.sort = sort
    self.skipRows = skipRows
    self.comment = comment
  }

  /// These options with what `layout` found filling what was not given:
  /// the options the rows are read with.
  func obeying(_ layout: FileLayout) -> CSVOptions {
    var out = self
    out.hasHeader = hasHeader && layout.hasHeader
    out.timeColumn = timeColumn ?? (rate == nil ? layout.timeColumn : nil)
    out.timeFormat = timeFormat ?? layout.timeFormat
    if timeColumn == nil { out.rate = rate ?? layout.rateHz }
    out.start = start ?? layout.start
    out.comment = comment ?? layout.comment
    return out
  }
}
