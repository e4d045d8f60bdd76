import Foundation

/// What a run of the built `mediaalign` binary printed and returned.
public struct ToolResult: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
}

/// The built `mediaalign` binary: `MEDIAALIGN_BIN`, or the one beside the
/// test bundle (the same build folder).
public func toolURL() throws -> URL {
  if let path = ProcessInfo.processInfo.environment["MEDIAALIGN_BIN"] {
    return URL(fileURLWithPath: path)
  }
  var candidates: [URL] = []
  for bundle in Bundle.allBundles {
    candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("mediaalign"))
  }
  let argument0 = URL(fileURLWithPath: CommandLine.arguments[0])
  candidates.append(argument0.deletingLastPathComponent().appendingPathComponent("mediaalign"))
  for argument in CommandLine.arguments where argument.hasSuffix(".xctest") {
    candidates.append(URL(fileURLWithPath: argument).deletingLastPathComponent().appendingPathComponent("mediaalign"))
  }
  candidates.append(TestPaths.packageRoot.appendingPathComponent(".build/debug/mediaalign"))
  for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
    return candidate
  }
  throw ToolNotFound(searched: candidates.map(\.path))
}

public struct ToolNotFound: Error, CustomStringConvertible {
  public var searched: [String]
  public var description: String { "mediaalign binary not found; looked in \(searched)" }
}

/// Runs `mediaalign arguments…` in `directory` and collects its output;
/// `stdin`: a file to read standard input from (default: none);
/// `environment`: variables added to the test's own.
public func runTool(
  _ arguments: [String], in directory: URL, stdin: String? = nil, environment: [String: String] = [:]
) throws -> ToolResult {
  let process = Process()
  process.executableURL = try toolURL()
  process.arguments = arguments
  process.currentDirectoryURL = directory
  if !environment.isEmpty {
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  }
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  if let stdin {
    process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdin))
  } else {
    process.standardInput = FileHandle.nullDevice
  }
  try process.run()
  // Read both pipes to the end before waiting, so a full pipe cannot block.
  let group = DispatchGroup()
  nonisolated(unsafe) var errData = Data()
  group.enter()
  DispatchQueue.global().async {
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return ToolResult(
    status: process.terminationStatus,
    stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self))
}
