import Foundation
import Synchronization

/// The files this process reads as inputs, by identity (device and inode,
/// taken when registered), so that `AtomicFile` refuses to write over any of
/// them however the output is spelled: a symlink, a hard link, `./` or
/// `../`. Commands register what they read before they write anything.
public final class ProtectedInputs: Sendable {
  public static let shared = ProtectedInputs()

  private struct Identity: Hashable {
    var device: UInt64
    var inode: UInt64
  }

  private let files = Mutex<[Identity: String]>([:])

  /// Registers `paths` (links followed); a path that does not exist yet is
  /// skipped (nothing to protect), as are special files (`-`, `/dev/stdin`:
  /// writing to a device does not destroy it).
  public func protect(_ paths: [String]) {
    for path in paths {
      guard let identity = Self.identity(path, regularOnly: true) else { continue }
      files.withLock { if $0[identity] == nil { $0[identity] = path } }
    }
  }

  public func protect(_ path: String) { protect([path]) }

  /// The registered input that `path` is the same file as, if any.
  public func input(sameAs path: String) -> String? {
    guard let identity = Self.identity(path, regularOnly: false) else { return nil }
    return files.withLock { $0[identity] }
  }

  private static func identity(_ path: String, regularOnly: Bool) -> Identity? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    if regularOnly && (status.st_mode & S_IFMT) != S_IFREG { return nil }
    return Identity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
  }
}
