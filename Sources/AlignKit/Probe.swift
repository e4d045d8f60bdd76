import Foundation
import MediaIO
import TimeSeries

/// The outcome of probing one path: its facts, or the error that names it.
public enum ProbeOutcome: Sendable {
  case media(MediaInfo)
  case series(SeriesInfo)
  case failed(path: String, message: String)
}

/// Files read as sensor time series rather than media, by extension.
public let seriesExtensions: Set<String> = ["csv", "tsv", "txt"]

public func isSeriesPath(_ path: String) -> Bool {
  path == CSVReader.standardInput || seriesExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased())
}

/// Probes each path in turn (`.csv`, `.tsv` and `.txt` as time series, the
/// rest as media); a bad file becomes a failed outcome and the rest go on.
/// `timing(path, step, seconds)`, if given, hears how long a CSV's `read`
/// and `describe` steps took (for benchmarks).
public func probe(
  paths: [String], options: ProbeOptions, csv: CSVOptions = CSVOptions(),
  timing: ((String, String, Double) -> Void)? = nil
) -> [ProbeOutcome] {
  var outcomes: [ProbeOutcome] = []
  let clock = ContinuousClock()
  func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = clock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }
  for path in paths {
    if isSeriesPath(path) {
      do throws(SeriesError) {
        let start = clock.now
        let table = try CSVReader.read(path: path, options: csv)
        timing?(path, "read", seconds(since: start))
        let described = clock.now
        outcomes.append(.series(SeriesInfo(table)))
        timing?(path, "describe", seconds(since: described))
      } catch {
        outcomes.append(.failed(path: path, message: error.description))
      }
      continue
    }
    do throws(MediaError) {
      outcomes.append(.media(try probeMedia(path: path, options: options)))
    } catch {
      outcomes.append(.failed(path: path, message: error.description))
    }
  }
  return outcomes
}
