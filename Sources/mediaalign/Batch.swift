import AlignKit
import ArgumentParser
import Foundation
import LabelStudio
import Synchronization

extension MediaAlign {
  struct Batch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Align many recordings in parallel, resumably, then write the report and the Label Studio files.",
      discussion: """
        MANIFEST is a CSV (header: media,csv and optionally id,time_column,channel,time_format,time_unit,rate,start,skip_rows,comment) \
        or JSON (an array of objects with those keys); relative paths are taken from its folder. Or \
        --pair DIR pairs media files and CSVs that share a stem. Each item runs `mediaalign align` in its \
        own process and its result goes to DIR/results/ID.json (atomically); then DIR/report.html, \
        DIR/summary.md, DIR/labelstudio/ and DIR/batch.json. With --shard I/N only every N-th item from \
        the I-th (0-based) runs and the summary is batch-shard-I-of-N.json; a final run with --resume \
        (no --shard) reuses every finished result and writes the report and tasks. Exit code 1 when any \
        item failed or was rejected (they are listed), or a step failed.
        """
    )

    @Argument(help: "The manifest (.csv or .json).", completion: .file(extensions: ["csv", "json"]))
    var manifest: String?

    @Option(
      help: "Pair media files and CSVs sharing a stem in this folder (and below) instead of a manifest.",
      completion: .directory)
    var pair: String?

    @Option(help: "The output folder (created if missing).", completion: .directory)
    var out: String

    @Option(help: "Items at a time (default: the number of cores).")
    var jobs: Int = EnvelopeOptions.defaultThreads

    @Option(help: "Decoders per item (default: the cores divided by --jobs).")
    var threads: Int?

    @Option(help: "Seconds an item may run before it is stopped and listed as failed (0: no limit).")
    var itemTimeout: Double = BatchOptions.defaultItemTimeout

    @Flag(
      help:
        "Skip items whose result exists and whose inputs (size, mtime, first and last MiB) and options are unchanged.")
    var resume = false

    @Option(help: "Run only shard I of N (0-based): the items whose position modulo N is I.")
    var shard: String?

    @Flag(help: "No progress on stderr (failures are still listed at the end).")
    var quiet = false

    @Flag(help: "Do not write the HTML report and Markdown summary.")
    var noReport = false

    @Flag(help: "Do not write the Label Studio files.")
    var noTasks = false

    @Flag(help: "Print batch.json's content instead of the text summary (docs/schemas/batch.schema.json).")
    var json = false

    @Option(help: "The channel for every item (a manifest's channel cell wins): a column, mag(ax,ay,az) or auto.")
    var channel: String = "auto"

    @OptionGroup(title: "Sensor CSV options (a manifest's cells win)")
    var series: SeriesOptions

    @OptionGroup(title: "Search options")
    var search: EstimatorOptions

    @OptionGroup(title: "Label Studio options")
    var labelStudio: LabelStudioOptions

    @OptionGroup(title: "Sending to Label Studio (after the run)")
    var push: PushArguments

    func validate() throws {
      if push.url != nil && (noTasks || shard != nil) {
        throw ValidationError(
          "--push sends the Label Studio files: not with --no-tasks or --shard (push the merge run).")
      }
      guard (manifest == nil) != (pair == nil) else {
        throw ValidationError("Give a MANIFEST or --pair DIR (one of them).")
      }
      guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1.") }
      if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
      guard itemTimeout >= 0, itemTimeout.isFinite else {
        throw ValidationError("--item-timeout must be a number of seconds ≥ 0 (0: no limit); got \(itemTimeout).")
      }
      if let shard, Shard(shard) == nil {
        throw ValidationError("--shard must be I/N with 0 ≤ I < N, e.g. 0/4; got '\(shard)'.")
      }
    }

    func run() async throws {
      let plan: BatchPlan
      do {
        plan = try manifest.map(readManifest) ?? pairFolder(pair!)
      } catch {
        printError("\(error)")
        throw ExitCode.failure
      }
      var options = BatchOptions(outputDirectory: out, executable: currentExecutable())
      options.jobs = jobs
      options.threads = threads
      options.resume = resume
      options.itemTimeout = itemTimeout > 0 ? itemTimeout : nil
      options.shard = shard.flatMap(Shard.init)
      options.alignArguments = ["--channel", channel] + series.arguments + search.arguments
      options.report = !noReport
      options.tasks = noTasks ? nil : labelStudio.tasksOptions(outputDirectory: out)
      options.source = manifest ?? pair!
      for warning in plan.warnings { printWarning(warning) }

      var pushOptions = try push.options()
      if let asking = pushOptions, labelStudio.urlRoot == nil, labelStudio.urlPrefix == FileURLs.localFilesPrefix {
        // Asked before the run: a wrong server or token shows in a second, not after it.
        do {
          let root = try await labelStudioDocumentRoot(asking)
          options.tasks?.urlRoot = root
          pushOptions?.documentRoot = root
        } catch {
          printError("push: \(error)")
          throw ExitCode.failure
        }
      }
      let display = ProgressDisplay(quiet: quiet)
      var run: BatchRun
      do {
        run = try await runBatch(plan: plan, options: options) { display.handle($0) }
      } catch {
        display.stop()
        printError("\(error)")
        throw ExitCode.failure
      }
      display.stop()
      var pushProblem: String?
      if let pushOptions, var tasks = run.tasks {
        do {
          tasks.pushed = try await pushLabelStudioProjects(tasks, options: pushOptions)
          try writeTasksSummary(tasks, outputDirectory: (out as NSString).appendingPathComponent("labelstudio"))
          run.tasks = tasks
        } catch {
          pushProblem = "push: \(error)"
        }
      } else if pushOptions != nil {
        pushProblem = "push: no Label Studio files were made (no item aligned), nothing sent"
      }
      let summary = run.summary
      if json {
        print(try encodeJSON(summary))
      } else {
        print(BatchText.render(run, outputDirectory: out))
      }
      for item in summary.bad {
        printError("\(item.id) (\(item.source)): \(item.error ?? item.status.rawValue)")
      }
      for problem in summary.stepErrors { printError(problem) }
      if let pushProblem { printError(pushProblem) }
      if !summary.bad.isEmpty || !summary.stepErrors.isEmpty || pushProblem != nil { throw ExitCode.failure }
    }

    /// The executable that runs each item's `align`: this one, or the
    /// program `MEDIAALIGN_BATCH_CHILD` names (a wrapper that gets the same
    /// arguments: `nice`, a container launcher, or a test's stand-in).
    func currentExecutable() -> String {
      if let wrapper = ProcessInfo.processInfo.environment[Self.childVariable], !wrapper.isEmpty { return wrapper }
      return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static let childVariable = "MEDIAALIGN_BATCH_CHILD"

  }
}

/// The text summary on stdout.
enum BatchText {
  static func render(_ run: BatchRun, outputDirectory out: String) -> String {
    let s = run.summary
    var lines = [
      "batch\(s.shard.map { " shard \($0)" } ?? ""): \(s.total) item\(s.total == 1 ? "" : "s"): \(s.aligned) aligned, \(s.rejected) rejected, \(s.failed) failed"
        + (run.resumed > 0 ? " (\(run.resumed) reused with --resume)" : "")
    ]
    let folder = { (name: String) in (out as NSString).appendingPathComponent(name) }
    lines.append("results: \(folder("results"))/")
    if let report = s.report { lines.append("report: \(folder(report))") }
    if let markdown = s.markdown { lines.append("summary: \(folder(markdown))") }
    if let ls = s.labelStudio, let tasks = run.tasks {
      lines.append("label studio: \(folder(ls))/")
      lines += TasksText.render(tasks, listTasks: false).split(separator: "\n").map { "  " + $0 }
    }
    lines.append("batch summary: \(run.summaryFile)")
    if run.removedTemporaries > 0 {
      lines.append(
        "removed \(run.removedTemporaries) temporary file\(run.removedTemporaries == 1 ? "" : "s") of an interrupted run"
      )
    }
    return lines.joined(separator: "\n")
  }
}

/// Progress on stderr: a bar redrawn in place on a terminal, plain lines at
/// most every 5 s (and each failure) otherwise; nothing with --quiet.
final class ProgressDisplay: Sendable {
  struct State {
    var total = 0
    var done = 0
    var failed = 0
    var resumed = 0
    var start = Date()
    var lastLine = Date.distantPast
    var step: String?
    var stopped = false
  }

  let quiet: Bool
  let terminal: Bool
  let state = Mutex(State())

  init(quiet: Bool) {
    self.quiet = quiet
    terminal = isatty(STDERR_FILENO) == 1
    guard !quiet && terminal else { return }
    Thread { [self] in
      while !state.withLock({ $0.stopped }) {
        usleep(500_000)
        state.withLock { s in if !s.stopped { draw(s) } }
      }
    }.start()
  }

  func handle(_ event: BatchEvent) {
    guard !quiet else { return }
    state.withLock { s in
      switch event {
      case .started(let total):
        s.total = total
        s.start = Date()
      case .finished(let item, let resumed):
        s.done += 1
        if resumed { s.resumed += 1 }
        if item.status != .aligned {
          s.failed += 1
          emit(s, "\(item.id): \(item.status): \(item.error ?? "")")
        }
      case .step(let text):
        s.step = text
        emit(s, "\(text)…")
        return
      }
      if terminal {
        draw(s)
      } else if s.done == s.total || Date().timeIntervalSince(s.lastLine) >= 5 {
        s.lastLine = Date()
        write(line(s) + "\n")
      }
    }
  }

  func stop() {
    state.withLock { s in
      s.stopped = true
      if terminal && !quiet { write("\r\u{1B}[2K") }
    }
  }

  /// A message on its own line (above the bar on a terminal).
  private func emit(_ s: State, _ text: String) {
    write((terminal ? "\r\u{1B}[2K" : "") + "mediaalign: batch: \(text)\n")
    if terminal { draw(s) }
  }

  private func draw(_ s: State) {
    let width = 24
    let filled = s.total > 0 ? width * s.done / s.total : 0
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    write("\r\u{1B}[2K[\(bar)] " + line(s))
  }

  private func line(_ s: State) -> String {
    let elapsed = Date().timeIntervalSince(s.start)
    var text = "\(s.done)/\(s.total) done, \(s.failed) not aligned"
    if s.resumed > 0 { text += ", \(s.resumed) reused" }
    text += ", \(clock(elapsed)) elapsed"
    let worked = s.done - s.resumed
    if let step = s.step {
      text += ", \(step)"
    } else if worked > 0 && s.done < s.total {
      let perItem = elapsed / Double(worked)
      text += ", ETA \(clock(perItem * Double(s.total - s.done)))"
    }
    return text
  }

  private func clock(_ seconds: Double) -> String {
    let t = Int(seconds.rounded())
    return t >= 3600
      ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
  }

  private func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
