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
  seriesExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased())
}

/// Probes each path in turn (`.csv`, `.tsv` and `.txt` as time series, the
/// rest as media); a bad file becomes a failed outcome and the rest go on.
public func probe(paths: [String], options: ProbeOptions, csv: CSVOptions = CSVOptions()) -> [ProbeOutcome] {
  var outcomes: [ProbeOutcome] = []
  for path in paths {
    if isSeriesPath(path) {
      do throws(SeriesError) {
        outcomes.append(.series(SeriesInfo(try CSVReader.read(path: path, options: csv))))
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
