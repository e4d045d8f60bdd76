import Dispatch
import Foundation
import Synchronization

/// A temporary file beside an output, named `.NAME.tmp-PID-XXXXXXXX@HOST`:
/// hidden, unique, and saying which process on which machine made it, so a
/// clean-up (`batch --resume`) removes only the leftovers of a process on
/// this host that no longer runs, never a live shard's on another host that
/// shares the folder. Until it is renamed or removed it is registered, and
/// SIGINT, SIGTERM and SIGHUP remove every registered file before the
/// process dies of the signal.
public struct TemporaryFile: Sendable {
  public let path: String

  /// Names (and registers) a temporary file in `target`'s folder.
  public init(beside target: String) {
    let url = URL(fileURLWithPath: target)
    let name = ".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))@\(Self.host)"
    path = url.deletingLastPathComponent().appendingPathComponent(name).path
    Self.register(path)
  }

  /// The file was renamed to its target: nothing to clean up.
  public func renamed() { Self.live.withLock { _ = $0.remove(path) } }

  /// Removes the file (if it was made) and forgets it.
  public func remove() {
    unlink(path)
    renamed()
  }

  /// This machine's name as temporary names carry it (`@` and `/` dropped).
  public static let host: String = {
    var bytes = [CChar](repeating: 0, count: 256)
    guard gethostname(&bytes, bytes.count - 1) == 0 else { return "unknown" }
    let name = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let kept = name.filter { $0 != "@" && $0 != "/" && !$0.isWhitespace }
    return kept.isEmpty ? "unknown" : kept
  }()

  /// The process and host a temporary file's name says made it; nil for any
  /// other name.
  public static func owner(ofName name: String) -> (pid: Int32, host: String)? {
    guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards) else { return nil }
    let tail = name[marker.upperBound...]
    guard let at = tail.firstIndex(of: "@") else { return nil }
    let parts = tail[..<at].split(separator: "-")
    guard parts.count == 2, parts[1].count == 8, let pid = Int32(parts[0]) else { return nil }
    return (pid, String(tail[tail.index(after: at)...]))
  }

  // MARK: clean-up on signals

  private static let live = Mutex<Set<String>>([])

  private static func register(_ path: String) {
    _ = handlers
    live.withLock { _ = $0.insert(path) }
  }

  /// Once per process: SIGINT, SIGTERM and SIGHUP remove the registered
  /// files, then take their default action (the exit status says which).
  /// Made once (a lazy static), never changed: safe to share.
  nonisolated(unsafe) private static let handlers: [any DispatchSourceSignal] = {
    var sources: [any DispatchSourceSignal] = []
    for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        let paths = live.withLock { $0 }
        for path in paths { unlink(path) }
        signal(signalNumber, SIG_DFL)
        raise(signalNumber)
      }
      source.resume()
      sources.append(source)
    }
    return sources
  }()
}
