import Dispatch
import Foundation

/// Reads sensor CSVs (see `CSVOptions`) into a `TimeSeriesTable`.
///
/// Streaming: the text is never held whole. The first rows (which type the
/// columns) and any file with text columns or quotes are read record by
/// record from 1 MiB chunks; the rest of an all-numeric file is cut into
/// 1 MiB pieces of whole lines that all cores parse at once, from a
/// mapping of the file, into per-column arrays sized once from the file
/// size (`NumericBlocks`). Numbers are parsed without copying.
/// Missing cells (empty, `NaN`, `NA`, `N/A`, `null`, `None`) become NaN;
/// a column whose first rows are mostly not numbers is kept as text; a
/// numeric column's unreadable cells are counted (first ones with their
/// line) and treated as missing.
public enum CSVReader {
  /// Rows used to decide which columns are numbers.
  static let typingRows = 256

  /// Reads `path` (registered with `ProtectedInputs`, so no output of this
  /// run can be written over it).
  public static func read(path: String, options: CSVOptions = CSVOptions()) throws(SeriesError) -> TimeSeriesTable {
    ProtectedInputs.shared.protect(path)
    return try read(
      path: path, options: options, threads: ProcessInfo.processInfo.activeProcessorCount, pieceSize: 1 << 20)
  }

  /// - Parameters:
  ///   - threads: pieces parsed at once on the all-numeric fast path
  ///     (`NumericBlocks`); 0 reads every row with the record scanner.
  ///   - map: pieces come from a mapping of the file (false: `pread`).
  ///   - pieceSize: bytes per piece (lines that start in it; the last one
  ///     runs on to its newline).
  static func read(
    path: String, options: CSVOptions, threads: Int, pieceSize: Int, map: Bool = true
  ) throws(SeriesError) -> TimeSeriesTable {
    let file = try ChunkedFile(path: path)
    let name = path == standardInput ? "stdin" : path
    // The first bytes decide the layout (a pipe may deliver them in parts).
    while file.end < layoutSample, try file.refill() {}
    if file.end == 0 { throw .empty(path: name) }
    let sample = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(file.buffer)[0..<min(file.end, layoutSample)])
    let layout = FileLayout.detect(
      sample, isWhole: file.atEOF && file.end <= layoutSample, fileName: name, options: options)
    let effective = options.obeying(layout)
    let delimiter = options.delimiter ?? layout.delimiter
    var scanner = RecordScanner(file: file, path: name, delimiter: delimiter)
    try scanner.skipLines(layout.skippedLines)
    var builder = TableBuilder(
      path: name, options: effective, layout: layout, delimiter: delimiter, fileSize: file.size)
    // Pieces are read by offset: anything but a regular file goes line by line.
    var piecesTried = threads < 1 || !file.isRegular
    while try scanner.next() {
      builder.bytesConsumed = file.consumed
      try builder.add(&scanner)
      // Once the sample has typed the columns, the rest may go in pieces.
      if builder.typed && !piecesTried {
        piecesTried = true
        if let layout = builder.blockLayout,
          try builder.readPieces(
            file, scanner: &scanner, layout: layout, threads: threads, pieceSize: pieceSize, map: map)
        {
          break
        }
      }
    }
    return try builder.finish()
  }

  /// The path that names standard input.
  public static let standardInput = "-"
  /// Bytes `FileLayout.detect` looks at.
  static let layoutSample = 1 << 16
}

/// Text that may be a date or a clock time in some format: mostly digits
/// and the separators times use, with at least four digits.
func looksLikeTime(_ text: String) -> Bool {
  let bytes = Array(text.utf8)
  guard bytes.count <= 40 else { return false }
  let digits = bytes.filter { $0 &- 48 <= 9 }.count
  let separators = bytes.filter { ":/.-T +Z,".utf8.contains($0) }.count
  let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
  let named = months.contains { text.lowercased().contains($0) } ? 3 : 0
  return digits >= 4 && Double(digits + separators + named) >= 0.8 * Double(bytes.count)
}

/// Parses a time cell in the mode the first data row chose.
enum TimeMode {
  /// Numbers in a unit of `1/divisor` seconds.
  case number(divisor: Double)
  case iso
  case format(TimeFormat)
}

let missingTokens: Set<String> = ["", "nan", "na", "n/a", "null", "none", "#n/a", "-nan"]

@inline(__always)
func isMissing(_ bytes: UnsafeRawBufferPointer) -> Bool {
  if bytes.isEmpty { return true }
  if bytes.count > 4 { return false }
  let first = bytes[0] | 0x20
  guard first == UInt8(ascii: "n") || first == UInt8(ascii: "#") || first == UInt8(ascii: "-") else { return false }
  return missingTokens.contains(String(decoding: bytes, as: UTF8.self).lowercased())
}

/// A numeric time in seconds: whole numbers split into whole seconds and
/// the rest before dividing, so epoch nanoseconds keep what a Double can
/// hold; decimals divided once (division by a power of ten rounds once).
@inline(__always)
func numericTime(_ bytes: UnsafeRawBufferPointer, divisor: Double, decimalComma: Bool) -> Double? {
  if divisor > 1, let whole = parseInt64(bytes) {
    let unit = Int64(divisor)
    let (q, r) = whole.quotientAndRemainder(dividingBy: unit)
    return Double(q) + Double(r) / divisor
  }
  guard let value = parseNumber(bytes, decimalComma: decimalComma) else { return nil }
  return divisor == 1 ? value : value / divisor
}

/// A number, accepting a decimal comma when the delimiter is not a comma.
@inline(__always)
func parseNumber(_ bytes: UnsafeRawBufferPointer, decimalComma: Bool) -> Double? {
  if let value = parseDouble(bytes) { return value }
  guard decimalComma, let comma = bytes.firstIndex(of: UInt8(ascii: ",")),
    bytes.lastIndex(of: UInt8(ascii: ",")) == comma, !bytes.contains(UInt8(ascii: "."))
  else { return nil }
  var copy = [UInt8](bytes)
  copy[comma] = UInt8(ascii: ".")
  return copy.withUnsafeBytes { parseDouble($0) }
}

private struct ColumnBuilder {
  var name: String
  var texts: [String] = []
  var unreadable = 0
  var firstUnreadable: [(line: Int, text: String)] = []
  /// Typing phase: raw cells of the first rows.
  var sample: [String?] = []
}

private struct TableBuilder {
  let path: String
  /// The options given, with what the layout found filling the rest
  /// (`CSVOptions.obeying`); a units row may add the time unit.
  var options: CSVOptions
  let layout: FileLayout
  let delimiter: UInt8
  let fileSize: Int64
  var names: [String] = []
  var timeIndex: Int?
  var timeName: String?
  var columns: [ColumnBuilder] = []
  // Hot-path storage, by column builder index.
  var fieldIndices: [Int] = []
  var textFlags: [Bool] = []
  var numberColumns: [[Double]] = []
  var missingCounts: [Int] = []
  var times: [Double] = []
  var mode: TimeMode?
  var typed = false
  var sampleLines: [Int] = []
  var sampleTimes: [Double] = []
  /// The time cells of the sampled rows, kept while the unit is inferred
  /// (`CSVOptions.timeUnit` nil): the sample is read as plain numbers,
  /// then parsed again in the inferred unit.
  var sampleTimeCells: [[UInt8]] = []
  var unitPending = false
  var timeUnitInference: TimeUnitInference?
  var firstDataLine = 0
  var headerDone = false
  /// Units rows after the header still to skip.
  var labelRowsLeft = 0
  var previousTime = -Double.infinity
  /// The previous row's time cell, for the backwards-time message.
  var previousBytes: [UInt8] = []
  var outOfOrder = 0
  var duplicates = 0
  var rows = 0
  /// Bytes of the file consumed so far (set by the reader).
  var bytesConsumed: Int64 = 0

  init(path: String, options: CSVOptions, layout: FileLayout, delimiter: UInt8, fileSize: Int64) {
    self.path = path
    self.options = options
    self.layout = layout
    labelRowsLeft = options.hasHeader ? layout.labelRows : 0
    self.delimiter = delimiter
    self.fileSize = fileSize
  }

  var decimalComma: Bool { delimiter != UInt8(ascii: ",") }

  mutating func add(_ scanner: inout RecordScanner) throws(SeriesError) {
    if scanner.isBlank { return }
    if let comment = options.comment, scanner.withField(0, { $0.first == comment }) { return }
    if !headerDone {
      headerDone = true
      try setUpColumns(&scanner)
      if options.hasHeader { return }
    }
    if labelRowsLeft > 0 {
      labelRowsLeft -= 1
      return
    }
    guard scanner.fields.count == names.count else {
      throw .raggedRow(path: path, line: scanner.line, fields: scanner.fields.count, expected: names.count)
    }
    if firstDataLine == 0 { firstDataLine = scanner.line }
    let time = try readTime(&scanner)
    if time < previousTime {
      if !options.sort {
        throw .timeBackwards(
          path: path, line: scanner.line, column: timeName ?? "time",
          previous: String(decoding: previousBytes, as: UTF8.self),
          value: timeIndex.map { scanner.fieldString($0) } ?? "\(time)",
          advice: .of(previous: previousTime, time: time, row: rows))
      }
      outOfOrder += 1
    } else if time == previousTime {
      duplicates += 1
    }
    if time >= previousTime || !options.sort {
      previousTime = time
      if let timeIndex {
        previousBytes.removeAll(keepingCapacity: true)
        scanner.withField(timeIndex) { raw in
          previousBytes.append(
            contentsOf: UnsafeBufferPointer(
              start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
        }
      }
    }
    rows += 1
    if !typed {
      for c in columns.indices {
        let field = fieldIndex(c)
        let text = scanner.withField(field) { isMissing($0) ? nil : String(decoding: $0, as: UTF8.self) }
        columns[c].sample.append(text)
      }
      sampleLines.append(scanner.line)
      sampleTimes.append(time)
      if unitPending, let timeIndex {
        sampleTimeCells.append(scanner.withField(timeIndex) { [UInt8]($0) })
      }
      if sampleLines.count >= CSVReader.typingRows { decideTypes() }
      return
    }
    times.append(time)
    // The hot loop: numeric cells parsed in place into per-column arrays.
    let bytes = scanner.bytes
    for c in 0..<fieldIndices.count {
      let f = scanner.fields[fieldIndices[c]]
      if textFlags[c] || f.inScratch {
        addSlow(c, field: fieldIndices[c], &scanner)
        continue
      }
      let cell = UnsafeRawBufferPointer(rebasing: bytes[f.start..<f.end])
      if let value = parseDouble(cell) {
        numberColumns[c].append(value)
        if value.isNaN { missingCounts[c] += 1 }
      } else if isMissing(cell) {
        numberColumns[c].append(.nan)
        missingCounts[c] += 1
      } else if let value = parseNumber(cell, decimalComma: decimalComma) {
        numberColumns[c].append(value)
      } else {
        numberColumns[c].append(.nan)
        noteUnreadable(c, line: scanner.line, text: String(decoding: cell, as: UTF8.self))
      }
    }
  }

  /// A text cell, or a quoted numeric cell held in the scratch buffer.
  mutating func addSlow(_ c: Int, field: Int, _ scanner: inout RecordScanner) {
    if textFlags[c] {
      let text = scanner.withField(field) { isMissing($0) ? "" : String(decoding: $0, as: UTF8.self) }
      columns[c].texts.append(text)
      if text.isEmpty { missingCounts[c] += 1 }
      return
    }
    let value = scanner.withField(field) { (bytes) -> Double? in
      if let v = parseDouble(bytes) { return v }
      if isMissing(bytes) { return .nan }
      return parseNumber(bytes, decimalComma: decimalComma)
    }
    if let value {
      numberColumns[c].append(value)
      if value.isNaN { missingCounts[c] += 1 }
    } else {
      numberColumns[c].append(.nan)
      noteUnreadable(c, line: scanner.line, text: scanner.fieldString(field))
    }
  }

  /// Field index of column builder `c` (the time column is not a builder).
  @inline(__always)
  func fieldIndex(_ c: Int) -> Int {
    guard let timeIndex else { return c }
    return c < timeIndex ? c : c + 1
  }

  mutating func noteUnreadable(_ c: Int, line: Int, text: String) {
    columns[c].unreadable += 1
    missingCounts[c] += 1
    if columns[c].firstUnreadable.count < 3 { columns[c].firstUnreadable.append((line, text)) }
  }

  mutating func setUpColumns(_ scanner: inout RecordScanner) throws(SeriesError) {
    let count = scanner.fields.count
    if options.hasHeader {
      names = (0..<count).map { i in
        let name = scanner.fieldString(i).trimmingSpaces
        return name.isEmpty ? "column_\(i)" : name
      }
    } else if let given = layout.names, given.count == count {
      names = given
    } else {
      names = (0..<count).map { "column_\($0)" }
    }
    if options.start != nil && options.rate == nil {
      throw .badFormat(
        path: path,
        message:
          "--start sets the first row's time for rows at --rate; pass --rate HZ as well, or leave --start out to read the time column"
      )
    }
    if options.rate == nil {
      let index = try resolveTimeColumn()
      timeIndex = index
      timeName = names[index]
      // A units row that names the time column's unit gives it.
      if options.timeUnit == nil, index < layout.units.count,
        let unit = TimeUnitInference.unit(fromName: layout.units[index])
      {
        options.timeUnit = unit
        timeUnitInference = TimeUnitInference(unit: unit, evidence: .unitsRow, column: names[index])
      }
    } else if let requested = options.timeColumn {
      throw .badFormat(path: path, message: "--rate and --time-column '\(requested)' exclude each other; keep one")
    }
    columns = names.indices.filter { $0 != timeIndex }.map { ColumnBuilder(name: names[$0]) }
    fieldIndices = names.indices.filter { $0 != timeIndex }
    textFlags = Array(repeating: false, count: columns.count)
    numberColumns = Array(repeating: [], count: columns.count)
    missingCounts = Array(repeating: 0, count: columns.count)
  }

  func resolveTimeColumn() throws(SeriesError) -> Int {
    if let requested = options.timeColumn {
      if let exact = names.firstIndex(of: requested) { return exact }
      if let folded = names.firstIndex(where: { $0.lowercased() == requested.lowercased() }) { return folded }
      if let index = Int(requested), index >= 0, index < names.count { return index }
      throw .missingColumn(path: path, name: requested, available: names)
    }
    let timeNames: Set<String> = [
      "time", "timestamp", "t", "ts", "datetime", "date_time", "date", "seconds", "sec", "time_s", "time (s)",
      "elapsed", "epoch", "unix_time", "time_ms", "timestamp_ms",
    ]
    if let named = names.firstIndex(where: { timeNames.contains($0.lowercased()) }) { return named }
    if let prefixed = names.firstIndex(where: { $0.lowercased().hasPrefix("time") }) { return prefixed }
    // Shimmer's `Shimmer_5E1E_Timestamp_Unix_CAL`.
    if let stamped = names.firstIndex(where: { $0.lowercased().contains("timestamp") }) { return stamped }
    return 0
  }

  mutating func readTime(_ scanner: inout RecordScanner) throws(SeriesError) -> Double {
    guard let timeIndex else { return (options.start ?? 0) + Double(rows) / (options.rate ?? 1) }
    if mode == nil {
      mode = try chooseMode(&scanner, field: timeIndex)
      if case .number = mode!, options.timeUnit == nil { unitPending = true }
    }
    let value: Double? = scanner.withField(timeIndex) { bytes in
      switch mode! {
      case .number(let divisor): return numericTime(bytes, divisor: divisor, decimalComma: decimalComma)
      case .iso: return parseISO8601(bytes)
      case .format(let format): return format.parse(bytes)
      }
    }
    guard let value, value.isFinite else {
      throw badTime(line: scanner.line, value: scanner.fieldString(timeIndex))
    }
    return value
  }

  /// The error for a time cell that does not parse in the chosen mode.
  func badTime(line: Int, value text: String) -> SeriesError {
    let hint: String
    switch mode {
    case .number?, nil:
      hint =
        text.isEmpty
        ? "every row needs a time; fill or remove this row" : "the column holds numbers above; fix this value"
    case .iso?: hint = "the column holds ISO 8601 date-times above; fix this value"
    case .format(let format)?: hint = "it does not match --time-format '\(format)'"
    }
    return .badTime(path: path, line: line, column: names[timeIndex ?? 0], value: text, hint: hint)
  }

  func chooseMode(_ scanner: inout RecordScanner, field: Int) throws(SeriesError) -> TimeMode {
    if let format = options.timeFormat { return .format(format) }
    let kind: TimeMode? = scanner.withField(field) { bytes in
      if parseNumber(bytes, decimalComma: decimalComma) != nil {
        // No unit given: plain numbers until the sample decides (`decideTypes`).
        return .number(divisor: options.timeUnit?.perSecond ?? 1)
      }
      if parseISO8601(bytes) != nil { return .iso }
      return nil
    }
    guard let kind else {
      let text = scanner.fieldString(field)
      let hint =
        looksLikeTime(text)
        ? "it is neither a number nor an ISO 8601 date-time; pass --time-format (e.g. '%d/%m/%Y %H:%M:%S.%L')"
        : "it is not a time at all: if the lines above it are a preamble, pass --skip-rows N (N the lines before the names row) or --comment CHAR; if the time is in another column, pass --time-column; with no time column, --rate"
      throw .badTime(path: path, line: scanner.line, column: names[field], value: text, hint: hint)
    }
    return kind
  }

  /// Decides from the sampled rows which columns are text, then moves the
  /// sample into the column arrays.
  mutating func decideTypes() {
    typed = true
    if unitPending { decideTimeUnit() }
    let estimate = estimatedRows()
    times.reserveCapacity(estimate)
    times.append(contentsOf: sampleTimes)
    for c in columns.indices {
      var numbers = 0
      var others = 0
      for cell in columns[c].sample {
        guard let cell else { continue }
        if cell.utf8.withContiguousStorageIfAvailable({
          parseNumber(UnsafeRawBufferPointer($0), decimalComma: decimalComma)
        }) ?? Double(cell) != nil {
          numbers += 1
        } else {
          others += 1
        }
      }
      textFlags[c] = others > numbers
      let sample = columns[c].sample
      columns[c].sample = []
      if textFlags[c] {
        columns[c].texts.reserveCapacity(estimate)
        for cell in sample {
          columns[c].texts.append(cell ?? "")
          if cell == nil { missingCounts[c] += 1 }
        }
      } else {
        numberColumns[c].reserveCapacity(estimate)
        for (row, cell) in sample.enumerated() {
          guard let cell else {
            numberColumns[c].append(.nan)
            missingCounts[c] += 1
            continue
          }
          var copy = cell
          let value = copy.withUTF8 { parseNumber(UnsafeRawBufferPointer($0), decimalComma: decimalComma) }
          if let value {
            numberColumns[c].append(value)
            if value.isNaN { missingCounts[c] += 1 }
          } else {
            numberColumns[c].append(.nan)
            noteUnreadable(c, line: sampleLines[row], text: cell)
          }
        }
      }
    }
    sampleTimes = []
  }

  /// Infers the time unit from the sample (`TimeUnitInference`) and parses
  /// the sampled time cells again in it.
  mutating func decideTimeUnit() {
    unitPending = false
    let inference = TimeUnitInference.infer(column: timeName ?? "time", values: sampleTimes)
    timeUnitInference = inference
    let divisor = inference.unit.perSecond
    mode = .number(divisor: divisor)
    guard divisor != 1 else { return }
    for (row, cell) in sampleTimeCells.enumerated() {
      let value = cell.withUnsafeBytes { numericTime($0, divisor: divisor, decimalComma: decimalComma) }
      sampleTimes[row] = value ?? sampleTimes[row] / divisor
    }
    sampleTimeCells = []
    if let last = sampleTimes.last { previousTime = last }
  }

  /// Rows expected from the file size and the sampled rows' length.
  func estimatedRows() -> Int {
    guard rows > 0, bytesConsumed > 0 else { return rows }
    let bytesPerRow = Double(bytesConsumed) / Double(rows + (options.hasHeader ? 1 : 0))
    let guess = Int(Double(fileSize) / bytesPerRow * 1.02) + 16
    return min(max(rows, guess), 100_000_000)
  }

  mutating func finish() throws(SeriesError) -> TimeSeriesTable {
    if !headerDone { throw .empty(path: path) }
    if !typed { decideTypes() }
    if rows == 0 { throw .noDataRows(path: path) }
    try checkTimeRange()
    var warnings: [String] = []
    var series: [SeriesColumn] = []
    for c in columns.indices {
      let builder = columns[c]
      series.append(
        SeriesColumn(
          name: builder.name, values: textFlags[c] ? .text(builder.texts) : .numeric(numberColumns[c]),
          missing: missingCounts[c], unreadable: builder.unreadable, firstUnreadable: builder.firstUnreadable))
      numberColumns[c] = []
    }
    times.shrinkToFitIfWasteful()
    for c in series.indices { series[c].values.shrinkToFitIfWasteful() }
    if outOfOrder > 0 {
      let order = times.indices.sorted { times[$0] < times[$1] || (times[$0] == times[$1] && $0 < $1) }
      times = order.map { times[$0] }
      for c in series.indices {
        switch series[c].values {
        case .numeric(let v): series[c].values = .numeric(order.map { v[$0] })
        case .text(let v): series[c].values = .text(order.map { v[$0] })
        }
      }
      warnings.append("\(outOfOrder) rows were out of time order and have been sorted (--sort)")
    }
    if duplicates > 0 { warnings.append("\(duplicates) rows repeat the previous row's time") }
    if case .number(let divisor) = mode, divisor == 1, options.timeUnit != nil, let last = times.last, last > 1e11 {
      warnings.append("times look like milliseconds (or finer) since the epoch; pass --time-unit ms (or us, ns)")
    }
    for column in series where column.unreadable > 0 {
      let examples = column.firstUnreadable.map { "line \($0.line): '\(MessageText.cell($0.text))'" }
        .joined(separator: ", ")
      warnings.append(
        "column '\(MessageText.cell(column.name))': \(column.unreadable) cells are not finite numbers (\(examples)); they are treated as missing"
      )
    }
    return TimeSeriesTable(
      path: path, delimiter: delimiter, timeColumn: timeName, timeColumnPosition: timeIndex, times: times,
      columns: series,
      firstDataLine: firstDataLine, warnings: warnings, timeUnit: timeUnitInference?.unit ?? options.timeUnit,
      timeUnitInference: timeUnitInference, layout: layout)
  }
}

extension TableBuilder {
  /// Refuses a time beyond ±`TimeSeriesTable.maximumTime`, naming the
  /// first such row (spans too long for media are `align`'s to refuse).
  func checkTimeRange() throws(SeriesError) {
    guard let first = times.first, let last = times.last else { return }
    let limit = TimeSeriesTable.maximumTime
    if abs(first) > limit || abs(last) > limit {
      let row = times.firstIndex { abs($0) > limit } ?? 0
      throw .timeOutOfRange(
        path: path, line: firstDataLine + row, column: timeName ?? "time", value: "\(times[row])")
    }
  }

  /// How `NumericBlocks` lays out a record, when every column is a number
  /// and rows need no sorting; nil otherwise.
  var blockLayout: NumericBlocks.Layout? {
    guard typed, !options.sort, !textFlags.contains(true) else { return nil }
    var slots = [Int](repeating: -1, count: names.count)
    for (c, field) in fieldIndices.enumerated() { slots[field] = c }
    return NumericBlocks.Layout(
      fieldCount: names.count, slots: slots, columnCount: columns.count, timeField: timeIndex, timeMode: mode,
      delimiter: delimiter, decimalComma: decimalComma, comment: options.comment)
  }

  /// Reads the rest of the file in pieces of whole lines, `threads` at a
  /// time, each loaded and parsed by its own thread, straight into the
  /// final column arrays: in each round every thread parses its piece and
  /// copies the piece it parsed in the round before (whose place in the
  /// columns is known by then) to the columns. Between rounds the new
  /// pieces are checked in file order (`check`). Returns false when it
  /// stopped at a piece holding a quote: the file is set to that piece's
  /// first line for the record scanner, which resumes there.
  mutating func readPieces(
    _ file: ChunkedFile, scanner: inout RecordScanner, layout: NumericBlocks.Layout, threads: Int, pieceSize: Int,
    map: Bool
  ) throws(SeriesError) -> Bool {
    let pieces = NumericBlocks.Pieces(
      fd: file.fd, path: path, start: file.consumed, end: file.size, pieceSize: pieceSize, map: map)
    let work = PieceWork(
      pieces: pieces, layout: layout, rate: options.rate, start: options.start ?? 0, threads: threads)
    var line = scanner.upcomingLine
    var next = 0
    var failure: SeriesError?
    var resumeAt: Int64?
    let columnCount = columns.count
    var capacity = max(estimatedRows(), rows + 1)
    while true {
      var grow = false
      let arrays = withUninitializedColumns(count: columnCount + 1, capacity: capacity) { targets -> Int in
        // What is read so far moves to the new arrays.
        var done = times.count
        for c in 0..<columnCount {
          numberColumns[c].withUnsafeBufferPointer {
            if let base = $0.baseAddress { targets[c].initialize(from: base, count: $0.count) }
          }
          numberColumns[c] = []
        }
        times.withUnsafeBufferPointer {
          if let base = $0.baseAddress { targets[columnCount].initialize(from: base, count: $0.count) }
        }
        times = []
        work.targets = targets
        while true {
          let waiting = work.pending.reduce(0) { $0 + $1.parsed.rows }
          if done + waiting > capacity {
            grow = true
            capacity = max(capacity + capacity / 2, done + waiting + rows / 4 + 1)
            return done
          }
          let parsing = failure == nil && resumeAt == nil ? min(threads, pieces.count - next) : 0
          if parsing == 0 && work.pending.isEmpty { return done }
          work.round(first: next, count: parsing)
          next += parsing
          done += waiting
          // The new pieces, in file order.
          for k in 0..<parsing where failure == nil && resumeAt == nil {
            let parsed = work.fresh[k]
            if let error = parsed.failure {
              failure = error
            } else if parsed.quoted {
              resumeAt = parsed.offset
            } else {
              do throws(SeriesError) {
                try check(parsed, startLine: line)
                work.pending.append((parsed, rows - parsed.rows))
                line += parsed.lines
              } catch {
                failure = error
              }
            }
          }
        }
      }
      numberColumns = Array(arrays[0..<columnCount])
      times = arrays[columnCount]
      if !grow { break }
    }
    if let failure { throw failure }
    if let resumeAt {
      try file.seek(to: resumeAt)
      scanner.resume(atLine: line)
      return false
    }
    return true
  }

  /// Checks a parsed piece whose first line is `startLine` as the record
  /// scanner's path checks its rows, and counts it in (rows, duplicates,
  /// missing and unreadable cells); its values are copied later.
  mutating func check(_ parsed: NumericBlocks.Parsed, startLine: Int) throws(SeriesError) {
    if parsed.rows > 0, timeIndex != nil {
      // The piece's first row against the row before it.
      if parsed.firstTime < previousTime {
        throw .timeBackwards(
          path: path, line: startLine + parsed.firstRowLine, column: timeName ?? "time",
          previous: String(decoding: previousBytes, as: UTF8.self),
          value: String(decoding: parsed.firstTimeText, as: UTF8.self),
          advice: .of(previous: previousTime, time: parsed.firstTime, row: rows))
      }
      if parsed.firstTime == previousTime { duplicates += 1 }
    }
    switch parsed.problem {
    case .ragged(let at, let fields)?:
      throw .raggedRow(path: path, line: startLine + at, fields: fields, expected: names.count)
    case .badTime(let at, let value)?:
      throw badTime(line: startLine + at, value: value)
    case .backwards(let at, let previous, let value, let step)?:
      throw .timeBackwards(
        path: path, line: startLine + at, column: timeName ?? "time", previous: previous, value: value,
        advice: .of(previous: step.previous, time: step.time, row: rows + at))
    case nil:
      break
    }
    if timeIndex != nil && parsed.rows > 0 {
      previousTime = parsed.lastTime
      previousBytes = parsed.lastTimeText
    }
    for c in columns.indices {
      missingCounts[c] += parsed.missing[c]
      columns[c].unreadable += parsed.unreadable[c]
      for (at, text) in parsed.firstUnreadable[c] where columns[c].firstUnreadable.count < 3 {
        columns[c].firstUnreadable.append((startLine + at, text))
      }
    }
    duplicates += parsed.duplicates
    rows += parsed.rows
  }
}

/// The threads' side of `readPieces`: per thread two pieces' buffers (the
/// one it parses now and the one parsed in the round before, waiting to
/// be copied), and the column arrays to copy into.
private final class PieceWork: @unchecked Sendable {
  let pieces: NumericBlocks.Pieces
  let layout: NumericBlocks.Layout
  let rate: Double?
  /// The first row's time with `rate`.
  let start: Double
  private var blocks: [NumericBlocks.Block]
  private var outputs: [NumericBlocks.Parsed]
  private var round = 0
  /// This round's parsed pieces, in file order.
  private(set) var fresh: [NumericBlocks.Parsed] = []
  /// Checked pieces and the row where each goes, to copy next round.
  var pending: [(parsed: NumericBlocks.Parsed, row: Int)] = []
  /// One per column, the time column last.
  var targets: [UnsafeMutablePointer<Double>] = []

  init(pieces: NumericBlocks.Pieces, layout: NumericBlocks.Layout, rate: Double?, start: Double, threads: Int) {
    self.pieces = pieces
    self.layout = layout
    self.rate = rate
    self.start = start
    let slots = 2 * max(1, threads)
    // Buffers for pieces that are read rather than mapped; they grow when used.
    blocks = (0..<slots).map { _ in NumericBlocks.Block(capacity: 0) }
    outputs = (0..<slots).map { _ in NumericBlocks.Parsed() }
  }

  /// Parses pieces `first ..< first + count` (one a thread) while the
  /// pending pieces are copied to `targets`; then the new pieces are
  /// `fresh` and nothing is pending.
  func round(first: Int, count: Int) {
    let half = blocks.count / 2
    let base = (round % 2) * half
    round += 1
    let copies = pending
    fresh = (0..<count).map { outputs[base + $0] }
    DispatchQueue.concurrentPerform(iterations: max(count, copies.count)) { k in
      if k < count {
        let block = blocks[base + k]
        let out = outputs[base + k]
        do throws(SeriesError) {
          let piece = try pieces.load(first + k, into: block)
          // A quote (fields may span lines) or a comment line: the record
          // scanner reads from this piece on.
          if piece.count > 0
            && (memchr(piece.bytes, 34, piece.count) != nil
              || layout.comment.map { memchr(piece.bytes, Int32($0), piece.count) != nil } == true)
          {
            out.reset(capacity: 0, columns: layout.columnCount)
            out.quoted = true
          } else {
            NumericBlocks.parse(piece, layout: layout, into: out)
          }
          out.offset = piece.offset
          pieces.release(piece)
        } catch {
          out.reset(capacity: 0, columns: layout.columnCount)
          out.failure = error
        }
      }
      if k < copies.count { copy(copies[k].parsed, to: copies[k].row) }
    }
    pending = []
  }

  private func copy(_ parsed: NumericBlocks.Parsed, to row: Int) {
    guard parsed.rows > 0 else { return }
    for c in 0..<layout.columnCount {
      (targets[c] + row).initialize(from: parsed.column(c).baseAddress!, count: parsed.rows)
    }
    let times = targets[layout.columnCount] + row
    if let rate, layout.timeField == nil {
      for r in 0..<parsed.rows { times[r] = start + Double(row + r) / rate }
    } else {
      times.initialize(from: parsed.column(layout.columnCount).baseAddress!, count: parsed.rows)
    }
  }
}

/// `count` new arrays of `capacity` Doubles whose storage is lent to
/// `body` before anything is in it; `body` returns how many leading
/// elements it initialised in each (the same in all).
func withUninitializedColumns(
  count: Int, capacity: Int, _ body: ([UnsafeMutablePointer<Double>]) -> Int
) -> [[Double]] {
  var pointers: [UnsafeMutablePointer<Double>] = []
  var arrays: [[Double]] = []
  func level(_ k: Int) -> Int {
    if k == count { return body(pointers) }
    var rows = 0
    let array = [Double](unsafeUninitializedCapacity: max(1, capacity)) { buffer, initialized in
      pointers.append(buffer.baseAddress!)
      rows = level(k + 1)
      initialized = rows
    }
    arrays.append(array)
    return rows
  }
  _ = level(0)
  return arrays.reversed()
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
  }
}

extension Array {
  /// Drops spare capacity when it is more than a quarter of the storage.
  mutating func shrinkToFitIfWasteful() {
    if capacity > count + count / 4 + 16 { self = Array(self) }
  }
}

extension ColumnValues {
  mutating func shrinkToFitIfWasteful() {
    switch self {
    case .numeric(var v):
      self = .text([])
      v.shrinkToFitIfWasteful()
      self = .numeric(v)
    case .text(var v):
      self = .numeric([])
      v.shrinkToFitIfWasteful()
      self = .text(v)
    }
  }
}
