import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The fast path of `CSVReader` for the rows after the typing sample when
/// every column is a number: the rest of the file is cut into blocks of
/// whole lines, parsed on all cores at once, and the blocks' columns are
/// appended in file order.
///
/// Each field is scanned and parsed in one pass (`fastNumber`); a field it
/// does not take (a missing token, a decimal comma, an exponent out of its
/// range, a time in another mode) goes through the same functions the
/// record scanner's path uses, so both paths give the same table, warnings
/// and errors (a test compares them on many generated files). A block that
/// holds a quote character ends the fast path: from there on the record
/// scanner reads (quoted fields may span lines, so blocks cannot be cut).
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
  }

  /// A block's first problem, at a line counted from the block's start.
  enum Problem {
    case ragged(line: Int, fields: Int)
    case badTime(line: Int, value: String)
    case backwards(line: Int, previous: String, value: String)
  }

  /// What one block holds, column-major in `values`: column `c`'s rows at
  /// `c * capacity ..< c * capacity + rows`; times at `columnCount * capacity`.
  final class Parsed: @unchecked Sendable {
    private(set) var capacity = 0
    private(set) var values = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    private var allocated = 1
    var rows = 0
    /// Lines the block spans (blank lines included), and the line of its
    /// first row, counted from the block's first line (0).
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

    deinit { values.deallocate() }

    /// Empties it for a block of up to `capacity` rows (the storage is
    /// kept from block to block, so its pages are touched once).
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
    }

    func column(_ c: Int) -> UnsafeBufferPointer<Double> {
      UnsafeBufferPointer(start: values + c * capacity, count: rows)
    }
  }

  /// The next blocks, read by one task of a parallel round.
  final class Reading: @unchecked Sendable {
    private let cutter: Cutter
    private let count: Int
    private var blocks: [Block] = []
    private var failure: SeriesError?

    init(cutter: Cutter, count: Int) {
      self.cutter = cutter
      self.count = count
    }

    func run() {
      guard count > 0 else { return }
      do { blocks = try cutter.next(count) } catch { failure = error }
    }

    func result() throws(SeriesError) -> [Block] {
      if let failure { throw failure }
      return blocks
    }
  }

  /// Cuts the unread part of a file into blocks of whole lines, reusing
  /// the buffers of blocks already appended.
  final class Cutter {
    let file: ChunkedFile
    let blockSize: Int
    /// A partial last line, for the next block.
    private var carry: Block
    private var spare: [Block] = []
    private var atEnd = false

    init(file: ChunkedFile, blockSize: Int) {
      self.file = file
      self.blockSize = blockSize
      carry = Block(capacity: blockSize)
      file.takeUnconsumed { carry.append($0) }
    }

    /// Up to `count` blocks; none at the end of the file.
    func next(_ count: Int) throws(SeriesError) -> [Block] {
      var blocks: [Block] = []
      while blocks.count < count && !(atEnd && carry.count == 0) {
        let block = carry
        carry = spare.popLast() ?? Block(capacity: blockSize)
        carry.count = 0
        // Cut after the last newline within `blockSize` bytes (after the
        // first one past it for a longer line); at the end, take the rest.
        var cut: Int
        while true {
          while !atEnd && block.count < blockSize {
            block.reserve(blockSize)
            try read(into: block)
          }
          if atEnd && block.count <= blockSize {
            cut = block.count
            break
          }
          let base = block.base
          var k = min(block.count, blockSize) - 1
          while k >= 0 && base[k] != 10 { k -= 1 }
          if k >= 0 {
            cut = k + 1
            break
          }
          k = blockSize
          while k < block.count && base[k] != 10 { k += 1 }
          if k < block.count {
            cut = k + 1
            break
          }
          if atEnd {
            cut = block.count
            break
          }
          block.reserve(block.count * 2)
          try read(into: block)
        }
        if cut < block.count {
          carry.append(UnsafeRawBufferPointer(start: block.base + cut, count: block.count - cut))
          block.count = cut
        }
        if block.count > 0 { blocks.append(block) } else { spare.append(block) }
      }
      return blocks
    }

    private func read(into block: Block) throws(SeriesError) {
      let n = try file.readAhead(into: block.bytes.baseAddress! + block.count, count: block.bytes.count - block.count)
      if n == 0 { atEnd = true } else { block.count += n }
    }

    func recycle(_ blocks: [Block]) { spare.append(contentsOf: blocks) }

    /// `blocks` and the partial line after them, as one run of bytes.
    func remainder(from blocks: ArraySlice<Block>) -> UnsafeRawBufferPointer {
      let rest = Block(capacity: 0)
      for block in blocks { rest.append(UnsafeRawBufferPointer(start: block.base, count: block.count)) }
      rest.append(UnsafeRawBufferPointer(start: carry.base, count: carry.count))
      carry.count = 0
      spare.append(rest)  // keeps the bytes alive for the caller's copy
      return UnsafeRawBufferPointer(start: rest.base, count: rest.count)
    }
  }

  /// Whole lines of the file, in a buffer of its own.
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

    var holdsQuote: Bool { count > 0 && memchr(bytes.baseAddress!, 34, count) != nil }
  }

  /// Parses one block of whole lines (the last may lack its newline).
  static func parse(_ block: Block, layout: Layout, into out: Parsed) {
    powersOfTen.withUnsafeBufferPointer { parse(block, layout: layout, powers: $0, into: out) }
  }

  private static func parse(_ block: Block, layout: Layout, powers: UnsafeBufferPointer<Double>, into out: Parsed) {
    let p = UnsafePointer(block.base)
    let n = block.count
    // A row takes at least one byte per field (its delimiters and newline):
    // room for every row without counting them first (only the rows'
    // pages are touched).
    let capacity = n / max(1, layout.fieldCount) + 1
    out.reset(capacity: capacity, columns: layout.columnCount)
    let values = out.values
    let timeBase = values + layout.columnCount * capacity
    let delimiter = layout.delimiter
    let fieldCount = layout.fieldCount
    let timeField = layout.timeField ?? -1
    // Numeric times in seconds take the fused parse; other modes the general one.
    var fusedTime = false
    if case .number(let divisor)? = layout.timeMode, divisor == 1 { fusedTime = true }
    var missing = out.missing
    var unreadable = out.unreadable
    var row = 0
    var line = -1
    var i = 0
    var previousTime = -Double.infinity
    var previousCell = (start: 0, end: 0)
    let tens = powers.baseAddress!
    layout.slots.withUnsafeBufferPointer { slots in
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
        var field = 0
        var time = 0.0
        var timeCell = (start: 0, end: 0)
        while true {
          let start = i
          var value: Double
          var end: Int
          var general = true
          if let (v, e) = fastNumber(p, i, n, delimiter: delimiter, powersOfTen: tens), field != timeField || fusedTime {
            value = v
            end = e
            i = e
            general = false
          } else {
            value = 0
            end = 0
          }
          if general {
            var k = i
            while k < n && p[k] != delimiter && p[k] != 10 { k += 1 }
            i = k
            end = k
            if end > start && p[end - 1] == 13 && (k == n || p[k] == 10) { end -= 1 }
          }
          // The terminator: a delimiter, a CR before the newline, the newline, or the end.
          if i < n && p[i] == 13 { i += 1 }
          if field < fieldCount {
            let cell = UnsafeRawBufferPointer(start: p + start, count: end - start)
            if field == timeField {
              if general {
                let parsed: Double?
                switch layout.timeMode {
                case .number(let divisor)?: parsed = numericTime(cell, divisor: divisor, decimalComma: layout.decimalComma)
                case .iso?: parsed = parseISO8601(cell)
                case .format(let format)?: parsed = format.parse(cell)
                case nil: parsed = nil
                }
                value = parsed ?? .nan
              }
              time = value
              timeCell = (start, end)
            } else {
              let slot = slots[field]
              if general {
                if let v = parseDouble(cell) {
                  value = v
                } else if isMissing(cell) {
                  value = .nan
                } else if let v = parseNumber(cell, decimalComma: layout.decimalComma) {
                  value = v
                } else {
                  value = .nan
                  unreadable[slot] += 1
                  if out.firstUnreadable[slot].count < 3 {
                    out.firstUnreadable[slot].append((line, String(decoding: cell, as: UTF8.self)))
                  }
                }
                if value.isNaN { missing[slot] += 1 }
              }
              values[slot * capacity + row] = value
            }
          }
          field += 1
          if i < n && p[i] == delimiter {
            i += 1
            continue
          }
          if i < n { i += 1 }  // the newline
          break
        }
        if row == 0 { out.firstRowLine = line }
        if field != fieldCount {
          out.problem = .ragged(line: line, fields: field)
          break rows
        }
        if timeField >= 0 {
          guard time.isFinite else {
            let text = String(decoding: UnsafeRawBufferPointer(start: p + timeCell.start, count: timeCell.end - timeCell.start), as: UTF8.self)
            out.problem = .badTime(line: line, value: text)
            break rows
          }
          if time < previousTime {
            let text = { (cell: (start: Int, end: Int)) in
              String(decoding: UnsafeRawBufferPointer(start: p + cell.start, count: cell.end - cell.start), as: UTF8.self)
            }
            out.problem = .backwards(line: line, previous: text(previousCell), value: text(timeCell))
            break rows
          }
          if time == previousTime { out.duplicates += 1 }
          if row == 0 {
            out.firstTime = time
            out.firstTimeText = Array(UnsafeRawBufferPointer(start: p + timeCell.start, count: timeCell.end - timeCell.start))
          }
          previousTime = time
          previousCell = timeCell
          timeBase[row] = time
        }
        row += 1
      }
    }
    out.rows = row
    out.lines = line + 1
    out.missing = missing
    out.unreadable = unreadable
    if timeField >= 0 && row > 0 {
      out.lastTime = previousTime
      out.lastTimeText = Array(UnsafeRawBufferPointer(start: p + previousCell.start, count: previousCell.end - previousCell.start))
    }
  }
}

/// A plain decimal number at `p[start...]` that runs to a field's end
/// (the delimiter, a newline, a CR before a newline or the end, `n`): its
/// value and where it ends; nil for anything else. Takes exactly the
/// numbers `parseDouble` takes on its fast path, with the same result.
@inline(__always)
func fastNumber(
  _ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, delimiter: UInt8, powersOfTen: UnsafePointer<Double>
) -> (Double, Int)? {
  guard let number = DecimalScan(p, start, n) else { return nil }
  let i = number.end
  if i < n {
    let b = p[i]
    guard b == delimiter || b == 10 || (b == 13 && (i + 1 == n || p[i + 1] == 10)) else { return nil }
  }
  guard let value = number.exactValue(powersOfTen: powersOfTen) else { return nil }
  return (value, i)
}
