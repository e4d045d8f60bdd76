import AlignKit
import ArgumentParser
import Foundation
import TimeSeries

extension MediaAlign {
  struct Align: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure the clock map between a media file and a sensor CSV (or a second media file).",
      discussion: """
        MEDIA CSV: t_media = offset + scale × (t_csv − csv_origin), csv_origin the CSV's first time. \
        REF OTHER (two media files): t_ref = offset + scale × t_other. Exit code 1 when the \
        alignment is rejected (not confident), with the reason on stderr.
        """
    )

    @Argument(help: "The media file (the reference clock).", completion: .file())
    var media: String

    @Argument(help: "The sensor CSV (.csv/.tsv/.txt), or a second media file.", completion: .file())
    var other: String

    @Option(
      help: "The channel: a column name or index, mag(ax,ay,az), or auto (try every numeric column and axis triple).")
    var channel: String = "auto"

    @OptionGroup(title: "Sensor CSV options")
    var series: SeriesOptions

    @OptionGroup(title: "Search options")
    var search: EstimatorOptions

    @Option(help: "Decoders to run in parallel (default: the number of cores).")
    var threads: Int = EnvelopeOptions.defaultThreads

    @Option(help: "Write the corrected CSV (media-time `time` column from 0.0, no empty cells) here.")
    var writeCSV: String?

    @Option(help: .hidden)
    var envelopeCache: String?

    @Flag(help: "Print the result as JSON (docs/formats.md, docs/schemas/align-result.schema.json).")
    var json = false

    var isSeries: Bool { isSeriesPath(other) }

    func validate() throws {
      guard threads >= 1 else { throw ValidationError("--threads must be at least 1.") }
      if writeCSV != nil && !isSeries { throw ValidationError("--write-csv needs a sensor CSV as the second file.") }
    }

    func run() async throws {
      // A batch's child ends with its batch (`ChildProcess`).
      Lifeline.watch()
      var options = AlignOptions()
      search.apply(to: &options)
      options.threads = threads
      options.writeCSV = writeCSV
      options.envelopeCache = envelopeCache
      let result: AlignResult
      do {
        if isSeries {
          result = try await alignMediaToSeries(
            mediaPath: media, csvPath: other, csv: series.csvOptions, channel: channel, options: options)
        } else {
          result = try await alignMediaToMedia(referencePath: media, otherPath: other, options: options)
        }
      } catch {
        printError("\(error)")
        throw ExitCode.failure
      }
      if let summary = result.series?.layout?.summary { printNote("\(other): \(summary)") }
      if let note = result.series?.timeUnitNote { printNote("\(other): \(note); --time-unit overrides") }
      if json {
        print(try encodeJSON(result))
      } else {
        print(AlignText.render(result))
      }
      if result.status != .aligned {
        printError("\(other): alignment rejected: \(result.reason ?? "not confident")")
        throw ExitCode.failure
      }
    }
  }
}
