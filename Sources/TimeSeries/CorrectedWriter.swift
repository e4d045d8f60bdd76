/// What `writeCorrectedCSV` did, for the summary and the result JSON.
public struct CorrectionReport: Sendable, Codable, Equatable {
  public var rowsIn: Int
  public var rowsOut: Int
  /// Rows before media time 0, dropped (after a row at 0.0 was interpolated).
  public var droppedBeforeZero: Int
  /// A row at 0.0 was interpolated between the rows around media time 0.
  public var interpolatedZeroRow: Bool
  /// The sensor starts after media time 0: a row at 0.0 holding the first
  /// row's values was prepended.
  public var prependedZeroRow: Bool
  /// Missing numeric cells filled by linear interpolation in time (or the
  /// nearest value at the ends), per column.
  public var filledCells: [String: Int]
  /// Added: rows left out because a piecewise map put them at or before an
  /// earlier row's media time (a clock that jumped back); nil when none.
  public var droppedOutOfOrder: Int?
  /// Columns left out: entirely empty ones.
  public var droppedColumns: [String]
  /// The output header, in order.
  public var header: [String]
}

/// Writes the corrected copy of a series for Label Studio (docs/labelstudio.md):
///
/// - column 1 is `time`, in media seconds (`map.mediaTime`), and its first
///   row is exactly `0.0`: rows before media time 0 are dropped after a row
///   at 0.0 is interpolated between the last dropped and the first kept row
///   (numbers linearly, text from the kept row); when the sensor starts after
///   media time 0, a row at 0.0 is prepended holding the first row's values
///   (so the plot starts flat, not with a jump from 0);
/// - then `sensor_time`: the CSV's own time in seconds (epoch seconds for
///   date-times), so every row can be traced back;
/// - then every other column, headers lower-cased (Label Studio lower-cases
///   them; a clash gets `_2`, `_3`…), in file order;
/// - no empty cells and no NaN: missing numbers are interpolated linearly in
///   time between their neighbours (the nearest value at the ends); missing
///   text takes the previous value (the next at the start); an entirely
///   empty column is left out. Counts are reported;
/// - media time only runs forward: after a piecewise map's jump back, rows
///   at or before an earlier row's media time are left out (counted).
///
/// Written by `AtomicFile`'s policy (temporary file, then rename); refuses
/// to write over the series' own file or any other input of the run.
public func writeCorrectedCSV(_ table: TimeSeriesTable, map: ClockMap, to path: String) throws(SeriesError)
  -> CorrectionReport
{
  ProtectedInputs.shared.protect(table.path)  // `AtomicFile` refuses to write over it
  let rows = table.rowCount
  guard rows > 0 else { throw .noDataRows(path: table.path) }
  // Within a nanosecond of 0 is 0 (rounding in offset + scale·Δt).
  let media = table.times.map { (t: Double) -> Double in
    let m = map.mediaTime(t)
    return abs(m) < 1e-9 ? 0 : m
  }
  // Rows whose media time runs forward.
  var order: [Int] = []
  order.reserveCapacity(rows)
  for row in 0..<rows where order.isEmpty || media[row] > media[order[order.count - 1]] { order.append(row) }
  // The first of them at or after media time 0.
  var firstKept = 0
  while firstKept < order.count && media[order[firstKept]] < 0 { firstKept += 1 }
  guard firstKept < order.count else {
    throw .badFormat(
      path: table.path,
      message:
        "every row maps before media time 0 (the sensor ends at media \(formatSeconds(media[rows - 1])) s); the alignment puts no sensor data on the media"
    )
  }

  var header = correctedTimeColumns
  var used = Set(correctedTimeColumns)
  var report = CorrectionReport(
    rowsIn: rows, rowsOut: 0, droppedBeforeZero: firstKept, interpolatedZeroRow: false, prependedZeroRow: false,
    filledCells: [:], droppedOutOfOrder: order.count < rows ? rows - order.count : nil, droppedColumns: [], header: [])
  var outputs: [(name: String, values: ColumnValues)] = []
  for column in table.columns {
    var filled = 0
    let values: ColumnValues
    switch column.values {
    case .numeric(let numbers):
      guard let complete = interpolateMissing(numbers, times: table.times, filled: &filled) else {
        report.droppedColumns.append(column.name)
        continue
      }
      values = .numeric(complete)
    case .text(let texts):
      guard let complete = fillText(texts, filled: &filled) else {
        report.droppedColumns.append(column.name)
        continue
      }
      values = .text(complete)
    }
    let name = correctedColumnName(column.name, used: &used)
    header.append(name)
    if filled > 0 { report.filledCells[name] = filled }
    outputs.append((name, values))
  }
  report.header = header

  var text = ""
  text.reserveCapacity(min(rows, 4_000_000) * (16 + 12 * (outputs.count + 1)))
  text += header.map(csvField).joined(separator: ",") + "\n"
  func appendRow(media t: Double, sensor: Double, _ cell: (ColumnValues) -> String) {
    text += "\(t),\(sensor)"
    for output in outputs {
      text += ","
      text += cell(output.values)
    }
    text += "\n"
  }
  if media[order[firstKept]] > 0 {
    if firstKept > 0 {
      // Interpolate a row at media 0 between the last dropped and first kept rows.
      let a = order[firstKept - 1]
      let b = order[firstKept]
      let w = (0 - media[a]) / (media[b] - media[a])
      appendRow(media: 0.0, sensor: map.csvTime(0)) { values in
        switch values {
        case .numeric(let v): return "\(v[a] + w * (v[b] - v[a]))"
        case .text(let v): return csvField(v[b])
        }
      }
      report.interpolatedZeroRow = true
    } else {
      appendRow(media: 0.0, sensor: map.csvTime(0)) { values in
        switch values {
        case .numeric(let v): return "\(v[0])"
        case .text(let v): return csvField(v[0])
        }
      }
      report.prependedZeroRow = true
    }
  }
  for (position, row) in order.enumerated().dropFirst(firstKept) {
    appendRow(media: position == firstKept && media[row] == 0 ? 0.0 : media[row], sensor: table.times[row]) { values in
      switch values {
      case .numeric(let v): return "\(v[row])"
      case .text(let v): return csvField(v[row])
      }
    }
  }
  report.rowsOut = order.count - firstKept + (report.interpolatedZeroRow || report.prependedZeroRow ? 1 : 0)
  try writeAtomically(text, to: path)
  return report
}

/// A column's name in the corrected copy: lower-cased (as Label Studio reads
/// headers), with `_2`, `_3`… when it clashes with a name in `used`.
public func correctedColumnName(_ name: String, used: inout Set<String>) -> String {
  var name = name.lowercased()
  if used.contains(name) {
    var k = 2
    while used.contains("\(name)_\(k)") { k += 1 }
    name = "\(name)_\(k)"
  }
  used.insert(name)
  return name
}

/// The names the corrected copy starts with: media time, then sensor time.
public let correctedTimeColumns = ["time", "sensor_time"]

/// Fills NaNs by linear interpolation in time; the ends take the nearest
/// value. Nil when every value is missing.
func interpolateMissing(_ values: [Double], times: [Double], filled: inout Int) -> [Double]? {
  guard let firstGood = values.firstIndex(where: { !$0.isNaN }) else { return values.isEmpty ? values : nil }
  var out = values
  var previous = firstGood
  for i in 0..<firstGood {
    out[i] = values[firstGood]
    filled += 1
  }
  var i = firstGood + 1
  while i < values.count {
    if !values[i].isNaN {
      previous = i
      i += 1
      continue
    }
    var next = i
    while next < values.count && values[next].isNaN { next += 1 }
    for k in i..<next {
      if next < values.count {
        let span = times[next] - times[previous]
        let w = span > 0 ? (times[k] - times[previous]) / span : 0
        out[k] = values[previous] + w * (values[next] - values[previous])
      } else {
        out[k] = values[previous]
      }
      filled += 1
    }
    i = next
  }
  return out
}

/// Fills empty text with the previous value (the next at the start). Nil
/// when every value is empty.
func fillText(_ values: [String], filled: inout Int) -> [String]? {
  guard let firstGood = values.firstIndex(where: { !$0.isEmpty }) else { return values.isEmpty ? values : nil }
  var out = values
  var last = values[firstGood]
  for i in out.indices {
    if out[i].isEmpty {
      out[i] = last
      filled += 1
    } else {
      last = out[i]
    }
  }
  return out
}

/// A field quoted when it holds a comma, quote or line break.
func csvField(_ text: String) -> String {
  guard text.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return text }
  return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
}

extension String {
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var out = ""
    out.reserveCapacity(count)
    for c in self {
      if c == target { out += replacement } else { out.append(c) }
    }
    return out
  }
}
