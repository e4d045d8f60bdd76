/// A small CSV read as text records (a batch manifest, not a series), with
/// the series reader's scanner: quoted fields, BOM, CRLF, detected delimiter.
public enum CSVRecords {
  public struct Record: Sendable, Equatable {
    /// The 1-based line where the record starts.
    public var line: Int
    public var fields: [String]
  }

  /// Every non-blank record, header included.
  public static func read(path: String) throws(SeriesError) -> [Record] {
    let file = try ChunkedFile(path: path)
    if file.size == 0 { throw .empty(path: path) }
    _ = try file.refill()
    let sample = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(file.buffer)[0..<min(file.end, 1 << 16)])
    var scanner = RecordScanner(file: file, path: path, delimiter: detectDelimiter(sample))
    var records: [Record] = []
    while try scanner.next() {
      let fields = scanner.fields.indices.map { scanner.fieldString($0) }
      if fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) { continue }
      records.append(Record(line: scanner.line, fields: fields))
    }
    return records
  }
}
