/// What `probe SERIES.csv` reports (docs/formats.md): rows, columns, delimiter,
/// time span, median rate, jitter, gaps, missing cells, warnings.
public struct SeriesInfo: Sendable, Codable, Equatable {
  public struct Gap: Sendable, Codable, Equatable {
    /// Time of the last row before the gap, seconds (as the time column).
    public var start: Double
    /// Seconds from that row to the next one.
    public var duration: Double
  }

  public struct Timing: Sendable, Codable, Equatable {
    /// The time column, or nil with `--rate`.
    public var column: String?
    public var start: Double
    public var end: Double
    /// 1 / the median interval between rows, Hz.
    public var rateHz: Double?
    /// Standard deviation of the intervals (gaps excluded), milliseconds.
    public var jitterMs: Double?
    /// Intervals longer than 3 median intervals.
    public var gaps: [Gap]
    /// Added: the unit a numeric time column was read in.
    public var unit: TimeUnit? = nil
    /// Added: how that unit was inferred, when none was given.
    public var unitNote: String? = nil
  }

  /// Added: how a device export or a preamble was read (nil for a plain CSV).
  public var layout: FileLayout? = nil

  public var path: String
  public var rows: Int
  /// Every column, time column included, in file order.
  public var columns: [String]
  /// `,`, `;`, `\t` or `|`.
  public var delimiter: String
  public var time: Timing
  /// Missing cells per column (columns with none are left out).
  public var missing: [String: Int]
  /// Columns read as text (not numbers).
  public var textColumns: [String]
  public var warnings: [String]

  public init(_ table: TimeSeriesTable) {
    path = table.path
    rows = table.rowCount
    columns = table.allColumnNames
    delimiter = table.delimiter == 9 ? "\t" : String(UnicodeScalar(table.delimiter))
    let times = table.times
    var intervals: [Double] = []
    intervals.reserveCapacity(max(0, times.count - 1))
    for i in times.indices.dropFirst() { intervals.append(times[i] - times[i - 1]) }
    let median = intervals.isEmpty ? nil : upperMedian(intervals)
    var gaps: [Gap] = []
    var regular: [Double] = []
    regular.reserveCapacity(intervals.count)
    if let median, median > 0 {
      for (i, interval) in intervals.enumerated() {
        if interval > 3 * median {
          gaps.append(Gap(start: times[i], duration: interval))
        } else {
          regular.append(interval)
        }
      }
    }
    var jitter: Double? = nil
    if regular.count > 1 {
      let mean = regular.reduce(0, +) / Double(regular.count)
      let variance = regular.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(regular.count)
      jitter = variance.squareRoot() * 1000
    }
    time = Timing(
      column: table.timeColumn, start: times.first ?? 0, end: times.last ?? 0,
      rateHz: median.flatMap { $0 > 0 ? 1 / $0 : nil }, jitterMs: jitter, gaps: gaps, unit: table.timeUnit,
      unitNote: table.timeUnitInference?.note)
    layout = table.layout.summary == nil ? nil : table.layout
    var missing: [String: Int] = [:]
    for column in table.columns where column.missing > 0 { missing[column.name] = column.missing }
    self.missing = missing
    textColumns = table.columns.filter { if case .text = $0.values { return true } else { return false } }.map(\.name)
    var warnings = table.warnings
    if !gaps.isEmpty {
      let total = gaps.reduce(0) { $0 + $1.duration }
      warnings.append("\(gaps.count) gaps longer than 3 sample periods (\(formatSeconds(total)) s in all)")
    }
    self.warnings = warnings
  }
}

func formatSeconds(_ value: Double) -> String {
  let rounded = (value * 1000).rounded() / 1000
  return "\(rounded)"
}

/// The element at `count / 2` of the sorted values (quickselect, O(n)).
func upperMedian(_ values: [Double]) -> Double {
  var a = values
  let k = a.count / 2
  var low = 0
  var high = a.count - 1
  while low < high {
    let pivot = a[(low + high) / 2]
    var i = low
    var j = high
    while i <= j {
      while a[i] < pivot { i += 1 }
      while a[j] > pivot { j -= 1 }
      if i <= j {
        a.swapAt(i, j)
        i += 1
        j -= 1
      }
    }
    if k <= j {
      high = j
    } else if k >= i {
      low = i
    } else {
      break
    }
  }
  return a[k]
}
