import Foundation

/// The one output policy every command writes through. A reader never sees
/// a partial file, and no output can destroy an input:
///
/// - an output that is the same file as an input of this run (same device
///   and inode: links, hard links and `./`/`../` spellings included; see
///   `ProtectedInputs`) is refused, and nothing is written;
/// - a regular file (or a new one) is written to a temporary file beside it
///   (`TemporaryFile`), synced, and renamed over it only when everything was
///   written; a replaced file keeps its permission bits; on any failure, or
///   on SIGINT/SIGTERM, the temporary file is removed and the target is
///   untouched;
/// - a symlink is written through: the file it points to is replaced as
///   above and the link stays a link (a link to nothing is refused);
/// - a special file (`/dev/null`, `/dev/stdout`, a FIFO, a terminal) is
///   written to directly, never replaced.
public enum AtomicFile {
  public struct WriteError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
      /// The system refused (`reason` is `strerror`'s text).
      case failed(reason: String)
      /// The output is the same file as `input`, which this run reads.
      case isInput(input: String)
      case isDirectory
      /// A symlink to a file that does not exist.
      case danglingLink(target: String)
    }

    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
      self.path = path
      self.kind = kind
    }

    init(path: String, errno code: Int32) {
      self.init(path: path, kind: .failed(reason: String(cString: strerror(code))))
    }

    public var description: String {
      switch kind {
      case .failed(let reason):
        return "\(path): cannot write (\(reason)); check that the folder exists and is writable"
      case .isInput(let input):
        let same = input == path ? "" : " (the same file as \(input))"
        return "\(path): is an input of this run\(same), so it is not overwritten; write the output to another file"
      case .isDirectory:
        return "\(path): is a directory; name a file to write"
      case .danglingLink(let target):
        return "\(path): is a symlink to \(target), which does not exist; name the file to write"
      }
    }
  }

  /// Writes `data` to `path` atomically.
  public static func write(_ data: Data, to path: String) throws(WriteError) {
    try write(to: path) { (writer) throws(WriteError) in try writer.write(data) }
  }

  /// Streams `body`'s output to `path` by the policy above, through a
  /// 64 KiB buffer.
  public static func write(to path: String, _ body: (inout ChunkWriter) throws(WriteError) -> Void) throws(WriteError) {
    let target = try Target(path)
    if let input = ProtectedInputs.shared.input(sameAs: path) {
      throw WriteError(path: path, kind: .isInput(input: input))
    }
    switch target {
    case .special:
      try writeDirectly(to: path, body)
    case .regular(let resolved, let mode):
      try replace(resolved, shownAs: path, mode: mode, body)
    }
  }

  /// Streams `body`'s output to standard output through the same buffer.
  public static func writeStandardOutput(_ body: (inout ChunkWriter) throws(WriteError) -> Void) throws(WriteError) {
    var writer = ChunkWriter(fd: STDOUT_FILENO, path: "standard output")
    try body(&writer)
    try writer.flush()
  }

  /// What a path names, links followed.
  private enum Target {
    /// A regular file at `path` (links resolved), or none yet; `mode`: the
    /// existing file's permission bits.
    case regular(path: String, mode: mode_t?)
    case special

    init(_ path: String) throws(WriteError) {
      var status = stat()
      var link = stat()
      let isLink = lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK
      guard stat(path, &status) == 0 else {
        if isLink {
          var bytes = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
          let count = readlink(path, &bytes, bytes.count - 1)
          let target = String(decoding: bytes.prefix(max(0, count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
          throw WriteError(path: path, kind: .danglingLink(target: target))
        }
        if errno != ENOENT { throw WriteError(path: path, errno: errno) }
        self = .regular(path: path, mode: nil)  // a new file
        return
      }
      switch status.st_mode & S_IFMT {
      case S_IFREG:
        let resolved = isLink ? realPath(path) ?? path : path
        self = .regular(path: resolved, mode: status.st_mode & 0o7777)
      case S_IFDIR:
        throw WriteError(path: path, kind: .isDirectory)
      default:
        self = .special
      }
    }
  }

  private static func writeDirectly(
    to path: String, _ body: (inout ChunkWriter) throws(WriteError) -> Void
  ) throws(WriteError) {
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { throw WriteError(path: path, errno: errno) }
    defer { close(fd) }
    var writer = ChunkWriter(fd: fd, path: path)
    try body(&writer)
    try writer.flush()
  }

  private static func replace(
    _ path: String, shownAs shown: String, mode: mode_t?, _ body: (inout ChunkWriter) throws(WriteError) -> Void
  ) throws(WriteError) {
    let temporary = TemporaryFile(beside: path)
    let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw WriteError(path: shown, errno: errno) }
    var writer = ChunkWriter(fd: fd, path: shown)
    do throws(WriteError) {
      if let mode, fchmod(fd, mode) != 0 { throw WriteError(path: shown, errno: errno) }
      try body(&writer)
      try writer.flush()
      if fsync(fd) != 0 { throw WriteError(path: shown, errno: errno) }
      close(fd)
      if rename(temporary.path, path) != 0 { throw WriteError(path: shown, errno: errno) }
      temporary.renamed()
    } catch {
      close(fd)
      temporary.remove()
      throw error
    }
  }
}

/// The canonical path of an existing file, links resolved.
public func realPath(_ path: String) -> String? {
  guard let resolved = realpath(path, nil) else { return nil }
  defer { free(resolved) }
  return String(cString: resolved)
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
    if let failure { throw AtomicFile.WriteError(path: path, errno: failure) }
  }

  mutating func flush() throws(AtomicFile.WriteError) {
    guard !buffer.isEmpty else { return }
    let failure = buffer.withUnsafeBytes { writeAll($0) }
    if let failure { throw AtomicFile.WriteError(path: path, errno: failure) }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes every byte; returns `errno` if a write fails.
  private func writeAll(_ raw: UnsafeRawBufferPointer) -> Int32? {
    guard let base = raw.baseAddress else { return nil }
    var offset = 0
    while offset < raw.count {
      let written = Glibc.write(fd, base + offset, raw.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += written
    }
    return nil
  }
}
