#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A file read in chunks into one growable buffer: `bytes[start..<end]` is
/// unconsumed data. Memory stays at one chunk (or the longest record).
final class ChunkedFile {
  let fd: Int32
  private(set) var buffer: UnsafeMutableRawBufferPointer
  var start = 0
  private(set) var end = 0
  private(set) var atEOF = false
  /// Bytes read from the file so far.
  private(set) var totalRead: Int64 = 0
  /// Bytes consumed (before `start`).
  var consumed: Int64 { totalRead - Int64(end - start) }
  let size: Int64
  let path: String
  /// A regular file (it can be read at any offset).
  let isRegular: Bool

  /// Opens `path`, or standard input for `-` (`CSVReader.standardInput`).
  /// Anything else that is not a regular file (a FIFO, a device, a
  /// socket) is refused at once: reading it could block for ever.
  init(path: String, chunk: Int = 1 << 20) throws(SeriesError) {
    if path == CSVReader.standardInput {
      let fd = dup(0)
      guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
      self.fd = fd
      size = 0
      isRegular = false
      self.path = path
      buffer = .allocate(byteCount: chunk, alignment: 16)
      return
    }
    var status = stat()
    guard stat(path, &status) == 0 else {
      if errno == ENOENT || errno == ENOTDIR { throw .notFound(path: path) }
      throw .unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    if (status.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory(path: path) }
    if (status.st_mode & S_IFMT) != S_IFREG { throw .notRegular(path: path) }
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
    // Non-blocking only for the open (a FIFO swapped in after the stat
    // must not block it); reads block as usual.
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    var opened = stat()
    guard fstat(fd, &opened) == 0, (opened.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw .notRegular(path: path)
    }
    self.fd = fd
    self.size = Int64(opened.st_size)
    isRegular = true
    self.path = path
    buffer = .allocate(byteCount: chunk, alignment: 16)
  }

  deinit {
    close(fd)
    buffer.deallocate()
  }

  /// Reads up to `count` bytes past the buffered ones into `target`; 0 at
  /// the end of the file.
  private func readAhead(into target: UnsafeMutableRawPointer, count: Int) throws(SeriesError) -> Int {
    if atEOF || count == 0 { return 0 }
    while true {
      let n = read(fd, target, count)
      if n < 0 {
        if errno == EINTR { continue }
        throw .unreadable(path: path, reason: String(cString: strerror(errno)))
      }
      if n == 0 { atEOF = true }
      totalRead += Int64(n)
      return n
    }
  }

  /// Drops the buffered bytes and goes on reading at `offset`.
  func seek(to offset: Int64) throws(SeriesError) {
    guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
      throw .unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    start = 0
    end = 0
    atEOF = false
    totalRead = offset
  }

  /// Moves the unconsumed bytes to the front and reads more (growing the
  /// buffer when it is full of one record). Returns false at end of file.
  func refill() throws(SeriesError) -> Bool {
    if atEOF { return false }
    if start > 0 {
      let remaining = end - start
      if remaining > 0, let base = buffer.baseAddress {
        memmove(base, base + start, remaining)
      }
      end = remaining
      start = 0
    }
    if end == buffer.count {
      let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
      bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
      buffer.deallocate()
      buffer = bigger
    }
    let n = try readAhead(into: buffer.baseAddress! + end, count: buffer.count - end)
    end += n
    return n > 0
  }
}
