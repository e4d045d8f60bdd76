import AlignKit
import ArgumentParser
import Foundation

extension MediaAlign {
  struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a self-contained HTML report (and a Markdown summary) for align results.",
      discussion: """
        One HTML file with inline CSS and SVG, no network: per result the verdict, the clock map in plain \
        words, plots before and after correction, a zoom, the correlation around the chosen map, the lag \
        per window, and a review player when the media is reachable from the report's folder. Several \
        results get a sortable summary table (rejected and warned first) and histograms. Signals are \
        recomputed from the media and CSV named in each result.
        """
    )

    @Argument(
      help:
        "Result files of `align --json` (an object or an array of them), or folders of them (e.g. a batch's results/).",
      completion: .file())
    var results: [String]

    @Option(name: .shortAndLong, help: "The HTML report to write.", completion: .file(extensions: ["html"]))
    var output: String

    @Option(help: "Also write a Markdown summary here.", completion: .file(extensions: ["md"]))
    var markdown: String?

    @Option(help: "Decoders per media file (default: the number of cores).")
    var threads: Int = EnvelopeOptions.defaultThreads

    @Option(help: "Results whose signals are recomputed at the same time.")
    var jobs: Int = 1

    func validate() throws {
      guard threads >= 1 else { throw ValidationError("--threads must be at least 1.") }
      guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1.") }
    }

    func run() async throws {
      var options = ReportOptions(output: output)
      options.markdown = markdown
      options.threads = threads
      options.jobs = jobs
      let summary: ReportSummary
      do {
        summary = try await makeReport(resultPaths: expandResultPaths(results), options: options)
      } catch {
        printError("\(error)")
        throw ExitCode.failure
      }
      print(
        "wrote \(output): \(summary.entries) result\(summary.entries == 1 ? "" : "s"), \(summary.aligned) aligned, \(summary.rejected) rejected"
      )
      for failure in summary.failures { printError("\(failure.path): left out: \(failure.reason)") }
      if !summary.failures.isEmpty { throw ExitCode.failure }
    }
  }
}
