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

    @Option(help: "The channel: a column name or index, mag(ax,ay,az), or auto (try every numeric column and axis triple).")
    var channel: String = "auto"

    @OptionGroup(title: "Sensor CSV options")
    var series: SeriesOptions

    @Option(help: "Scale search range, e.g. 0.95-1.05 (media seconds per sensor second).")
    var scaleRange: String = "0.95-1.05"

    @Option(help: "Minimum overlap as a fraction of the shorter recording.")
    var minOverlap: Double = 0.3

    @Option(help: "Largest offset to consider, seconds (default: any that leaves --min-overlap).")
    var maxOffset: Double?

    @Option(help: "The media's audio stream index (default: the first audio stream).")
    var stream: Int?

    @Option(help: "Decoders to run in parallel (default: the number of cores).")
    var threads: Int = EnvelopeOptions.defaultThreads

    @Option(help: "Write the corrected CSV (media-time `time` column from 0.0, no empty cells) here.")
    var writeCSV: String?

    @Flag(help: "Print the result as JSON (DESIGN §3).")
    var json = false

    func parsedScaleRange() -> ClosedRange<Double>? {
      let parts = scaleRange.split(separator: "-").compactMap { Double($0) }
      guard parts.count == 2, parts[0] > 0, parts[0] < parts[1] else { return nil }
      return parts[0]...parts[1]
    }

    var isSeries: Bool { isSeriesPath(other) }

    func validate() throws {
      guard parsedScaleRange() != nil else {
        throw ValidationError("--scale-range must be LOW-HIGH with 0 < LOW < HIGH, e.g. 0.95-1.05; got '\(scaleRange)'.")
      }
      guard minOverlap > 0 && minOverlap <= 1 else { throw ValidationError("--min-overlap must be in (0, 1].") }
      guard threads >= 1 else { throw ValidationError("--threads must be at least 1.") }
      if writeCSV != nil && !isSeries { throw ValidationError("--write-csv needs a sensor CSV as the second file.") }
    }

    func run() async throws {
      var options = AlignOptions()
      options.estimator.scaleRange = parsedScaleRange()!
      options.estimator.minimumOverlapFraction = minOverlap
      options.estimator.maximumOffset = maxOffset
      options.threads = threads
      options.streamIndex = stream
      options.writeCSV = writeCSV
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
      if json {
        print(try encodeJSON(result))
      } else {
        print(AlignText.render(result))
      }
      if result.status != "aligned" {
        printError("\(other): alignment rejected: \(result.reason ?? "not confident")")
        throw ExitCode.failure
      }
    }
  }
}
