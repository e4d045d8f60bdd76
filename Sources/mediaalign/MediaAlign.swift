import ArgumentParser

@main
struct MediaAlign: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mediaalign",
    abstract: "Put sensor time series and the video or audio recorded beside them on one clock.",
    discussion: """
      Results go to stdout, progress and errors to stderr. Exit codes: 0 success, \
      1 when a file failed, 64 for usage errors. The commands, the clock map and every JSON \
      format (with JSON Schemas) are documented in docs/ in the repository.
      """,
    version: "0.1.0",
    subcommands: [Align.self, Probe.self, EnvelopeCommand.self, Tasks.self, Report.self, Batch.self]
  )
}
