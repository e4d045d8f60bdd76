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
    throw .cannotWrite(error)
  }
}
