import Foundation
import Synchronization

/// How a child `mediaalign align` ended.
struct ChildOutcome {
  var status: Int32
  /// Set when the child was killed by a signal.
  var signal: Int32?
  /// The child ran past its deadline and its process group was killed.
  var timedOut = false
  var stdout: Data
  var stderr: String
}

/// A child process that cannot outlive its batch or its deadline.
///
/// - It runs in a process group of its own (`POSIX_SPAWN_SETPGROUP`), and
///   at the deadline the whole group gets SIGKILL (`killpg`), whatever it
///   has spawned.
/// - It holds the read end of the batch's *lifeline*, a pipe whose write
///   end only the batch holds (close-on-exec, so no other child inherits
///   it): when the batch dies, even by SIGKILL, the pipe reads end-of-file
///   and the child ends itself (`Lifeline.watch`, named by
///   `Lifeline.environmentKey`).
/// - Both output pipes are read in one `poll` loop, so neither can fill
///   up and stall it; stdin is `/dev/null`.
enum ChildProcess {
  /// Runs `executable arguments…`; `timeout` seconds (nil: none).
  static func run(executable: String, arguments: [String], timeout: Double?) throws(ChildError) -> ChildOutcome {
    let lifeline = try Lifeline.shared()
    // Pipes are made and children spawned one at a time: a child spawned
    // by another worker between `pipe` and `FD_CLOEXEC` would inherit this
    // one's ends (and could hold its output open).
    let (pid, outRead, errRead) = try spawning.withLock { _ throws(ChildError) in
      let outPipe = try makePipe()
      let errPipe: [Int32]
      do throws(ChildError) {
        errPipe = try makePipe()
      } catch {
        close(outPipe[0])
        close(outPipe[1])
        throw error
      }
      let pid = try spawn(
        executable: executable, arguments: arguments, lifeline: lifeline, stdout: outPipe, stderr: errPipe)
      return (pid, outPipe[0], errPipe[0])
    }
    return collect(pid: pid, stdout: outRead, stderr: errRead, timeout: timeout)
  }

  private static let spawning = Mutex(())

  /// A pipe whose ends close on exec.
  private static func makePipe() throws(ChildError) -> [Int32] {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { throw ChildError(errno: errno, doing: "make a pipe") }
    for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return ends
  }

  /// Starts the child in a process group of its own, its stdout and
  /// stderr on the pipes' write ends (closed here after the spawn).
  private static func spawn(
    executable: String, arguments: [String], lifeline: Int32, stdout outPipe: [Int32], stderr errPipe: [Int32]
  ) throws(ChildError) -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    posix_spawn_file_actions_adddup2(&actions, lifeline, Lifeline.childDescriptor)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)

    var environment = ProcessInfo.processInfo.environment
    environment[Lifeline.environmentKey] = "\(Lifeline.childDescriptor)"
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    close(outPipe[1])
    close(errPipe[1])
    guard spawned == 0 else {
      close(outPipe[0])
      close(errPipe[0])
      throw ChildError(errno: spawned, doing: "start \(executable)")
    }
    return pid
  }

  /// Reads both pipes to their end (killing the group at the deadline),
  /// then reaps the child.
  private static func collect(pid: pid_t, stdout outRead: Int32, stderr errRead: Int32, timeout: Double?)
    -> ChildOutcome
  {
    let deadline = timeout.map { Date().addingTimeInterval($0) }
    var timedOut = false
    var stdout = Data()
    var stderr = Data()
    var fds = [
      pollfd(fd: outRead, events: Int16(POLLIN), revents: 0), pollfd(fd: errRead, events: Int16(POLLIN), revents: 0),
    ]
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while fds.contains(where: { $0.fd >= 0 }) {
      var wait: Int32 = -1
      if let deadline, !timedOut {
        let left = deadline.timeIntervalSinceNow
        if left <= 0 {
          killpg(pid, SIGKILL)
          timedOut = true
        } else {
          wait = Int32(min(left * 1000, 60_000).rounded(.up))
        }
      }
      let ready = poll(&fds, nfds_t(fds.count), wait)
      if ready < 0 && errno == EINTR { continue }
      for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
        let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
        if n > 0 {
          if i == 0 { stdout.append(contentsOf: buffer[0..<n]) } else { stderr.append(contentsOf: buffer[0..<n]) }
        } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
          close(fds[i].fd)
          fds[i].fd = -1
        }
      }
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let signalled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
    return ChildOutcome(
      status: signalled ? 0 : (status >> 8) & 0xff, signal: signalled ? status & 0x7f : nil, timedOut: timedOut,
      stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
  }
}

/// Why a child could not be run.
struct ChildError: Error, CustomStringConvertible {
  var errno: Int32
  var doing: String
  var description: String { "cannot \(doing): \(String(cString: strerror(errno)))" }
}

/// The pipe that ties batch children to the batch's life (`ChildProcess`).
public enum Lifeline {
  /// Names the descriptor a child holds the lifeline on.
  public static let environmentKey = "MEDIAALIGN_LIFELINE_FD"
  /// The child's descriptor for it.
  static let childDescriptor: Int32 = 3

  private static let pipeEnds: Result<Int32, ChildError> = {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return .failure(ChildError(errno: errno, doing: "make a pipe")) }
    for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    // The read end above the child's descriptor: `dup2` onto itself would
    // keep close-on-exec, and the child would not get it.
    let high = fcntl(ends[0], F_DUPFD_CLOEXEC, childDescriptor + 1)
    guard high >= 0 else { return .failure(ChildError(errno: errno, doing: "move the lifeline pipe")) }
    close(ends[0])
    // The write end stays open, unused, for the batch's whole life.
    return .success(high)
  }()

  /// The read end every child gets.
  static func shared() throws(ChildError) -> Int32 { try pipeEnds.get() }

  nonisolated(unsafe) private static var watcher: (any DispatchSourceRead)?

  /// In a child started by `ChildProcess`: ends this process (exit 137,
  /// as if killed) as soon as the lifeline reads end-of-file, that is, when
  /// the batch that started it is gone. Does nothing without the variable.
  public static func watch() {
    guard let value = ProcessInfo.processInfo.environment[environmentKey], let fd = Int32(value),
      fcntl(fd, F_GETFD) >= 0
    else { return }
    unsetenv(environmentKey)
    let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: .global())
    source.setEventHandler {
      var byte: UInt8 = 0
      if read(fd, &byte, 1) <= 0 { _exit(137) }
    }
    source.resume()
    watcher = source
  }
}
