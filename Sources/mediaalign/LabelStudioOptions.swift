import AlignKit
import ArgumentParser
import Foundation
import LabelStudio

/// How the Label Studio files are made: shared by `tasks` and `batch`.
struct LabelStudioOptions: ParsableArguments {
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

  func splitList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  func validate() throws {
    guard !splitList(labels).isEmpty else { throw ValidationError("--labels needs at least one label, e.g. --labels Run,Walk.") }
    if let channels, splitList(channels).isEmpty { throw ValidationError("--channels needs at least one column name.") }
    guard !urlPrefix.isEmpty else { throw ValidationError("--url-prefix must not be empty, e.g. /data/local-files/?d=") }
  }

  func tasksOptions(outputDirectory: String) -> TasksOptions {
    var options = TasksOptions(outputDirectory: outputDirectory)
    options.urlPrefix = urlPrefix
    options.urlRoot = urlRoot
    options.labels = splitList(labels)
    options.channels = channels.map(splitList)
    options.target = target
    return options
  }
}

extension Target: ExpressibleByArgument {}
