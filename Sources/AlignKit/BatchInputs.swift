import Foundation
import Synchronization
import TimeSeries

/// What `--resume` compares to decide that an input is unchanged: size,
/// modification time and a hash of the first and last MiB.
public struct InputFingerprint: Sendable, Codable, Equatable {
  public var path: String
  public var size: Int64
  /// Modification time, nanoseconds since 1970.
  public var mtimeNs: Int64
  /// FNV-1a (64 bit, hex) of the first MiB followed by the last MiB.
  public var headTailHash: String

  /// Nil when the file cannot be read (the item then runs and fails with the reason).
  public init?(path: String) {
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let size = Int64(info.st_size)
    let part = 1 << 20
    var hash = FNV1a()
    // The whole file when it is at most 2 MiB, else its first and last MiB.
    let ranges: [(Int64, Int)] =
      size <= Int64(2 * part) ? [(Int64(0), Int(size))] : [(Int64(0), part), (size - Int64(part), part)]
    var buffer = [UInt8](repeating: 0, count: ranges.map(\.1).max() ?? 0)
    for (offset, count) in ranges {
      let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
      guard n == count else { return nil }
      hash.add(buffer[0..<n])
    }
    self.path = path
    self.size = size
    mtimeNs = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    headTailHash = String(hash.value, radix: 16)
  }
}

/// 64-bit FNV-1a: a fast hash for change detection and cache keys (not for security).
struct FNV1a {
  private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
    for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
  }
}

/// Added to a result written by `batch` (`"batch"` in the JSON): the item,
/// the exact `align` command it ran, and its inputs' fingerprints.
public struct BatchRecord: Sendable, Codable, Equatable {
  public var id: String
  public var command: [String]
  public var inputs: [InputFingerprint?]
}

/// Removes temporary files (`TemporaryFile`) left in `folder` by a process
/// on this host that no longer runs (a batch killed with SIGKILL); files made
/// on other hosts (shards sharing the folder) are left alone. Returns how
/// many were removed.
@discardableResult
func removeStaleTemporaries(in folder: String) -> Int {
  // No folder yet (a first run) or none readable: nothing to clean, and writing there fails with its reason.
  guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return 0 }
  var removed = 0
  for name in names {
    guard let owner = TemporaryFile.owner(ofName: name), owner.host == TemporaryFile.host,
      owner.pid != getpid()
    else { continue }
    if kill(owner.pid, 0) == 0 || errno != ESRCH { continue }
    if unlink((folder as NSString).appendingPathComponent(name)) == 0 { removed += 1 }
  }
  return removed
}
