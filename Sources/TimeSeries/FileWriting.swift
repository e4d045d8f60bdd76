#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// `text` written atomically (see `AtomicFile`), its failure as a `SeriesError`.
func writeAtomically(_ text: String, to path: String) throws(SeriesError) {
  do {
    try AtomicFile.write(to: path) { (writer) throws(AtomicFile.WriteError) in try writer.write(text) }
  } catch {
    throw .badFormat(path: path, message: "cannot write (\(error.reason)); check that the folder exists and is writable")
  }
}

/// Whether two paths name the same existing file.
func sameFile(_ a: String, _ b: String) -> Bool {
  var sa = stat()
  var sb = stat()
  guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
}
