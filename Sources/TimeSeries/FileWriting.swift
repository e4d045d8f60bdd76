#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Writes `text` to a temporary file beside `path`, then renames it over
/// `path`; on failure the temporary file is removed and `path` untouched.
func writeAtomically(_ text: String, to path: String) throws(SeriesError) {
  let slash = path.lastIndex(of: "/")
  let directory = slash.map { String(path[..<$0]) } ?? "."
  let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
  let temporary = "\(directory.isEmpty ? "/" : directory)/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
  let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
  guard fd >= 0 else {
    throw .badFormat(path: path, message: "cannot write (\(String(cString: strerror(errno)))); check that the folder exists and is writable")
  }
  var failure: String? = nil
  var copy = text
  copy.withUTF8 { bytes in
    var offset = 0
    while offset < bytes.count {
      let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        failure = String(cString: strerror(errno))
        return
      }
      offset += n
    }
  }
  if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
  close(fd)
  if failure == nil && rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
  if let failure {
    unlink(temporary)
    throw .badFormat(path: path, message: "cannot write (\(failure)); check that the folder exists and is writable")
  }
}

/// Whether two paths name the same existing file.
func sameFile(_ a: String, _ b: String) -> Bool {
  var sa = stat()
  var sb = stat()
  guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
}
