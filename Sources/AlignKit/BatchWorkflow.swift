import Foundation
import LabelStudio
import Synchronization
import TimeSeries

/// Options for `runBatch`.
public struct BatchOptions: Sendable {
  /// The folder for `results/`, `batch.json`, the report and `labelstudio/`.
  public var outputDirectory: String
  /// The `mediaalign` executable that runs each item (`align … --json`).
  public var executable: String
  /// Items at a time.
  public var jobs = EnvelopeOptions.defaultThreads
  /// Decoders per item (default: the cores shared out among the jobs).
  public var threads: Int?
  public var resume = false
  /// Seconds an item's `align` may run before its process group is killed
  /// and the item fails (nil: no limit).
  public var itemTimeout: Double? = BatchOptions.defaultItemTimeout
  /// Two hours: several times what a 2-hour recording takes on one core.
  public static let defaultItemTimeout = 7200.0
  public var shard: Shard?
  /// `align` options for every item (per-item manifest cells replace the
  /// matching ones): e.g. `["--channel", "auto", "--min-overlap", "0.3"]`.
  public var alignArguments: [String] = []
  public var report = true
  /// Label Studio options; the files go to `DIR/labelstudio` whatever
  /// `outputDirectory` they name.
  public var tasks: TasksOptions?
  /// Where the manifest or pairing folder came from (for batch.json).
  public var source = ""

  public init(outputDirectory: String, executable: String) {
    self.outputDirectory = outputDirectory
    self.executable = executable
  }

  /// The shard to run; nil for all items (`0/1` is all items too).
  var activeShard: Shard? { shard.flatMap { $0.count > 1 ? $0 : nil } }

  var threadsPerItem: Int { threads ?? max(1, EnvelopeOptions.defaultThreads / max(1, jobs)) }
  /// Envelopes shared by the items and the report (`.cache/envelopes`).
  var envelopeCacheFolder: String {
    ((outputDirectory as NSString).appendingPathComponent(".cache") as NSString).appendingPathComponent("envelopes")
  }
}

/// `batch.json`: what happened to every item. It holds nothing that changes
/// from run to run (no timings), so a resumed batch writes the same file.
/// What became of one batch item (`status` in `batch.json`).
public enum BatchItemStatus: String, Sendable, Codable, Equatable {
  case aligned, rejected
  /// No result: the item's inputs or its `align` run failed.
  case failed
}

public struct BatchSummary: Sendable, Codable, Equatable {
  public struct Item: Sendable, Codable, Equatable {
    public var id: String
    public var source: String
    public var media: String
    public var csv: String
    public var status: BatchItemStatus
    /// The result file, relative to the output folder.
    public var result: String?
    public var error: String?
    public var offset: Double?
    public var scale: Double?
    public var confidence: Double?
  }

  public var source: String
  public var shard: String?
  public var total: Int
  public var aligned: Int
  public var rejected: Int
  public var failed: Int
  public var items: [Item]
  public var warnings: [String]
  /// Files written after the items (relative to the output folder).
  public var report: String?
  public var markdown: String?
  public var labelStudio: String?
  /// Problems of the report and tasks steps (items left out of the tasks for
  /// a reason other than their own failure, or a step that failed).
  public var stepErrors: [String]
  /// Added: the version of this format (`docs/schemas/batch.schema.json`).
  public var schemaVersion: Int? = BatchSummary.currentSchemaVersion
  public static let currentSchemaVersion = 1

  /// The items that did not align: failed or rejected.
  public var bad: [Item] { items.filter { $0.status != .aligned } }
}

/// What a run reports beyond `batch.json`.
public struct BatchRun: Sendable {
  public var summary: BatchSummary
  public var summaryFile: String
  /// Items skipped by `--resume` (their result was current).
  public var resumed: Int
  /// Stale temporary files of a killed run that were removed.
  public var removedTemporaries: Int
  /// What the Label Studio step wrote (nil when it did not run or failed).
  public var tasks: TasksSummary?
}

/// Progress events, delivered from worker threads.
public enum BatchEvent: Sendable {
  case started(total: Int)
  case finished(BatchSummary.Item, resumed: Bool)
  case step(String)
}

/// Runs every item of `plan` (its shard) — `jobs` child `mediaalign align`
/// processes at a time, so a crash in one item cannot take the others with
/// it — writing `results/ID.json` atomically as each finishes; then (unless
/// sharded) the report and the Label Studio files; then `batch.json`.
public func runBatch(
  plan: BatchPlan, options: BatchOptions, progress: @escaping @Sendable (BatchEvent) -> Void
) async throws(AlignError) -> BatchRun {
  let out = options.outputDirectory
  let resultsFolder = (out as NSString).appendingPathComponent("results")
  let labelFolder = (out as NSString).appendingPathComponent("labelstudio")
  do {
    try FileManager.default.createDirectory(atPath: resultsFolder, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      atPath: (out as NSString).appendingPathComponent(".cache"), withIntermediateDirectories: true)
  } catch {
    throw AlignError("\(out): cannot create the output folder (\(error.localizedDescription))")
  }
  let lock = try OutputLock(
    folder: (out as NSString).appendingPathComponent(".cache"),
    name: (summaryFileName(options) as NSString).deletingPathExtension, output: out)
  let removed = [out, resultsFolder, labelFolder, options.envelopeCacheFolder].reduce(0) {
    $0 + removeStaleTemporaries(in: $1)
  }
  let items = options.activeShard?.select(plan.items) ?? plan.items
  // Every item's inputs, whatever shard runs them: no file batch writes may be one.
  ProtectedInputs.shared.protect(plan.items.flatMap { [$0.media, $0.csv] })
  for name in [summaryFileName(options), "report.html", "summary.md"] {
    let own = (out as NSString).appendingPathComponent(name)
    if let input = ProtectedInputs.shared.input(sameAs: own) {
      throw AlignError(
        "\(own): is an input of this batch (\(input)), and batch writes its \(name) there; choose another --out folder")
    }
  }
  progress(.started(total: items.count))

  // The items, `jobs` at a time, on plain threads (each mostly waits for its child).
  let outcomes = Mutex([BatchSummary.Item?](repeating: nil, count: items.count))
  let resumedCount = Mutex(0)
  let nextIndex = Mutex(0)
  // Largest inputs first, so a long recording does not run alone at the end
  // while the other workers idle; but each media file's first item before any
  // repeat, so two workers do not decode the same file at once (the second
  // finds its envelope in the cache). Results and batch.json keep manifest order.
  var seen: [String: Int] = [:]
  let repeatRank = items.map { item -> Int in
    defer { seen[item.media, default: 0] += 1 }
    return seen[item.media] ?? 0
  }
  let bytes = items.map(inputBytes)
  let order = items.indices.sorted { a, b in
    if repeatRank[a] != repeatRank[b] { return repeatRank[a] < repeatRank[b] }
    return bytes[a] != bytes[b] ? bytes[a] > bytes[b] : a < b
  }
  let workers = min(max(1, options.jobs), max(1, items.count))
  let running = DispatchGroup()
  for _ in 0..<workers {
    running.enter()
    Thread {
      while true {
        let index: Int? = nextIndex.withLock { next in
          guard next < order.count else { return nil }
          defer { next += 1 }
          return order[next]
        }
        guard let index else { break }
        let (item, resumed) = runItem(items[index], resultsFolder: resultsFolder, options: options)
        outcomes.withLock { $0[index] = item }
        if resumed { resumedCount.withLock { $0 += 1 } }
        progress(.finished(item, resumed: resumed))
      }
      running.leave()
    }.start()
  }
  await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
    running.notify(queue: .global()) { done.resume() }
  }
  let finished = outcomes.withLock { $0 }.compactMap { $0 }

  var tasks: TasksSummary?
  var summary = BatchSummary(
    source: options.source, shard: options.activeShard.map(\.description), total: finished.count,
    aligned: finished.filter { $0.status == .aligned }.count,
    rejected: finished.filter { $0.status == .rejected }.count, failed: finished.filter { $0.status == .failed }.count,
    items: finished, warnings: plan.warnings, stepErrors: [])

  if options.activeShard == nil {
    let resultFiles = finished.compactMap { item in item.result.map { (out as NSString).appendingPathComponent($0) } }
    if options.report && !resultFiles.isEmpty {
      progress(.step("writing the report"))
      var reportOptions = ReportOptions(output: (out as NSString).appendingPathComponent("report.html"))
      reportOptions.markdown = (out as NSString).appendingPathComponent("summary.md")
      reportOptions.jobs = max(1, options.jobs)
      reportOptions.threads = options.threadsPerItem
      reportOptions.envelopeCache = options.envelopeCacheFolder
      do {
        let made = try await makeReport(resultPaths: resultFiles, options: reportOptions)
        summary.report = "report.html"
        summary.markdown = "summary.md"
        summary.stepErrors += made.failures.map { "report: \($0.path): \($0.reason)" }
      } catch {
        summary.stepErrors.append("report: \(error.description)")
      }
    }
    if var tasksOptions = options.tasks {
      let alignedSeries = finished.filter { $0.status == .aligned && isSeriesPath($0.csv) }
        .compactMap { item in item.result.map { (out as NSString).appendingPathComponent($0) } }
      if !alignedSeries.isEmpty {
        progress(.step("writing the Label Studio files"))
        tasksOptions.outputDirectory = labelFolder
        do {
          let made = try makeLabelStudioProject(resultPaths: alignedSeries, options: tasksOptions)
          tasks = made
          summary.labelStudio = "labelstudio"
          summary.stepErrors += made.failures.map { "tasks: \($0.result): \($0.reason)" }
        } catch {
          summary.stepErrors.append("tasks: \(error.description)")
        }
      }
    }
  }

  let name = summaryFileName(options)
  let summaryFile = (out as NSString).appendingPathComponent(name)
  do {
    try AtomicFile.write(try jsonData(summary), to: summaryFile)
  } catch {
    throw AlignError("cannot write the batch summary: \(error)")
  }
  lock.release()
  return BatchRun(
    summary: summary, summaryFile: summaryFile, resumed: resumedCount.withLock { $0 }, removedTemporaries: removed,
    tasks: tasks)
}

/// `batch.json`, or a shard's `batch-shard-I-of-N.json`.
private func summaryFileName(_ options: BatchOptions) -> String {
  options.activeShard.map { "batch-shard-\($0.index)-of-\($0.count).json" } ?? "batch.json"
}

/// The bytes an item reads (0 for a missing file): a proxy for its work.
private func inputBytes(_ item: BatchItem) -> Int64 {
  [item.media, item.csv].reduce(Int64(0)) { total, path in
    var info = stat()
    return total + (stat(path, &info) == 0 ? Int64(info.st_size) : 0)
  }
}

/// The `align` command line for an item (without `--threads`, which does
/// not change the result): the batch's options, then the item's own cells.
func alignCommand(for item: BatchItem, options: BatchOptions) -> [String] {
  var arguments = ["align", item.media, item.csv, "--json"]
  var shared = options.alignArguments
  func set(_ flag: String, _ value: String?) {
    guard let value else { return }
    var i = 0
    while i < shared.count {
      if shared[i] == flag && i + 1 < shared.count { shared.removeSubrange(i...(i + 1)) } else { i += 1 }
    }
    shared += [flag, value]
  }
  set("--time-column", item.timeColumn)
  set("--channel", item.channel)
  set("--time-format", item.timeFormat)
  set("--time-unit", item.timeUnit)
  set("--rate", item.rate)
  set("--start", item.start)
  set("--skip-rows", item.skipRows)
  set("--comment", item.comment)
  arguments += shared
  return arguments
}

/// Runs (or, with `--resume`, reuses) one item; never throws: every problem
/// becomes a failed item with its reason.
private func runItem(_ item: BatchItem, resultsFolder: String, options: BatchOptions) -> (BatchSummary.Item, Bool) {
  let resultName = "results/\(item.id).json"
  let resultPath = (resultsFolder as NSString).appendingPathComponent("\(item.id).json")
  var outcome = BatchSummary.Item(
    id: item.id, source: item.source, media: item.media, csv: item.csv, status: .failed, result: nil, error: nil)
  func fail(_ reason: String) -> (BatchSummary.Item, Bool) {
    // A result from an earlier run must not outlive a failure now.
    unlink(resultPath)
    outcome.error = reason
    return (outcome, false)
  }
  func finish(_ result: AlignResult) -> BatchSummary.Item {
    var done = outcome
    done.status = result.status == .aligned ? .aligned : .rejected
    done.result = resultName
    done.offset = result.offset
    done.scale = result.scale
    done.confidence = result.confidence
    if result.status != .aligned { done.error = "alignment rejected: \(result.reason ?? "not confident")" }
    return done
  }
  if let problem = item.problem { return fail(problem) }

  let command = alignCommand(for: item, options: options)
  let record = BatchRecord(
    id: item.id, command: command, inputs: [InputFingerprint(path: item.media), InputFingerprint(path: item.csv)])
  // An unreadable or damaged earlier result is simply aligned again.
  if options.resume, let data = FileManager.default.contents(atPath: resultPath),
    let previous = try? jsonDecoder().decode(AlignResult.self, from: data), previous.batch == record,
    previous.problem == nil
  {
    return (finish(previous), true)
  }

  let child: ChildOutcome
  do {
    child = try ChildProcess.run(
      executable: options.executable,
      arguments: command + ["--threads", "\(options.threadsPerItem)", "--envelope-cache", options.envelopeCacheFolder],
      timeout: options.itemTimeout)
  } catch {
    return fail("\(error)")
  }
  if child.timedOut {
    return fail(
      "align ran longer than --item-timeout (\(Int(options.itemTimeout ?? 0)) s) and was stopped; run `mediaalign \(command.joined(separator: " "))` alone to see why, or raise --item-timeout"
    )
  }
  if let signal = child.signal {
    return fail(
      "align stopped by signal \(signal) (\(signal == SIGKILL ? "killed, perhaps out of memory" : "a crash")); run `mediaalign \(command.joined(separator: " "))` alone to see"
    )
  }
  // No result on stdout: align failed, and its own error line (stderr) is the item's error.
  guard var result = try? jsonDecoder().decode(AlignResult.self, from: child.stdout) else {
    let lines = child.stderr.split(separator: "\n").map(String.init)
    let message = lines.last(where: { $0.contains("error:") }) ?? lines.last ?? "align exited with \(child.status)"
    let prefix = "mediaalign: error: "
    return fail(message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message)
  }
  if let problem = result.problem { return fail("align's result: \(problem)") }
  result.batch = record
  do {
    try AtomicFile.write(try jsonData(result), to: resultPath)
  } catch {
    return fail("\(resultPath): cannot write the result (\(error))")
  }
  return (finish(result), false)
}
