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

    @Argument(help: "Result files of `align --json` (an object or an array of them), or folders of them (e.g. a batch's results/).", completion: .file())
    var results: [String]

    @Option(help: "The folder to write into (created if missing).", completion: .directory)
    var out: String

    @OptionGroup(title: "Label Studio options")
    var labelStudio: LabelStudioOptions

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func run() throws {
      let options = labelStudio.tasksOptions(outputDirectory: out)
      let summary: TasksSummary
      do {
        summary = try makeLabelStudioProject(resultPaths: expandResultPaths(results), options: options)
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
