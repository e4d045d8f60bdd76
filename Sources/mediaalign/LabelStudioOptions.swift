import AlignKit
import ArgumentParser
import Foundation
import LabelStudio

/// How the Label Studio files are made: shared by `tasks` and `batch`.
struct LabelStudioOptions: ParsableArguments {
  @Option(help: "Prefix of every URL: a Label Studio local-files prefix or an http(s) base.")
  var urlPrefix: String = FileURLs.localFilesPrefix

  @Option(
    help:
      "The folder --url-prefix serves (LOCAL_FILES_DOCUMENT_ROOT); default: the nearest folder above every folder with a file, or with --push the server's own.",
    completion: .directory)
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
    guard !splitList(labels).isEmpty else {
      throw ValidationError("--labels needs at least one label, e.g. --labels Run,Walk.")
    }
    if let channels, splitList(channels).isEmpty { throw ValidationError("--channels needs at least one column name.") }
    guard !urlPrefix.isEmpty else {
      throw ValidationError("--url-prefix must not be empty, e.g. /data/local-files/?d=")
    }
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

/// `--push`: send the projects to a running Label Studio (shared by `tasks` and `batch`).
struct PushArguments: ParsableArguments {
  @Option(
    name: .customLong("push"),
    help: ArgumentHelp(
      "Send the projects to the Label Studio at URL (e.g. http://localhost:8080): validate, create or reuse the project, add its Local Storage, import or update the tasks.",
      valueName: "URL"))
  var url: String?

  @Option(help: "Label Studio API token for --push (default: $LABEL_STUDIO_API_KEY, then --token-file).")
  var token: String?

  @Option(help: "A file holding the token for --push (its first line).", completion: .file())
  var tokenFile: String?

  @Option(
    help:
      "The Label Studio project for --push: a title (created if missing) or a numeric id. Default: 'MediaAlign' and the output folder."
  )
  var project: String?

  static let tokenVariable = "LABEL_STUDIO_API_KEY"

  func validate() throws {
    if url == nil && (token != nil || tokenFile != nil || project != nil) {
      throw ValidationError("--token, --token-file and --project go with --push URL.")
    }
    if let project, project.trimmingCharacters(in: .whitespaces).count < 3, Int(project) == nil {
      throw ValidationError("--project needs a title of 3 characters or more, or a project id.")
    }
  }

  /// nil without --push; throws when no token can be found.
  func options() throws -> PushOptions? {
    guard let url else { return nil }
    let environment = ProcessInfo.processInfo.environment[Self.tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
    var found = token ?? environment
    if found == nil, let tokenFile {
      let text: String
      do { text = try String(contentsOfFile: tokenFile, encoding: .utf8) } catch {
        throw ValidationError("\(tokenFile): cannot read the token file (\(error.localizedDescription)).")
      }
      found = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) }
    }
    guard let token = found, !token.isEmpty else {
      throw ValidationError(
        "--push needs a token: --token T, \(Self.tokenVariable)=T or --token-file F (Label Studio: Account & Settings → Access Token)."
      )
    }
    return PushOptions(url: url, token: token, project: project)
  }
}
