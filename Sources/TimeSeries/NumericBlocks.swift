import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The fast path of `CSVReader` for the rows after the typing sample when
/// every column is a number: the rest of the file is cut into pieces of
/// whole lines (`Pieces`), each thread takes one piece at a time and parses
/// it (`parse`), and the pieces' columns go to the final arrays in file
/// order (`TableBuilder.readPieces`).
///
/// A row is first read on the fast path: every field a plain number
/// (`fastNumber`, one pass that scans and converts) written straight to its
/// column. A row where any cell is something else (a missing token, a
/// decimal comma, an exponent out of range, a ragged row) is read again by
/// the same functions the record scanner's path uses, so both paths give
/// the same table, warnings and errors (a test compares them on many
/// generated files). A piece that holds a quote character ends the fast
/// path: from its first line on the record scanner reads (quoted fields
/// may span lines, so pieces cannot be cut by newlines).
struct NumericBlocks {
  /// Which field goes where.
  struct Layout: Sendable {
    var fieldCount: Int
    /// Per field: its column slot, or -1 for the time field.
    var slots: [Int]
    var columnCount: Int
    /// nil: no time column (`--rate`).
    var timeField: Int?
    var timeMode: TimeMode?
    var delimiter: UInt8
    var decimalComma: Bool
    /// Comment lines start with it (`CSVOptions.comment`): a piece holding
    /// it goes to the record scanner.
    var comment: UInt8?
  }

  /// A piece's first problem, at a line counted from the piece's start.
  enum Problem {
    case ragged(line: Int, fields: Int)
    case badTime(line: Int, value: String)
    case backwards(line: Int, previous: String, value: String, step: (previous: Double, time: Double))
  }

  /// What one piece holds, column-major in `values`: column `c`'s rows at
  /// `c * capacity ..< c * capacity + rows`; times at `columnCount * capacity`.
  final class Parsed: @unchecked Sendable {
    private(set) var capacity = 0
    private(set) var values = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    private var allocated = 1
    var rows = 0
    /// Lines the piece spans (blank lines included), and the line of its
    /// first row, counted from the piece's first line (0).
    var lines = 0
    var firstRowLine = 0
    var missing: [Int] = []
    var unreadable: [Int] = []
    var firstUnreadable: [[(line: Int, text: String)]] = []
    var duplicates = 0
    var firstTime = 0.0
    var lastTime = 0.0
    var firstTimeText: [UInt8] = []
    var lastTimeText: [UInt8] = []
    var problem: Problem?
    /// The piece holds a quote character: not parsed (the record scanner
    /// reads from its first line on).
    var quoted = false
    /// Where the piece's first line starts in the file.
    var offset: Int64 = 0
    /// Reading the piece failed.
    var failure: SeriesError?

    deinit { values.deallocate() }

    /// Empties it for a piece of up to `capacity` rows (the storage is
    /// kept from piece to piece, so its pages are touched once).
    func reset(capacity: Int, columns: Int) {
      let wanted = max(1, capacity * (columns + 1))
      if wanted > allocated {
        values.deallocate()
        allocated = wanted + wanted / 8
        values = .allocate(capacity: allocated)
      }
      self.capacity = capacity
      rows = 0
      lines = 0
      firstRowLine = 0
      missing = Array(repeating: 0, count: columns)
      unreadable = Array(repeating: 0, count: columns)
      firstUnreadable = Array(repeating: [], count: columns)
      duplicates = 0
      firstTime = 0
      lastTime = 0
      firstTimeText = []
      lastTimeText = []
      problem = nil
      quoted = false
      failure = nil
    }

    func column(_ c: Int) -> UnsafeBufferPointer<Double> {
      UnsafeBufferPointer(start: values + c * capacity, count: rows)
    }
  }

  /// A piece's whole lines: `count` bytes at `bytes` that end with a
  /// newline or are followed by a zero byte (what `parse` needs), and
  /// where they start in the file.
  struct Piece {
    var bytes: UnsafePointer<UInt8>
    var count: Int
    var offset: Int64
  }

  /// The unread part of a regular file, cut into pieces of about
  /// `pieceSize` bytes that any thread can take on its own: piece `k`
  /// holds the lines that *start* in its byte range, so the last one runs
  /// past the range to its newline and the first starts after the
  /// previous piece's last one.
  ///
  /// The file is mapped into memory when it can be (no copy; each piece's
  /// pages are let go once it is parsed, so the mapping does not add to
  /// the resident memory), else each piece is read with `pread`.
  final class Pieces: @unchecked Sendable {
    let fd: Int32
    let path: String
    /// The first unread byte (a line start) and the file's size.
    let start: Int64
    let end: Int64
    let pieceSize: Int
    let count: Int
    /// The whole file, read-only; nil when it could not be mapped.
    private let mapping: UnsafeMutableRawPointer?

    /// - Parameter map: map the file when it can be (false: always `pread`).
    init(fd: Int32, path: String, start: Int64, end: Int64, pieceSize: Int, map: Bool = true) {
      self.fd = fd
      self.path = path
      self.start = start
      self.end = end
      self.pieceSize = max(1, pieceSize)
      count = end > start ? Int((end - start + Int64(self.pieceSize) - 1) / Int64(self.pieceSize)) : 0
      var mapped: UnsafeMutableRawPointer?
      if map, count > 0, let address = mmap(nil, Int(end), PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED {
        mapped = address
      }
      mapping = mapped
    }

    deinit {
      if let mapping { munmap(mapping, Int(end)) }
    }

    /// Piece `k`'s lines, in the mapping or else read into `block`.
    func load(_ k: Int, into block: Block) throws(SeriesError) -> Piece {
      guard let mapping else { return try read(k, into: block) }
      let base = UnsafePointer(mapping.assumingMemoryBound(to: UInt8.self))
      guard let (first, stop) = lines(k, in: base, count: Int(end), origin: 0) else {
        return Piece(bytes: base, count: 0, offset: start)
      }
      if let stop { return Piece(bytes: base + first, count: stop - first, offset: Int64(first)) }
      // The file's last line has no newline: a copy, with the zero after it.
      block.count = 0
      block.append(UnsafeRawBufferPointer(start: base + first, count: Int(end) - first))
      block.pad()
      return Piece(bytes: UnsafePointer(block.base), count: block.count, offset: Int64(first))
    }

    /// Where piece `k`'s lines lie in `bytes`, which hold the file from
    /// `origin` on (at least to the end of the piece's range): the first
    /// line's start (after the first newline at or after the range's
    /// first byte − 1) and the end of the last (after the first newline at
    /// or after its last byte), nil when that newline is not in `bytes`.
    /// nil when no line starts in the range (a line longer than a piece).
    private func lines(_ k: Int, in bytes: UnsafePointer<UInt8>, count: Int, origin: Int64) -> (first: Int, stop: Int?)?
    {
      let low = start + Int64(k) * Int64(pieceSize)
      let high = min(low + Int64(pieceSize), end)
      var first = Int(low - origin)
      if k > 0 {
        guard let newline = memchr(bytes + first - 1, 10, count - first + 1) else { return nil }
        first = UnsafeRawPointer(newline) - UnsafeRawPointer(bytes) + 1
      }
      if origin + Int64(first) >= high { return nil }
      let last = Int(high - 1 - origin)
      guard last < count, let newline = memchr(bytes + last, 10, count - last) else { return (first, nil) }
      return (first, UnsafeRawPointer(newline) - UnsafeRawPointer(bytes) + 1)
    }

    /// Lets go of a parsed piece's pages of the mapping (they stay in the
    /// page cache; only this process's resident memory drops).
    func release(_ piece: Piece) {
      guard let mapping, piece.count > 0 else { return }
      let page = Int(sysconf(Int32(_SC_PAGESIZE)))
      let from = (Int(bitPattern: piece.bytes) + page - 1) & ~(page - 1)
      let to = (Int(bitPattern: piece.bytes + piece.count)) & ~(page - 1)
      let mapped = Int(bitPattern: mapping)
      guard from >= mapped, to <= mapped + Int(end), to > from else { return }
      _ = madvise(UnsafeMutableRawPointer(bitPattern: from), to - from, MADV_DONTNEED)
    }

    /// Piece `k` read with `pread` into `block`.
    private func read(_ k: Int, into block: Block) throws(SeriesError) -> Piece {
      let low = start + Int64(k) * Int64(pieceSize)
      let high = min(low + Int64(pieceSize), end)
      // From the byte before the range (to see whether a line starts at
      // its first byte) to a little past it (the last line's rest).
      let from = k == 0 ? low : low - 1
      block.count = 0
      block.reserve(Int(high - from) + 4096)
      var atEnd = false
      try read(into: block, at: from, count: Int(high - from) + 4096, atEnd: &atEnd)
      while true {
        guard let (first, stop) = lines(k, in: block.base, count: block.count, origin: from) else {
          return Piece(bytes: UnsafePointer(block.base), count: 0, offset: low)
        }
        if stop != nil || atEnd {
          block.count = stop ?? block.count
          block.pad()
          return Piece(
            bytes: UnsafePointer(block.base + first), count: block.count - first, offset: from + Int64(first))
        }
        // The last line runs on past what was read.
        block.reserve(block.count * 2)
        try read(into: block, at: from + Int64(block.count), count: block.bytes.count - block.count, atEnd: &atEnd)
      }
    }

    /// Appends up to `count` bytes at `offset` to `block`; `atEnd` when
    /// the file ended first.
    private func read(into block: Block, at offset: Int64, count: Int, atEnd: inout Bool) throws(SeriesError) {
      var done = 0
      while done < count {
        let n = pread(fd, block.bytes.baseAddress! + block.count, count - done, off_t(offset) + off_t(done))
        if n < 0 {
          if errno == EINTR { continue }
          throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if n == 0 {
          atEnd = true
          return
        }
        block.count += n
        done += n
      }
    }
  }

  /// A growable buffer for a piece read with `pread` (or the file's
  /// last line when it lacks its newline).
  final class Block: @unchecked Sendable {
    var bytes: UnsafeMutableRawBufferPointer
    var count = 0

    init(capacity: Int) { bytes = .allocate(byteCount: max(capacity, 64), alignment: 16) }
    deinit { bytes.deallocate() }

    var base: UnsafeMutablePointer<UInt8> { bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) }

    func append(_ source: UnsafeRawBufferPointer) {
      reserve(count + source.count)
      if let from = source.baseAddress, source.count > 0 {
        (bytes.baseAddress! + count).copyMemory(from: from, byteCount: source.count)
      }
      count += source.count
    }

    func reserve(_ wanted: Int) {
      guard wanted > bytes.count else { return }
      let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(wanted, bytes.count * 2), alignment: 16)
      if count > 0 { bigger.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: count) }
      bytes.deallocate()
      bytes = bigger
    }

    /// Zero bytes after the data: they end a number that runs to the end
    /// (what `parse` needs where the last line has no newline).
    func pad() {
      reserve(count + 16)
      (bytes.baseAddress! + count).initializeMemory(as: UInt8.self, repeating: 0, count: 16)
    }

  }

  /// Parses a piece of whole lines (the last may lack its newline; then
  /// a zero byte follows it).
  ///
  /// Each row is first tried on the fast path: every field a plain
  /// number (`fastNumber`) written straight to its column, the time
  /// field parsed in its mode, nothing else looked at. A row where any
  /// field is something else (a missing or unreadable cell, a decimal
  /// comma, too few or too many fields) is read again from its start by
  /// `generalRow`, which counts and reports what it finds.
  static func parse(_ piece: Piece, layout: Layout, into out: Parsed) {
    let p = piece.bytes
    let n = piece.count
    // A row takes at least one byte per field (its delimiters and newline):
    // room for every row without counting them first (only the rows'
    // pages are touched).
    let capacity = n / max(1, layout.fieldCount) + 1
    out.reset(capacity: capacity, columns: layout.columnCount)
    let fieldCount = layout.fieldCount
    let timeBase = out.values + layout.columnCount * capacity
    // Each field's column: where its row 0 goes.
    let targets = UnsafeMutablePointer<UnsafeMutablePointer<Double>>.allocate(capacity: max(1, fieldCount))
    defer { targets.deallocate() }
    for f in 0..<fieldCount {
      targets[f] = layout.slots[f] < 0 ? timeBase : out.values + layout.slots[f] * capacity
    }
    var state = RowState(
      p: p, n: n, layout: layout, targets: targets, tens: powersOfTenPointer, missing: out.missing,
      unreadable: out.unreadable)
    let delimiter = layout.delimiter
    let timeField = layout.timeField ?? -1
    // Numeric times in seconds take the fused parse; a time field in
    // another mode is parsed in its mode (`parsedTimeField`).
    var fusedTime = false
    if case .number(let divisor)? = layout.timeMode, divisor == 1 { fusedTime = true }
    let parsedTimeField = fusedTime ? -1 : timeField
    let tens = state.tens
    var row = 0
    var line = -1
    var i = 0
    var duplicates = 0
    var previousTime = -Double.infinity
    var previousRowStart = 0
    rows: while i < n {
      line += 1
      // A blank line (empty, or a lone CR before the newline or the end).
      if p[i] == 10 {
        i += 1
        continue
      }
      if p[i] == 13 && (i + 1 == n || p[i + 1] == 10) {
        i += 2
        continue
      }
      let rowStart = i
      var field = 0
      var fast = true
      while true {
        if field == parsedTimeField {
          let (cell, terminator) = state.cell(at: i)
          timeBase[row] = state.time(cell)
          i = terminator
        } else {
          guard let (value, end) = fastNumber(p, i, n, delimiter: delimiter, powersOfTen: tens) else {
            fast = false
            break
          }
          targets[field][row] = value
          i = end
          if p[i] == 13 { i += 1 }
        }
        field += 1
        if p[i] == delimiter && i < n {
          if field == fieldCount {
            fast = false
            break
          }
          i += 1
          continue
        }
        if field != fieldCount {
          fast = false
          break
        }
        if i < n { i += 1 }  // the newline
        break
      }
      if !fast {
        i = rowStart
        field = state.generalRow(&i, row: row, line: line)
        if field != fieldCount {
          if row == 0 { out.firstRowLine = line }
          out.problem = .ragged(line: line, fields: field)
          break rows
        }
      }
      if row == 0 { out.firstRowLine = line }
      if timeField >= 0 {
        let time = timeBase[row]
        guard time.isFinite else {
          out.problem = .badTime(line: line, value: state.timeText(row: rowStart))
          break rows
        }
        if time < previousTime {
          out.problem = .backwards(
            line: line, previous: state.timeText(row: previousRowStart), value: state.timeText(row: rowStart),
            step: (previousTime, time))
          break rows
        }
        if time == previousTime { duplicates += 1 }
        if row == 0 {
          out.firstTime = time
          out.firstTimeText = Array(state.timeText(row: rowStart).utf8)
        }
        previousTime = time
        previousRowStart = rowStart
      }
      row += 1
    }
    out.rows = row
    out.lines = line + 1
    out.duplicates = duplicates
    out.missing = state.missing
    out.unreadable = state.unreadable
    out.firstUnreadable = state.firstUnreadable.isEmpty ? out.firstUnreadable : state.firstUnreadable
    if timeField >= 0 && row > 0 {
      out.lastTime = previousTime
      out.lastTimeText = Array(state.timeText(row: previousRowStart).utf8)
    }
  }

  /// What the rows of one piece share while it is parsed: the bytes, the
  /// columns, and the counts the general path keeps.
  struct RowState {
    let p: UnsafePointer<UInt8>
    let n: Int
    let layout: Layout
    let targets: UnsafeMutablePointer<UnsafeMutablePointer<Double>>
    let tens: UnsafePointer<Double>
    var missing: [Int]
    var unreadable: [Int]
    /// Per column, the first unreadable cells (filled on the first one).
    var firstUnreadable: [[(line: Int, text: String)]] = []

    /// The cell that starts at `start`: its bytes (a CR before the
    /// newline or the end left out) and where its terminator is (the
    /// delimiter, the newline, or `n`).
    @inline(__always)
    func cell(at start: Int) -> (bytes: UnsafeRawBufferPointer, terminator: Int) {
      var k = start
      while k < n && p[k] != layout.delimiter && p[k] != 10 { k += 1 }
      var end = k
      if end > start && p[end - 1] == 13 && (k == n || p[k] == 10) { end -= 1 }
      return (UnsafeRawBufferPointer(start: p + start, count: end - start), k)
    }

    /// The time cell of the row that starts at `rowStart`, as written.
    func timeText(row rowStart: Int) -> String {
      var start = rowStart
      for _ in 0..<(layout.timeField ?? 0) {
        start = cell(at: start).terminator
        if start < n && p[start] == layout.delimiter { start += 1 }
      }
      return String(decoding: cell(at: start).bytes, as: UTF8.self)
    }

    /// A time cell in the layout's mode; NaN when it does not parse.
    func time(_ cell: UnsafeRawBufferPointer) -> Double {
      let parsed: Double?
      switch layout.timeMode {
      case .number(let divisor)?: parsed = numericTime(cell, divisor: divisor, decimalComma: layout.decimalComma)
      case .iso?: parsed = parseISO8601(cell)
      case .format(let format)?: parsed = format.parse(cell)
      case nil: parsed = nil
      }
      return parsed ?? .nan
    }

    /// Reads the row at `i` field by field, as the record scanner's path
    /// does: every cell's value (NaN for missing and unreadable ones,
    /// counted; the time NaN when it does not parse). Leaves `i` after the
    /// row and returns how many fields it had.
    @inline(never)
    mutating func generalRow(_ i: inout Int, row: Int, line: Int) -> Int {
      let delimiter = layout.delimiter
      let fieldCount = layout.fieldCount
      var field = 0
      while true {
        let (cell, terminator) = self.cell(at: i)
        i = terminator
        if field < fieldCount {
          let slot = layout.slots[field]
          if slot < 0 {
            targets[field][row] = time(cell)
          } else {
            var value: Double
            if let v = parseDouble(cell) {
              value = v
            } else if isMissing(cell) {
              value = .nan
            } else if let v = parseNumber(cell, decimalComma: layout.decimalComma) {
              value = v
            } else {
              value = .nan
              unreadable[slot] += 1
              if firstUnreadable.isEmpty { firstUnreadable = Array(repeating: [], count: layout.columnCount) }
              if firstUnreadable[slot].count < 3 {
                firstUnreadable[slot].append((line, String(decoding: cell, as: UTF8.self)))
              }
            }
            if value.isNaN { missing[slot] += 1 }
            targets[field][row] = value
          }
        }
        field += 1
        if i < n && p[i] == delimiter {
          i += 1
          continue
        }
        if i < n { i += 1 }  // the newline
        return field
      }
    }
  }
}

/// `powersOfTen` in memory of its own, for the hot loops (no array access).
nonisolated(unsafe) let powersOfTenPointer: UnsafePointer<Double> = {
  let pointer = UnsafeMutablePointer<Double>.allocate(capacity: powersOfTen.count)
  pointer.initialize(from: powersOfTen, count: powersOfTen.count)
  return UnsafePointer(pointer)
}()

/// A plain decimal number at `p[start...]` that runs to a field's end
/// (the delimiter, a newline, a CR before a newline or the end, `n`): its
/// value and where it ends; nil for anything else. Takes exactly the
/// numbers `parseDouble` takes on its fast path, with the same result.
/// At least 8 bytes must be readable after `n`, the first not a digit.
@_transparent
func fastNumber(
  _ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, delimiter: UInt8, powersOfTen: UnsafePointer<Double>
) -> (Double, Int)? {
  guard let number = DecimalScan(padded: p, start, n) else { return nil }
  let i = number.end
  let b = p[i]
  guard b == delimiter || b == 10 || i == n || (b == 13 && (i + 1 == n || p[i + 1] == 10)) else { return nil }
  guard let value = number.exactValue(powersOfTen: powersOfTen) else { return nil }
  return (value, i)
}
