import Foundation

/// Writes files so that a reader never sees a partial one: the bytes go to a
/// temporary file beside the target, which is renamed over it only when
/// everything was written; on any failure the temporary file is removed and
/// the target is untouched.
public enum AtomicFile {
  public struct WriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write (\(reason)); check that the folder exists and is writable" }
  }

  /// Writes `data` to `path` atomically.
  public static func write(_ data: Data, to path: String) throws(WriteError) {
    try write(to: path) { (writer) throws(WriteError) in try writer.write(data) }
  }

  /// Streams `body`'s output to `path` atomically, through a 64 KiB buffer.
  public static func write(to path: String, _ body: (inout ChunkWriter) throws(WriteError) -> Void) throws(WriteError) {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))").path
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
    var writer = ChunkWriter(fd: fd, path: path)
    do throws(WriteError) {
      try body(&writer)
      try writer.flush()
      if fsync(fd) != 0 { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
      close(fd)
      if rename(temporary, path) != 0 { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
    } catch {
      close(fd)
      unlink(temporary)
      throw error
    }
  }

  /// Streams `body`'s output to standard output through the same buffer.
  public static func writeStandardOutput(_ body: (inout ChunkWriter) throws(WriteError) -> Void) throws(WriteError) {
    var writer = ChunkWriter(fd: STDOUT_FILENO, path: "standard output")
    try body(&writer)
    try writer.flush()
  }
}

/// A buffered writer to a file descriptor.
public struct ChunkWriter {
  let fd: Int32
  let path: String
  private var buffer: [UInt8] = []

  init(fd: Int32, path: String) {
    self.fd = fd
    self.path = path
    buffer.reserveCapacity(1 << 16)
  }

  public mutating func write(_ text: String) throws(AtomicFile.WriteError) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { try flush() }
  }

  public mutating func write(_ data: Data) throws(AtomicFile.WriteError) {
    try flush()
    let failure = data.withUnsafeBytes { writeAll($0) }
    if let failure { throw AtomicFile.WriteError(path: path, reason: failure) }
  }

  mutating func flush() throws(AtomicFile.WriteError) {
    guard !buffer.isEmpty else { return }
    let failure = buffer.withUnsafeBytes { writeAll($0) }
    if let failure { throw AtomicFile.WriteError(path: path, reason: failure) }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes every byte; returns the error text if a write fails.
  private func writeAll(_ raw: UnsafeRawBufferPointer) -> String? {
    guard let base = raw.baseAddress else { return nil }
    var offset = 0
    while offset < raw.count {
      let written = Glibc.write(fd, base + offset, raw.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return String(cString: strerror(errno))
      }
      offset += written
    }
    return nil
  }
}
