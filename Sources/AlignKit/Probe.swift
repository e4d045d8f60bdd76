import Foundation
import MediaIO

/// The outcome of probing one path: its facts, or the error that names it.
public enum ProbeOutcome: Sendable {
  case media(MediaInfo)
  case failed(path: String, message: String)
}

/// Probes each path in turn; a bad file becomes a failed outcome and the
/// rest go on.
public func probe(paths: [String], options: ProbeOptions) -> [ProbeOutcome] {
  var outcomes: [ProbeOutcome] = []
  for path in paths {
    do throws(MediaError) {
      outcomes.append(.media(try probeMedia(path: path, options: options)))
    } catch {
      outcomes.append(.failed(path: path, message: error.description))
    }
  }
  return outcomes
}
