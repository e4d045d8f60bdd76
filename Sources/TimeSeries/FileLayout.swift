/// What the first lines of a sensor CSV say about the rest: which device or
/// app wrote it, which lines come before the header (a preamble), which rows
/// after the header hold units or labels, and, for formats without a time
/// column, the start and rate that give each row its time.
///
/// Detected from the first 64 KiB (`detect`), before any row is read, and
/// then obeyed by `CSVReader`. Options the user gives win over what is
/// detected (`--skip-rows` turns the preamble search off).
///
/// Formats, each from its documented layout:
/// - **Empatica E4** (`ACC.csv`, `BVP.csv`, `EDA.csv`, `TEMP.csv`, `HR.csv`):
///   row 1 the start (UTC epoch seconds, once per column), row 2 the rate in
///   Hz, then values and no time column: row `i` is at `start + i / rate`.
/// - **ActiGraph ActiLife** CSV: a 10-line block from a "Data File Created
///   By ActiGraph … date format F at N Hz" line to a line of dashes, with
///   `Start Time`, `Start Date` and `Epoch Period`; then an optional names
///   row and rows with or without a `Timestamp` column (parsed in the
///   block's date format). Without one, rows are at the start plus `i`
///   epochs (or `i / N` s for raw data).
/// - **Shimmer** Consensys: a `"sep=,"` line (the delimiter), a names row,
///   a units row (the time column's unit is taken from it).
/// - **OpenBCI** GUI: `%` lines (with the sample rate), then the names row
///   with `Sample Index` … `Timestamp`; the time is `Timestamp`, not the
///   wrapping sample index.
/// - **phyphox**: quoted names with units (`"Time (s)"`,
///   `"Acceleration x (m/s^2)"`).
/// - Any CSV with comment lines (`#`, `%`, `//`) or metadata lines
///   before the header, and any second (or third) header row of units or
///   labels: the rows just above the data that hold no number, are as wide
///   as the data, and read as units (`ms`, `m/(s^2)`, `deg/s`, `CAL`, …).
public struct FileLayout: Sendable, Equatable, Codable {
  public enum Format: String, Sendable, Codable, Equatable {
    case plain
    /// Comment or metadata lines before the header.
    case preamble
    /// A row of units after the names row, and no preamble.
    case unitsRow = "units_row"
    /// No names row: the first row is data (columns `column_0`, …).
    case noHeader = "no_header"
    case empaticaE4 = "empatica_e4"
    case actigraph
    case shimmer
    case openBCI = "openbci"
    case phyphox

    /// "an Empatica E4 file".
    public var title: String {
      switch self {
      case .plain: return "a plain CSV"
      case .preamble: return "a CSV with a preamble"
      case .unitsRow: return "a CSV with a units row"
      case .noHeader: return "a CSV with no names row (columns column_0, column_1, …)"
      case .empaticaE4: return "an Empatica E4 file"
      case .actigraph: return "an ActiGraph ActiLife file"
      case .shimmer: return "a Shimmer Consensys file"
      case .openBCI: return "an OpenBCI GUI file"
      case .phyphox: return "a phyphox export"
      }
    }
  }

  public internal(set) var format: Format = .plain
  /// Lines before the header row (or before the first data row when there
  /// is none), skipped as they are.
  public internal(set) var skippedLines = 0
  /// Rows after the header holding units or labels, skipped.
  public internal(set) var labelRows = 0
  /// Epoch seconds of the first row, for files whose times are start + i / rate.
  public internal(set) var start: Double?
  /// Rows per second, for the same files.
  public internal(set) var rateHz: Double?
  /// How the times were found, in words ("the start in row 1 and the rate
  /// in row 2"); nil for a time column found by its name.
  public internal(set) var timesFrom: String?
  /// The one line said on stderr and in `probe`: "read as an Empatica E4
  /// file: start 2024-03-01 09:00:00 UTC, 32 Hz, 3 columns (x, y, z)";
  /// nil for a plain CSV.
  public internal(set) var summary: String?

  // What the reader obeys; not part of the JSON.
  /// The delimiter (given, from a `sep=` line, or detected from the data).
  var delimiter: UInt8 = UInt8(ascii: ",")
  /// Lines starting with it are skipped wherever they are.
  var comment: UInt8?
  /// false: the data starts right after the preamble, with no names row.
  var hasHeader = true
  /// Names for a file with no names row.
  var names: [String]?
  /// The time column, when the format names it (OpenBCI without a names row).
  var timeColumn: String?
  var timeFormat: TimeFormat?
  /// The units row's cells, in field order ("" where none).
  var units: [String] = []

  enum CodingKeys: String, CodingKey {
    case format, skippedLines, labelRows, start, rateHz, timesFrom, summary
  }

  public init() {}

  /// The layout of the file whose first bytes are `sample` (`isWhole`:
  /// the whole file), named `fileName` (for Empatica's column names).
  static func detect(
    _ sample: UnsafeRawBufferPointer, isWhole: Bool, fileName: String, options: CSVOptions
  ) -> FileLayout {
    var detector = LayoutDetector(sample, isWhole: isWhole, fileName: fileName, options: options)
    return detector.run()
  }
}

/// The work of `FileLayout.detect`, over the sample's complete lines.
private struct LayoutDetector {
  let lines: [String]
  let fileName: String
  let options: CSVOptions
  var layout = FileLayout()
  /// OpenBCI's header rate: said in the summary, not used for the times
  /// (its files have a timestamp column).
  var headerRate: Double?
  /// The delimiter of the first line's `sep=X`, when it is one (and
  /// `--skip-rows` was not given).
  var separator: UInt8?

  init(_ sample: UnsafeRawBufferPointer, isWhole: Bool, fileName: String, options: CSVOptions) {
    var bytes = sample[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
      var text = String(decoding: line, as: UTF8.self)
      if text.hasSuffix("\r") { text.removeLast() }
      return text
    }
    // The last line may be cut off by the sample's end (or be the empty
    // one after the final newline).
    if !isWhole || lines.last == "" { lines.removeLast() }
    self.lines = lines
    self.fileName = fileName
    self.options = options
  }

  mutating func run() -> FileLayout {
    guard !lines.isEmpty else { return layout }
    layout.comment = options.comment
    var first = 0
    var banner: ActiGraphBanner?
    if let skip = options.skipRows {
      first = skip
      layout.skippedLines = skip
    } else if let sep = separatorLine(lines[0]) {
      separator = sep
      first = 1
    } else if let actigraph = ActiGraphBanner(lines) {
      banner = actigraph
      first = actigraph.lines
    } else if let e4 = empatica() {
      return e4
    }
    if layout.comment == nil, first < lines.count, let byte = commentByte(lines[first]) { layout.comment = byte }
    while first < lines.count, isSkippable(lines[first]) { first += 1 }
    if lines[0].hasPrefix("%"), lines.prefix(first).contains(where: { $0.contains("OpenBCI") }) {
      layout.format = .openBCI
      headerRate = openBCIRate()
    }
    layout.delimiter = options.delimiter ?? separator ?? bodyDelimiter(from: first)
    findHeader(from: first)
    if let banner { applyActiGraph(banner) }
    if layout.format == .openBCI { applyOpenBCI() }
    describe(banner: banner)
    return layout
  }

  // MARK: Lines

  /// The delimiter of an Excel `sep=X` line (quoted or not).
  func separatorLine(_ line: String) -> UInt8? {
    var text = line.trimmingSpaces
    if text.hasPrefix("\"") && text.hasSuffix("\"") && text.count >= 2 { text = String(text.dropFirst().dropLast()) }
    while text.hasSuffix(",") { text.removeLast() }
    guard text.lowercased().hasPrefix("sep=") else { return nil }
    let rest = text.dropFirst(4)
    if rest == "\\t" { return 9 }
    guard rest.utf8.count == 1, let byte = rest.utf8.first, byte < 128 else { return nil }
    return byte
  }

  /// `#`, `%` or `/` when the line starts a comment (`//` for the last).
  func commentByte(_ line: String) -> UInt8? {
    guard let byte = line.utf8.first else { return nil }
    if byte == UInt8(ascii: "#") || byte == UInt8(ascii: "%") { return byte }
    if line.hasPrefix("//") { return byte }
    return nil
  }

  func isSkippable(_ line: String) -> Bool {
    if line.trimmingSpaces.isEmpty { return true }
    guard let comment = layout.comment else { return false }
    return line.utf8.first == comment
  }

  /// The fields of a line, quotes taken off (no quoted delimiters in the
  /// header lines this looks at, or they are split: good enough to count).
  func fields(_ line: String, _ delimiter: UInt8) -> [String] {
    var out: [String] = []
    var current: [UInt8] = []
    var quoted = false
    for byte in line.utf8 {
      if byte == UInt8(ascii: "\"") {
        quoted.toggle()
      } else if byte == delimiter && !quoted {
        out.append(String(decoding: current, as: UTF8.self).trimmingSpaces)
        current = []
      } else {
        current.append(byte)
      }
    }
    out.append(String(decoding: current, as: UTF8.self).trimmingSpaces)
    return out
  }

  /// A number (decimal point or comma) or an ISO 8601 date-time.
  func isValue(_ cell: String) -> Bool {
    var copy = cell
    return copy.withUTF8 { bytes in
      let raw = UnsafeRawBufferPointer(bytes)
      return parseNumber(raw, decimalComma: layout.delimiter != UInt8(ascii: ",")) != nil || parseISO8601(raw) != nil
    }
  }

  /// A data row: at least one cell is a value.
  func isData(_ cells: [String]) -> Bool { cells.contains { isValue($0) } }

  /// The delimiter that splits the last lines of the sample evenly.
  func bodyDelimiter(from first: Int) -> UInt8 {
    let body = lines[first...].filter { !isSkippable($0) }.suffix(20)
    let text = Array(body.joined(separator: "\n").utf8) + [10]
    return text.withUnsafeBytes { detectDelimiter($0) }
  }

  // MARK: Header and label rows

  /// Finds the data's first line by walking back from the end of the
  /// sample over rows as wide as the last one that hold a value; the rows
  /// just above it that hold none are the names row and the label rows;
  /// what is above the names row is the preamble. Changes nothing when
  /// that reading is not clear (ragged data, too few rows).
  mutating func findHeader(from first: Int) {
    let delimiter = layout.delimiter
    let indices = (first..<lines.count).filter { !isSkippable(lines[$0]) }
    guard let last = indices.last else {
      layout.skippedLines = first
      return
    }
    let width = fields(lines[last], delimiter).count
    var body = indices.count
    while body > 0 {
      let cells = fields(lines[indices[body - 1]], delimiter)
      guard cells.count == width, isData(cells) else { break }
      body -= 1
    }
    // Rows above the data with no value, as wide as it (at most 3).
    var labels: [Int] = []
    var k = body
    while k > 0 && labels.count < 3 {
      let cells = fields(lines[indices[k - 1]], delimiter)
      guard cells.count == width, !isData(cells) else { break }
      labels.insert(k - 1, at: 0)
      k -= 1
    }
    let dataRows = indices.count - body
    guard dataRows >= 2 || (dataRows >= 1 && labels.count >= 1) else {
      layout.skippedLines = first
      return
    }
    if labels.isEmpty {
      // Data right after the preamble, no names row: only when nothing
      // above it is data of another width (ragged data is not a preamble).
      let above = indices[..<body].map { fields(lines[$0], delimiter) }
      if body > 0 && above.allSatisfy({ !isData($0) || $0.count == 1 }) {
        layout.skippedLines = indices[body]
        layout.hasHeader = false
      } else if body == 0 {
        // Every row, the first included, holds a value: no names row.
        layout.skippedLines = indices[0]
        layout.hasHeader = false
      } else {
        layout.skippedLines = first
      }
      return
    }
    // The names row: the lowest label row that is not units.
    var names = labels[0]
    for row in labels.reversed() where !looksLikeUnits(fields(lines[indices[row]], delimiter)) {
      names = row
      break
    }
    layout.skippedLines = indices[names]
    let unitRows = labels.filter { $0 > names }
    layout.labelRows = unitRows.count
    if let unitsRow = unitRows.last { layout.units = fields(lines[indices[unitsRow]], delimiter) }
  }

  /// Every non-empty cell reads as a unit or a calibration label.
  func looksLikeUnits(_ cells: [String]) -> Bool {
    let filled = cells.filter { !$0.isEmpty }
    guard !filled.isEmpty else { return false }
    return filled.allSatisfy { cell in
      let lower = cell.lowercased()
      if lower.count > 16 { return false }
      if unitWords.contains(lower) { return true }
      if lower.hasPrefix("(") || lower.hasPrefix("[") { return true }
      return lower.contains("/") || lower.contains("^") || lower.contains("°") || lower.contains("µ")
    }
  }

  // MARK: Formats

  /// Empatica E4: rows 1 and 2 each hold one number repeated, an epoch
  /// start and a rate; then values as wide.
  func empatica() -> FileLayout? {
    guard lines.count >= 3 else { return nil }
    let comma = UInt8(ascii: ",")
    let starts = fields(lines[0], comma)
    let rates = fields(lines[1], comma)
    let values = fields(lines[2], comma)
    guard (1...8).contains(starts.count), rates.count == starts.count, values.count == starts.count,
      let start = Double(starts[0]), let rate = Double(rates[0]),
      starts.allSatisfy({ Double($0) == start }), rates.allSatisfy({ Double($0) == rate }),
      (3e8...4.2e9).contains(start), rate > 0, rate <= 100_000, values.allSatisfy({ Double($0) != nil })
    else { return nil }
    var layout = FileLayout()
    layout.format = .empaticaE4
    layout.skippedLines = 2
    layout.hasHeader = false
    layout.start = start
    layout.rateHz = rate
    layout.delimiter = comma
    layout.timesFrom = "the start in row 1 and the rate in row 2"
    let stem = fileName.split(separator: "/").last.map { String($0.split(separator: ".").first ?? $0) } ?? "value"
    let names: [String]
    if starts.count == 3 && stem.uppercased() == "ACC" {
      names = ["x", "y", "z"]
    } else if starts.count == 1 {
      names = [stem.isEmpty || stem == "stdin" ? "value" : stem.lowercased()]
    } else {
      names = (0..<starts.count).map { "column_\($0)" }
    }
    layout.names = names
    layout.summary =
      "read as an Empatica E4 file: start \(formatUTC(start)) UTC, \(formatRate(rate)), \(names.count) column\(names.count == 1 ? "" : "s") (\(names.joined(separator: ", ")))"
    return layout
  }

  /// OpenBCI's `%Sample Rate = 250 Hz` line.
  func openBCIRate() -> Double? {
    for line in lines.prefix(20) where line.hasPrefix("%") && line.lowercased().contains("sample rate") {
      guard let equals = line.firstIndex(of: "=") else { continue }
      let rest = String(line[line.index(after: equals)...]).trimmingSpaces
      if let number = rest.split(separator: " ").first, let rate = Double(number), rate > 0 { return rate }
    }
    return nil
  }

  mutating func applyActiGraph(_ banner: ActiGraphBanner) {
    layout.format = .actigraph
    let delimiter = layout.delimiter
    let header = layout.hasHeader ? fields(lines[layout.skippedLines], delimiter) : []
    let firstData = layout.skippedLines + (layout.hasHeader ? 1 + layout.labelRows : 0)
    let firstCells = firstData < lines.count ? fields(lines[firstData], delimiter) : []
    // A Timestamp column, named or (without a names row) found by parsing.
    let stamped =
      header.contains { $0.lowercased() == "timestamp" }
      || (!layout.hasHeader && firstCells.first.map { banner.timestampFormat(matching: $0) != nil } == true)
    if stamped, let cell = firstCells.first(where: { banner.timestampFormat(matching: $0) != nil }) {
      layout.timeFormat = banner.timestampFormat(matching: cell)
      if !layout.hasHeader {
        layout.names = ["Timestamp"] + axisNames(firstCells.count - 1)
        layout.timeColumn = "Timestamp"
      }
      layout.timesFrom = "its Timestamp column (date format \(banner.dateFormat))"
    } else {
      layout.start = banner.start
      layout.rateHz = banner.rate
      if !layout.hasHeader { layout.names = axisNames(firstCells.count) }
      layout.timesFrom =
        "Start Date and Start Time in its header block, \(banner.epoch > 0 ? "one row per \(formatSeconds(banner.epoch)) s epoch" : "at its \(formatRate(banner.rate))")"
    }
  }

  /// OpenBCI GUI v5 names its columns ("Sample Index, EXG Channel 0, …,
  /// Timestamp, …, Timestamp (Formatted)"): the reader finds "Timestamp".
  /// The v4 files have no names row; their last column is the epoch time
  /// in milliseconds.
  mutating func applyOpenBCI() {
    guard !layout.hasHeader, layout.skippedLines < lines.count else { return }
    let count = fields(lines[layout.skippedLines], layout.delimiter).count
    guard count >= 2 else { return }
    layout.names = ["Sample Index"] + (1..<(count - 1)).map { "column_\($0)" } + ["Timestamp"]
    layout.timeColumn = "Timestamp"
    layout.timesFrom = "its last column (epoch time, OpenBCI v4)"
  }

  func axisNames(_ count: Int) -> [String] {
    if count == 3 { return ["Accelerometer X", "Accelerometer Y", "Accelerometer Z"] }
    return (0..<max(0, count)).map { "column_\($0)" }
  }

  /// The one-line summary, and the format a names row reveals.
  mutating func describe(banner: ActiGraphBanner?) {
    let delimiter = layout.delimiter
    let names =
      layout.hasHeader && layout.skippedLines < lines.count ? fields(lines[layout.skippedLines], delimiter) : []
    if layout.format == .plain {
      if separator != nil
        && (names.contains { $0.contains("Shimmer") || $0.hasSuffix("_CAL") || $0.hasSuffix("_RAW") }
          || layout.labelRows > 0)
      {
        layout.format = .shimmer
      } else if names.first.map({ $0.lowercased().hasPrefix("time (s)") }) == true,
        names.dropFirst().contains(where: { $0.contains("(") && $0.contains(")") })
      {
        layout.format = .phyphox
      } else if layout.skippedLines > 0 {
        layout.format = .preamble
      } else if !layout.hasHeader {
        layout.format = .noHeader
      } else if layout.labelRows > 0 {
        layout.format = .unitsRow
      }
    }
    var parts: [String] = []
    if let banner {
      parts.append(
        "start \(formatUTC(banner.start)), \(formatRate(banner.rate)) (its \(banner.lines)-line header block)")
    }
    if layout.format == .openBCI, let rate = headerRate { parts.append("\(formatRate(rate)) in its header") }
    // Lines before the names row: a `sep=` line, then comment or preamble lines.
    let separatorLines = separator == nil ? 0 : 1
    if separatorLines == 1 {
      parts.append(
        "its sep= line (\(layout.delimiter == 9 ? "tab" : "'\(String(UnicodeScalar(layout.delimiter)))'")-separated)")
    }
    let skipped = layout.skippedLines - separatorLines - (banner?.lines ?? 0)
    if skipped > 0 {
      let what =
        layout.comment.map { "comment line\(skipped == 1 ? "" : "s") ('\(String(UnicodeScalar($0)))')" }
        ?? "preamble line\(skipped == 1 ? "" : "s")"
      parts.append("\(skipped) \(what) before the \(layout.hasHeader ? "names row" : "data") skipped")
    }
    if layout.labelRows > 0 {
      let shown = layout.units.filter { !$0.isEmpty }.prefix(4).joined(separator: ", ")
      parts.append(
        "\(layout.labelRows == 1 ? "a row" : "\(layout.labelRows) rows") of units after the names (\(shown)\(layout.units.filter { !$0.isEmpty }.count > 4 ? ", …" : "")) skipped"
      )
    }
    if let timesFrom = layout.timesFrom { parts.append("times from \(timesFrom)") }
    guard layout.format != .plain else { return }
    layout.summary = "read as \(layout.format.title)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: "; "))
  }
}

/// Words a units or calibration row holds.
private let unitWords: Set<String> = [
  "s", "sec", "secs", "second", "seconds", "ms", "msec", "us", "µs", "ns", "min", "h", "hz", "khz",
  "g", "mg", "m/s2", "deg", "degrees", "dps", "rad", "v", "mv", "uv", "µv", "a", "ma", "ua", "ohm",
  "kohm", "c", "°c", "degc", "k", "f", "pa", "hpa", "kpa", "bar", "mbar", "lux", "lx", "db", "dba", "bpm", "%",
  "au", "a.u.", "counts", "count", "adc", "t", "ut", "µt", "mt", "gauss", "ga", "no units", "no_units", "cal",
  "raw", "uncal", "n", "nm", "m", "mm", "cm", "km", "kg",
]

/// ActiGraph's header block (10 lines from the "Data File Created By
/// ActiGraph" line to the line of dashes).
private struct ActiGraphBanner {
  /// Lines it takes, the dashes included.
  var lines: Int
  var dateFormat: String
  /// Raw samples per second ("at 30 Hz"); for epoch files 1 / epoch.
  var rate: Double
  /// The epoch period, s (0 for raw data).
  var epoch: Double
  /// Start Date and Start Time (local time, read as UTC, as every time
  /// without a zone).
  var start: Double

  init?(_ lines: [String]) {
    guard let banner = lines.first, banner.hasPrefix("-"), banner.contains("ActiGraph") else { return nil }
    guard let end = lines.indices.dropFirst().prefix(15).first(where: { lines[$0].hasPrefix("---") }) else {
      return nil
    }
    self.lines = end + 1
    let words = banner.split(separator: " ").map(String.init)
    let formatIndex = words.firstIndex(of: "format").map { $0 + 1 }
    dateFormat = formatIndex.flatMap { $0 < words.count ? words[$0] : nil } ?? "M/d/yyyy"
    var hz: Double?
    if let at = words.firstIndex(of: "at"), at + 1 < words.count { hz = Double(words[at + 1]) }
    var startTime: String?
    var startDate: String?
    var epoch = 0.0
    for line in lines[1..<end] {
      if line.hasPrefix("Start Time ") { startTime = String(line.dropFirst(11)).trimmingSpaces }
      if line.hasPrefix("Start Date ") { startDate = String(line.dropFirst(11)).trimmingSpaces }
      if line.hasPrefix("Epoch Period"), let clock = line.split(separator: " ").last {
        let parts = clock.split(separator: ":").compactMap { Double($0) }
        if parts.count == 3 { epoch = parts[0] * 3600 + parts[1] * 60 + parts[2] }
      }
    }
    self.epoch = epoch
    guard let rate = epoch > 0 ? 1 / epoch : hz, rate > 0 else { return nil }
    self.rate = rate
    // A date format strftime cannot express leaves the file to the generic
    // preamble reading (and its advice), which is the right outcome, so the
    // TimeFormat error itself is not needed.
    guard let startDate, let startTime, let format = try? TimeFormat(Self.strftime(dateFormat) + " %H:%M:%S"),
      let start = (startDate + " " + startTime).withBytes({ format.parse($0) })
    else { return nil }
    self.start = start
  }

  /// ActiLife's date format (`M/d/yyyy`, `dd/MM/yyyy`, `yyyy-MM-dd`) as a
  /// strftime format.
  static func strftime(_ format: String) -> String {
    var out = ""
    var previous: Character?
    for c in format {
      defer { previous = c }
      switch c {
      case "y": if previous != "y" { out += format.contains("yyyy") ? "%Y" : "%y" }
      case "M": if previous != "M" { out += "%m" }
      case "d": if previous != "d" { out += "%d" }
      case "%": out += "%%"
      default: out.append(c)
      }
    }
    return out
  }

  /// The format a Timestamp cell is written in (with or without
  /// milliseconds), or nil when it is not one.
  func timestampFormat(matching cell: String) -> TimeFormat? {
    for suffix in [" %H:%M:%S.%L", " %H:%M:%S"] {
      guard let format = try? TimeFormat(Self.strftime(dateFormat) + suffix) else { continue }
      if cell.withBytes({ format.parse($0) }) != nil { return format }
    }
    return nil
  }
}

extension String {
  func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    var copy = self
    return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
  }
}

/// `2024-03-01 09:00:00` (UTC) for epoch seconds.
func formatUTC(_ epoch: Double) -> String {
  guard epoch.isFinite, abs(epoch) < 1e13 else { return "\(epoch)" }
  let whole = Int64(epoch.rounded(.down))
  let days = Int(whole.quotientAndRemainder(dividingBy: 86400).quotient) - (whole % 86400 < 0 ? 1 : 0)
  let seconds = Int(whole - Int64(days) * 86400)
  // Howard Hinnant's civil_from_days.
  let z = days + 719468
  let era = (z >= 0 ? z : z - 146096) / 146097
  let doe = z - era * 146097
  let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
  let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
  let mp = (5 * doy + 2) / 153
  let day = doy - (153 * mp + 2) / 5 + 1
  let month = mp < 10 ? mp + 3 : mp - 9
  let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
  return "\(year)-\(two(month))-\(two(day)) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
}
