import AlignKit
import ArgumentParser
import Foundation
import LabelStudio

extension MediaAlign {
  struct Tasks: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a Label Studio project (config, import file, corrected CSVs) from align results.",
      discussion: """
        Writes into --out: config.xml (the labeling config), tasks.json (import it into the project), \
        one corrected CSV per task (STEM.aligned.csv: time in media seconds from 0.0) and summary.json. \
        URLs are --url-prefix followed by each file's path below --url-root: start Label Studio with \
        LOCAL_FILES_SERVING_ENABLED=true and LOCAL_FILES_DOCUMENT_ROOT set to --url-root, and add a \
        Local Storage covering the folders. Rejected results are left out and listed. Exit code 1 when \
        an item could not be made (rejections alone exit 0).
        """
    )

    @Argument(help: "Result files of `align --json` (an object or an array of them).", completion: .file())
    var results: [String]

    @Option(help: "The folder to write into (created if missing).", completion: .directory)
    var out: String

    @Option(help: "Prefix of every URL: a Label Studio local-files prefix or an http(s) base.")
    var urlPrefix: String = FileURLs.localFilesPrefix

    @Option(help: "The folder --url-prefix serves (LOCAL_FILES_DOCUMENT_ROOT); default: the current folder.", completion: .directory)
    var urlRoot: String?

    @Option(help: "Comma-separated labels for <TimeSeriesLabels>.")
    var labels: String = "Event"

    @Option(help: "Comma-separated channels to show (default: every numeric column all CSVs share).")
    var channels: String?

    @Option(help: "native (Label Studio ≥ 1.20: sync group) or legacy (≤ 1.4.1: HyperText recipe with the clock map).")
    var target: Target = .native

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func splitList(_ text: String) -> [String] {
      text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
      guard !splitList(labels).isEmpty else { throw ValidationError("--labels needs at least one label, e.g. --labels Run,Walk.") }
      if let channels, splitList(channels).isEmpty { throw ValidationError("--channels needs at least one column name.") }
      guard !urlPrefix.isEmpty else { throw ValidationError("--url-prefix must not be empty, e.g. /data/local-files/?d=") }
    }

    func run() throws {
      var options = TasksOptions(outputDirectory: out)
      options.urlPrefix = urlPrefix
      options.urlRoot = urlRoot
      options.labels = splitList(labels)
      options.channels = channels.map(splitList)
      options.target = target
      let summary: TasksSummary
      do {
        summary = try makeLabelStudioProject(resultPaths: results, options: options)
      } catch {
        printError("\(error)")
        throw ExitCode.failure
      }
      if json {
        print(try encodeJSON(summary))
      } else {
        print(TasksText.render(summary))
      }
      for item in summary.leftOut {
        printError("\(item.result): left out: \(item.reason)")
      }
      if !summary.failures.isEmpty { throw ExitCode.failure }
    }
  }
}

extension Target: ExpressibleByArgument {}
