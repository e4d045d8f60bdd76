import AlignKit
import ArgumentParser
import Foundation
import MediaIO
import TimeSeries

extension MediaAlign {
  struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Describe media files (container, streams, exact durations) and sensor CSVs (rows, rate, gaps).",
      discussion: """
        Files ending in .csv, .tsv or .txt are read as sensor time series (with the CSV \
        options below); everything else as media. Exact durations count what a player presents: audio samples after the codec \
        delay and padding are trimmed, video frames by their timestamps. With several \
        files, each bad one is reported on stderr and the others go on; the exit code \
        is 1 if any failed.
        """
    )

    @Argument(help: "Media files and sensor CSVs to probe.", completion: .file())
    var files: [String] = []

    @Flag(
      name: .long, help: "Print JSON (one object for one file, an array for several; docs/schemas/probe.schema.json).")
    var json = false

    @Flag(name: .long, help: "Container facts only: skip the packet scan (fast; durations are the header's).")
    var headerOnly = false

    @Flag(name: .long, help: "Decode every audio stream to count samples, even where packets are exact.")
    var decodeAudio = false

    @Flag(help: .hidden)
    var timings = false

    @OptionGroup(title: "Sensor CSV options")
    var series: SeriesOptions

    func validate() throws {
      if files.isEmpty { throw ValidationError("Name at least one media file to probe.") }
      if headerOnly && decodeAudio { throw ValidationError("--header-only and --decode-audio exclude each other.") }
    }

    func run() throws {
      // --timings (hidden, for Scripts/bench-csv.sh): how long each CSV's
      // read and describe steps took, on stderr.
      let outcomes = AlignKit.probe(
        paths: files, options: ProbeOptions(scan: !headerOnly, decodeAudio: decodeAudio), csv: series.csvOptions,
        timing: timings
          ? { path, step, seconds in
            FileHandle.standardError.write(
              Data("mediaalign: timing \(path) \(step) \(String(format: "%.4f", seconds)) s\n".utf8))
          } : nil)
      var failed = 0
      for case .failed(_, let message) in outcomes {
        failed += 1
        printError(message)
      }
      if json {
        let values = outcomes.map(ProbeJSON.init)
        if files.count == 1 {
          if case .failed = outcomes[0] {} else { print(try encodeJSON(values[0])) }
        } else {
          print(try encodeJSON(values))
        }
      } else {
        for outcome in outcomes {
          switch outcome {
          case .media(let info): print(ProbeText.render(info))
          case .series(let info): print(SeriesText.render(info))
          case .failed: break
          }
        }
      }
      if failed > 0 { throw ExitCode.failure }
    }
  }
}

/// One entry of `probe --json` for several files: the media facts, or the
/// path and its error.
enum ProbeJSON: Encodable {
  case media(MediaInfo)
  case series(SeriesInfo)
  case failed(path: String, error: String)

  init(_ outcome: ProbeOutcome) {
    switch outcome {
    case .media(let info): self = .media(info)
    case .series(let info): self = .series(info)
    case .failed(let path, let message): self = .failed(path: path, error: message)
    }
  }

  /// The version of this format (`docs/schemas/probe.schema.json`).
  static let schemaVersion = 1

  private enum Keys: String, CodingKey {
    case path, error, kind
    case schemaVersion = "schema_version"
  }

  /// The entry's fields, with `kind` (media, series or error) and
  /// `schema_version` added to them.
  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: Keys.self)
    try container.encode(Self.schemaVersion, forKey: .schemaVersion)
    switch self {
    case .media(let info):
      try container.encode("media", forKey: .kind)
      try info.encode(to: encoder)
    case .series(let info):
      try container.encode("series", forKey: .kind)
      try info.encode(to: encoder)
    case .failed(let path, let error):
      try container.encode("error", forKey: .kind)
      try container.encode(path, forKey: .path)
      try container.encode(error, forKey: .error)
    }
  }
}
