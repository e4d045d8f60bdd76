#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// What a file's first bytes say it is, to explain why FFmpeg refused it.
enum Sniff: Equatable {
  /// Printable text; `preview` is its first line, shortened.
  case text(preview: String)
  case other

  init(path: String) {
    guard let file = fopen(path, "rb") else {
      self = .other
      return
    }
    defer { fclose(file) }
    var bytes = [UInt8](repeating: 0, count: 64)
    let count = fread(&bytes, 1, bytes.count, file)
    let head = Array(bytes.prefix(count))
    let printable = head.allSatisfy { $0 == 9 || $0 == 10 || $0 == 13 || (32...126).contains($0) || $0 >= 128 }
    if !head.isEmpty && printable {
      let line = String(decoding: head, as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
      self = .text(preview: String(line.prefix(24)))
      return
    }
    self = .other
  }
}
