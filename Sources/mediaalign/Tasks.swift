import AlignKit
import ArgumentParser
import Foundation
import LabelStudio

extension MediaAlign {
  struct Tasks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a Label Studio project (config, import file, corrected CSVs) from align results.",
      discussion: """
        Writes into --out: config.xml (the labeling config), tasks.json (import it into the project), \
        one corrected CSV per task (STEM.aligned.csv: time in media seconds from 0.0) and summary.json. \
        Items that cannot share one config (videos and audio-only files, or sensors with different \
        columns) get one project per config, each in a subfolder named by what its items share \
        (e.g. video-ax-ay-az). URLs are --url-prefix followed by each file's path below --url-root; \
        the default root is the nearest folder above every folder holding a file, because Label \
        Studio serves only strict subfolders of its LOCAL_FILES_DOCUMENT_ROOT; with --push, the \
        server's own LOCAL_FILES_DOCUMENT_ROOT. The summary says the \
        root and Local Storage paths to use. --push URL does the rest through Label Studio's API: \
        project, storage and tasks; pushing again updates the same tasks and keeps their \
        annotations. Rejected results are left out and listed. Exit code 1 when an item could not be \
        made or the push failed (rejections alone exit 0). Formats: docs/labelstudio.md and \
        docs/schemas/ in the repository.
        """
    )

    @Argument(
      help:
        "Result files of `align --json` (an object or an array of them), or folders of them (e.g. a batch's results/).",
      completion: .file())
    var results: [String]

    @Option(help: "The folder to write into (created if missing).", completion: .directory)
    var out: String

    @OptionGroup(title: "Label Studio options")
    var labelStudio: LabelStudioOptions

    @OptionGroup(title: "Sending to Label Studio")
    var push: PushArguments

    @Flag(help: "Print the summary as JSON (docs/schemas/tasks-summary.schema.json).")
    var json = false

    func run() async throws {
      var options = labelStudio.tasksOptions(outputDirectory: out)
      var pushOptions = try push.options()
      var summary: TasksSummary
      do {
        if let asking = pushOptions, options.urlRoot == nil, labelStudio.urlPrefix == FileURLs.localFilesPrefix {
          let root = try await labelStudioDocumentRoot(asking)
          options.urlRoot = root
          pushOptions?.documentRoot = root
        }
        summary = try makeLabelStudioProject(resultPaths: expandResultPaths(results), options: options)
        if let pushOptions {
          summary.pushed = try await pushLabelStudioProjects(summary, options: pushOptions)
          try writeTasksSummary(summary, outputDirectory: out)
        }
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
