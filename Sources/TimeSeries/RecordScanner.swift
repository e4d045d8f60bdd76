/// A field of the current record: bytes in the file buffer, or (for a
/// quoted field with doubled quotes) in the scratch buffer.
struct Field {
  var start: Int
  var end: Int
  var inScratch: Bool
}

/// Splits a CSV byte stream into records and fields (RFC 4180: quoted
/// fields may hold delimiters, doubled quotes and newlines), with CRLF or
/// LF line ends and a UTF-8 byte-order mark skipped.
struct RecordScanner {
  let file: ChunkedFile
  let path: String
  var delimiter: UInt8
  var fields: [Field] = []
  var scratch: [UInt8] = []
  /// The file buffer as of the current record (it moves only on refill),
  /// kept here so reading a field does not touch the class's storage.
  private(set) var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
  /// The 1-based line where the current record starts.
  private(set) var line = 0
  private var nextLine = 1
  private var started = false

  init(file: ChunkedFile, path: String, delimiter: UInt8) {
    self.file = file
    self.path = path
    self.delimiter = delimiter
    fields.reserveCapacity(16)
    scratch.reserveCapacity(256)
  }

  /// The 1-based line where the next record starts.
  var upcomingLine: Int { nextLine }

  /// Continues at line `line` after another reader took the records
  /// before it (and pushed the rest back into the file).
  mutating func resume(atLine line: Int) {
    nextLine = line
  }

  /// The bytes of field `i` of the current record, lent to `body`.
  @inline(__always)
  func withField<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    let f = fields[i]
    if f.inScratch {
      return scratch.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[f.start..<f.end])) }
    }
    return body(UnsafeRawBufferPointer(rebasing: bytes[f.start..<f.end]))
  }

  func fieldString(_ i: Int) -> String {
    withField(i) { String(decoding: $0, as: UTF8.self) }
  }

  /// Skips the byte-order mark once, at the start.
  private mutating func start() throws(SeriesError) {
    guard !started else { return }
    started = true
    while file.end - file.start < 3, try file.refill() {}
    let b = UnsafeRawBufferPointer(file.buffer)
    if file.end - file.start >= 3, b[file.start] == 0xEF, b[file.start + 1] == 0xBB, b[file.start + 2] == 0xBF {
      file.start += 3
    }
  }

  /// Skips `count` lines as they are (a preamble: quotes in it mean
  /// nothing), so the next record starts on line `count + 1`.
  mutating func skipLines(_ count: Int) throws(SeriesError) {
    try start()
    var left = count
    while left > 0 {
      let b = UnsafeRawBufferPointer(file.buffer)
      if let newline = b[file.start..<file.end].firstIndex(of: UInt8(ascii: "\n")) {
        file.start = newline + 1
        left -= 1
        nextLine += 1
      } else {
        file.start = file.end
        if try !file.refill() { return }
      }
    }
  }

  /// Reads the next record into `fields`; false at the end of the file.
  mutating func next() throws(SeriesError) -> Bool {
    try start()
    while true {
      if let consumed = scan() {
        file.start = consumed
        return true
      }
      // The record runs past the buffered bytes: read more and scan again.
      if try !file.refill() {
        if file.start >= file.end { return false }
        // Last record without a final newline.
        guard let consumed = scan(final: true) else {
          throw .unterminatedQuote(path: path, line: nextLine)
        }
        file.start = consumed
        return true
      }
    }
  }

  /// Scans one record from `file.start`; returns the offset after it, or
  /// nil if the buffer ends first (unless `final`).
  private mutating func scan(final: Bool = false) -> Int? {
    fields.removeAll(keepingCapacity: true)
    scratch.removeAll(keepingCapacity: true)
    let bytes = UnsafeRawBufferPointer(file.buffer)
    self.bytes = bytes
    let end = file.end
    let quote = UInt8(ascii: "\"")
    let newline = UInt8(ascii: "\n")
    let cr = UInt8(ascii: "\r")
    let delimiter = self.delimiter
    var i = file.start
    var lines = 1
    while true {
      // One field from i.
      if i < end && bytes[i] == quote {
        var j = i + 1
        var simple = true
        let scratchStart = scratch.count
        var closed = false
        while j < end {
          let b = bytes[j]
          if b == quote {
            if j + 1 < end && bytes[j + 1] == quote {
              if simple {
                simple = false
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[(i + 1)..<j]))
              }
              scratch.append(quote)
              j += 2
              continue
            }
            if j + 1 >= end && !final { return nil }  // "" may straddle the chunk end
            closed = true
            break
          }
          if b == newline { lines += 1 }
          if !simple { scratch.append(b) }
          j += 1
        }
        guard closed else { return nil }
        if simple {
          fields.append(Field(start: i + 1, end: j, inScratch: false))
        } else {
          fields.append(Field(start: scratchStart, end: scratch.count, inScratch: true))
        }
        i = j + 1
        // Skip anything up to the next delimiter or line end (lenient).
        while i < end && bytes[i] != delimiter && bytes[i] != newline { i += 1 }
      } else {
        let fieldStart = i
        while i < end {
          let b = bytes[i]
          if b == delimiter || b == newline { break }
          i += 1
        }
        var fieldEnd = i
        if fieldEnd > fieldStart && bytes[fieldEnd - 1] == cr && (i == end || bytes[i] == newline) {
          fieldEnd -= 1
        }
        fields.append(Field(start: fieldStart, end: fieldEnd, inScratch: false))
      }
      if i >= end {
        if !final { return nil }
        line = nextLine
        nextLine += lines
        return end
      }
      if bytes[i] == newline {
        line = nextLine
        nextLine += lines
        return i + 1
      }
      i += 1  // the delimiter
    }
  }

  /// The current record is a blank line.
  var isBlank: Bool {
    fields.count == 1 && fields[0].end == fields[0].start
  }
}

/// The delimiter that splits the first 20 lines into the same number (> 0)
/// of fields, preferring tab, then `;`, then `|`, then `,`; else the most
/// frequent one in the first line; `,` when there is none.
func detectDelimiter(_ sample: UnsafeRawBufferPointer) -> UInt8 {
  let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
  var counts = [[Int]](repeating: [], count: candidates.count)
  var current = [Int](repeating: 0, count: candidates.count)
  var inQuotes = false
  var lines = 0
  for b in sample {
    if b == UInt8(ascii: "\"") { inQuotes.toggle() }
    if inQuotes { continue }
    if b == UInt8(ascii: "\n") {
      for k in candidates.indices { counts[k].append(current[k]) }
      current = [Int](repeating: 0, count: candidates.count)
      lines += 1
      if lines >= 20 { break }
      continue
    }
    if let k = candidates.firstIndex(of: b) { current[k] += 1 }
  }
  if lines == 0 { for k in candidates.indices { counts[k].append(current[k]) } }
  // A semicolon, tab or bar that splits every line evenly wins over a comma,
  // which may be a decimal comma inside the numbers ("1,5;2,3").
  for k in [2, 1, 3, 0] {
    guard let first = counts[k].first, first > 0, counts[k].allSatisfy({ $0 == first }) else { continue }
    return candidates[k]
  }
  // No consistent candidate: the most frequent one in the header.
  var most = (index: 0, count: 0)
  for k in candidates.indices where (counts[k].first ?? 0) > most.count { most = (k, counts[k].first ?? 0) }
  return candidates[most.index]
}
