import Foundation
import TimeSeries

/// A batch's hold on its output folder: an exclusive `flock` on
/// `DIR/.cache/NAME.lock` (NAME: `batch`, or a shard's `batch-shard-I-of-N`), with
/// the holder's host and pid written in it for the message a second batch
/// prints. The kernel drops the lock when the holder ends, however it ends
/// (SIGKILL included), so a stale lock never blocks a new run; the file
/// itself stays (removing a lock file races with the next taker).
///
/// Shards of one batch take different locks and share the folder, as they
/// are meant to; two runs of one shard, or two whole batches, cannot.
struct OutputLock: ~Copyable {
  private let descriptor: Int32

  /// - Throws: when another process holds the lock, naming it.
  /// - Parameters:
  ///   - folder: where the lock file lives; `output`: the folder it guards.
  init(folder: String, name: String, output: String) throws(AlignError) {
    let path = (folder as NSString).appendingPathComponent("\(name).lock")
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
    guard fd >= 0 else {
      throw AlignError("\(path): cannot open the batch lock (\(String(cString: strerror(errno))))")
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let holder = Self.holder(fd)
      close(fd)
      throw AlignError(
        "\(output): another batch (\(holder)) is writing to this folder; wait for it to finish or choose another --out")
    }
    let text = "host \(TemporaryFile.host) pid \(getpid())\n"
    _ = ftruncate(fd, 0)
    _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    descriptor = fd
  }

  deinit { close(descriptor) }

  /// Ends the hold here (the lock is held at least until this call).
  consuming func release() {}

  /// The holder's "host H pid P", as it wrote it.
  private static func holder(_ fd: Int32) -> String {
    var bytes = [UInt8](repeating: 0, count: 256)
    let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
    let text = n > 0 ? String(decoding: bytes[0..<n], as: UTF8.self) : ""
    let line = text.split(separator: "\n").first.map(String.init) ?? ""
    // Only what the holder wrote: letters, digits, dots, dashes and spaces.
    let safe = line.filter { $0.isLetter || $0.isNumber || " .-_".contains($0) }.prefix(80)
    return safe.isEmpty ? "holder unknown" : String(safe)
  }
}
