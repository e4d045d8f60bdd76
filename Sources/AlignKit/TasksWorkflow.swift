import Foundation
import LabelStudio
import MediaIO
import TimeSeries

/// Options for `makeLabelStudioProject`.
public struct TasksOptions: Sendable {
  public var outputDirectory: String
  /// Prepended to each file's path below `urlRoot` (docs/labelstudio.md; `FileURLs`).
  public var urlPrefix = FileURLs.localFilesPrefix
  /// The folder the prefix serves (Label Studio's `LOCAL_FILES_DOCUMENT_ROOT`);
  /// nil: the nearest folder strictly above every folder holding a file.
  public var urlRoot: String?
  public var labels = ["Event"]
  public var target = Target.native
  /// Channels for the config (lower-case names); nil: every numeric column
  /// that every corrected CSV has.
  public var channels: [String]?

  public init(outputDirectory: String) { self.outputDirectory = outputDirectory }
}

/// What `makeLabelStudioProject` wrote (`summary.json` in the output folder).
public struct TasksSummary: Sendable, Codable, Equatable {
  public struct Task: Sendable, Codable, Equatable {
    /// The result file (with `[i]` for an array's i-th result).
    public var result: String
    public var media: String
    public var csv: String
    public var correctedCsv: String
    public var mediaUrl: String
    public var csvUrl: String
    public var frameRate: Double?
    public var correction: CorrectionReport
    public var warnings: [String]
    /// The name of the project it is in.
    public var project: String
    /// Stable across runs: made from the media and CSV paths
    /// (`meta.mediaalign_id`), so a second push updates the task in place.
    public var id: String
  }

  public struct LeftOut: Sendable, Codable, Equatable {
    public var result: String
    /// The alignment was rejected (as opposed to an error making the task).
    public var rejected: Bool
    public var reason: String
  }

  /// One Label Studio project: the items that share a labeling config.
  public struct Project: Sendable, Codable, Equatable {
    /// What the items share: media kind and channels (`video-ax-ay-az`).
    public var name: String
    public var media: MediaKind
    public var channels: [String]
    /// The folder holding its config, import file and corrected CSVs: the
    /// output folder when there is one project, else a subfolder named `name`.
    public var folder: String
    public var config: String
    public var tasksFile: String
    public var taskCount: Int
  }

  /// The summary's format (`docs/schemas/tasks-summary.schema.json`).
  public var schemaVersion = Self.currentSchemaVersion
  public static let currentSchemaVersion = 2
  public var target: Target
  /// `media`, `config`, `tasks_file` and `channels` are the first (largest)
  /// project's; `projects` lists every one.
  public var media: MediaKind
  public var config: String
  public var tasksFile: String
  public var channels: [String]
  /// Every project's tasks.
  public var tasks: [Task]
  public var leftOut: [LeftOut]
  public var warnings: [String]
  public var projects: [Project]
  /// How to serve the files from the local disk (local-files URLs only).
  public var labelStudio: LocalHosting.Setup?
  /// What `--push` did, one entry per project.
  public var pushed: [PushReport]?

  /// Items that failed for a reason other than a rejected alignment.
  public var failures: [LeftOut] { leftOut.filter { !$0.rejected } }
}

/// One aligned result, read and checked, ready to become a task.
private struct Prepared {
  var label: String
  var result: AlignResult
  var mediaPath: String
  var csvPath: String
  var kind: MediaKind
  var frameRate: Double?
  /// How align read the CSV; it is read again when its copy is written, so
  /// only one CSV is in memory at a time however many items there are.
  var csvOptions: CSVOptions
  /// The corrected copy's numeric columns.
  var numericColumns: [String]
  var firstTime: Double
  var lastTime: Double
  var warnings: [String]
}

/// Writes a Label Studio project for aligned results into
/// `options.outputDirectory`: `config.xml`, `tasks.json` (the import file),
/// one corrected CSV per task (`STEM.aligned.csv`) and `summary.json`.
/// Rejected results and items that cannot be made are left out and listed;
/// the others are written. Throws only when nothing can be written.
public func makeLabelStudioProject(resultPaths: [String], options: TasksOptions) throws(AlignError) -> TasksSummary {
  let fileManager = FileManager.default
  let outputDirectory = options.outputDirectory
  do {
    try fileManager.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
  } catch {
    throw AlignError("\(outputDirectory): cannot create the output folder (\(error.localizedDescription))")
  }
  guard let outputFolder = realPath(outputDirectory) else {
    throw AlignError("\(outputDirectory): cannot resolve the output folder")
  }
  var explicitRoot: String?
  if let rootInput = options.urlRoot {
    guard let root = realPath(rootInput), isDirectory(root) else {
      throw AlignError("\(rootInput): --url-root must be an existing folder (the one Label Studio serves)")
    }
    explicitRoot = root
  }

  var leftOut: [TasksSummary.LeftOut] = []
  var prepared: [Prepared] = []
  for path in resultPaths {
    let results: [AlignResult]
    do { results = try readResults(path) } catch {
      leftOut.append(.init(result: path, rejected: false, reason: error.description))
      continue
    }
    for (i, result) in results.enumerated() {
      let label = results.count == 1 ? path : "\(path)[\(i)]"
      do {
        if let item = try prepare(try result.validated(label), label: label, resultPath: path) { prepared.append(item) }
      } catch {
        leftOut.append(.init(result: label, rejected: result.status != .aligned, reason: "\(error)"))
      }
    }
  }
  // Default root: the nearest folder above every folder holding a file
  // (Label Studio serves only strict subfolders of its document root).
  let root =
    explicitRoot ?? LocalHosting.documentRoot(forFolders: prepared.map { parentFolder($0.mediaPath) } + [outputFolder])
  let urls = FileURLs(prefix: options.urlPrefix, root: root)
  let groups = projectGroups(
    prepared, askedChannels: options.channels.map { $0.map { $0.lowercased() } }, leftOut: &leftOut)
  guard !groups.isEmpty else {
    let reasons = leftOut.map { "\($0.result): \($0.reason)" }.joined(separator: "; ")
    throw AlignError("no task to write: \(reasons.isEmpty ? "no results given" : reasons)")
  }
  var warnings: [String] = []
  var projects: [TasksSummary.Project] = []
  var written: [TasksSummary.Task] = []
  var usedFolders: Set<String> = []
  for group in groups {
    // One project: in the output folder itself; several: one subfolder each.
    let folderName = groups.count == 1 ? "" : uniqueFolderName(group.name, used: &usedFolders)
    let folder = folderName.isEmpty ? outputFolder : (outputFolder as NSString).appendingPathComponent(folderName)
    let made: (project: TasksSummary.Project, tasks: [TasksSummary.Task])
    do {
      made = try writeProject(group, folder: folder, urls: urls, options: options, leftOut: &leftOut)
    } catch {
      leftOut += group.items.map { .init(result: $0.label, rejected: false, reason: error.description) }
      continue
    }
    projects.append(made.project)
    written += made.tasks
    warnings += group.warnings
  }
  guard !written.isEmpty else {
    throw AlignError("no task to write: " + leftOut.map { "\($0.result): \($0.reason)" }.joined(separator: "; "))
  }
  let hosting = LocalHosting(root: root, files: written.flatMap { [$0.media, $0.correctedCsv] })
  if urls.isLocal { warnings += hosting.warnings }
  let main = projects[0]
  let summary = TasksSummary(
    target: options.target, media: main.media, config: main.config, tasksFile: main.tasksFile, channels: main.channels,
    tasks: written, leftOut: leftOut, warnings: warnings, projects: projects,
    labelStudio: urls.isLocal ? hosting.setup : nil)
  try writeTasksSummary(summary, outputDirectory: outputDirectory)
  return summary
}

/// Writes `summary.json` into the output folder (atomically).
public func writeTasksSummary(_ summary: TasksSummary, outputDirectory: String) throws(AlignError) {
  try writeFile(try encodeSummary(summary), to: (outputDirectory as NSString).appendingPathComponent("summary.json"))
}

/// Aligned items that share one labeling config: one media kind, one channel set.
private struct ProjectGroup {
  var kind: MediaKind
  var channels: [String]
  var items: [Prepared]
  var warnings: [String]
  /// What the items share, as a folder and project name: `video-ax-ay-az`.
  var name: String { ([kind.rawValue] + channels).joined(separator: "-") }
}

/// Splits the items into projects, so that no aligned item is dropped for
/// being unlike the others: by media kind (videos, audio-only files), then,
/// when no numeric column is in every CSV of a kind, by the CSVs' column
/// sets. Channels asked for (`--channels`) make one project per media kind;
/// an item without them is left out with the columns it has. Largest project
/// first.
private func projectGroups(
  _ prepared: [Prepared], askedChannels: [String]?, leftOut: inout [TasksSummary.LeftOut]
) -> [ProjectGroup] {
  var groups: [ProjectGroup] = []
  for kind in [MediaKind.video, .audio] {
    var items = prepared.filter { $0.kind == kind }
    guard !items.isEmpty else { continue }
    if let asked = askedChannels {
      items = items.filter { item in
        let missing = asked.filter { !item.numericColumns.contains($0) }
        guard missing.isEmpty else {
          leftOut.append(
            .init(
              result: item.label, rejected: false,
              reason:
                "\(item.csvPath) has no numeric column \(missing.map { "'\($0)'" }.joined(separator: ", ")) (it has \(item.numericColumns.joined(separator: ", ")))"
            ))
          return false
        }
        return true
      }
      if !items.isEmpty { groups.append(ProjectGroup(kind: kind, channels: asked, items: items, warnings: [])) }
      continue
    }
    let first = items[0].numericColumns
    let shared = first.filter { name in items.allSatisfy { $0.numericColumns.contains(name) } }
    if !shared.isEmpty {
      var warnings: [String] = []
      let partial = Set(items.flatMap(\.numericColumns)).subtracting(shared).sorted()
      if !partial.isEmpty {
        warnings.append(
          "\(kind == .video ? "video" : "audio") project: column\(partial.count == 1 ? "" : "s") \(partial.joined(separator: ", ")) \(partial.count == 1 ? "is" : "are") not in every CSV and left out of the config; name the channels with --channels"
        )
      }
      groups.append(ProjectGroup(kind: kind, channels: shared, items: items, warnings: warnings))
      continue
    }
    // Sensors of different kinds: one project per column set, in order of first appearance.
    var sets: [[String]] = []
    for item in items where !sets.contains(item.numericColumns) { sets.append(item.numericColumns) }
    for columns in sets {
      let members = items.filter { $0.numericColumns == columns }
      if columns.isEmpty {
        leftOut += members.map {
          .init(result: $0.label, rejected: false, reason: "\($0.csvPath) has no numeric column to show as a channel")
        }
      } else {
        groups.append(ProjectGroup(kind: kind, channels: columns, items: members, warnings: []))
      }
    }
  }
  return groups.enumerated().sorted { ($0.element.items.count, -$0.offset) > ($1.element.items.count, -$1.offset) }
    .map(\.element)
}

/// Writes one project's corrected CSVs, `config.xml` and `tasks.json` into
/// `folder`; items that cannot be made are left out. Throws when none can.
private func writeProject(
  _ group: ProjectGroup, folder: String, urls: FileURLs, options: TasksOptions, leftOut: inout [TasksSummary.LeftOut]
) throws(AlignError) -> (project: TasksSummary.Project, tasks: [TasksSummary.Task]) {
  do {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  } catch {
    throw AlignError("\(folder): cannot create the project folder (\(error.localizedDescription))")
  }
  let kind = group.kind
  let config = LabelConfig(target: options.target, media: kind, labels: options.labels, channels: group.channels)
  var tasks: [LabelStudioTask] = []
  var headers: [[String]] = []
  var written: [TasksSummary.Task] = []
  var usedNames: Set<String> = []
  for item in group.items {
    do {
      let name = uniqueName(stem: stem(item.csvPath), used: &usedNames)
      let corrected = (folder as NSString).appendingPathComponent(name)
      let result = item.result
      let mediaURL: String
      let csvURL: String
      do {
        mediaURL = try urls.url(forFile: item.mediaPath)
        csvURL = try urls.url(forFile: corrected)
      } catch {
        guard case .outsideRoot(let path, let root) = error else { throw error }
        let above = LocalHosting.documentRoot(forFolders: [root, parentFolder(path)])
        throw AlignError(
          "\(path) is outside \(root), the folder Label Studio serves (--url-root, or with --push the server's LOCAL_FILES_DOCUMENT_ROOT); move it below \(root), or serve a folder above both: --url-root \(above) with Label Studio started with LOCAL_FILES_DOCUMENT_ROOT=\(above)"
        )
      }
      let map = result.clockMap
      let table: TimeSeriesTable
      do { table = try CSVReader.read(path: item.csvPath, options: item.csvOptions) } catch {
        throw AlignError(error.description)
      }
      let report = try writeCorrectedCSV(table, map: map, to: corrected)
      var data: [String: JSONValue] = [LabelConfig.csvVariable: .string(csvURL)]
      switch options.target {
      case .native: data[kind.variable] = .string(mediaURL)
      case .legacy:
        data[kind.variable] = .string(
          LegacyPlayer(media: kind, url: mediaURL, map: map).html)
      }
      if kind == .video {
        data[LabelConfig.frameRateVariable] = .number(item.frameRate ?? LabelConfig.defaultFrameRate)
      }
      data["offset"] = .number(result.offset)
      data["scale"] = .number(result.scale)
      data["drift_ppm"] = .number(result.driftPpm)
      data["confidence"] = .number(result.confidence)
      let taskID = TaskIdentity.id(media: item.mediaPath, csv: item.csvPath)
      var meta: [String: JSONValue] = [
        "media_path": .string(item.mediaPath), "csv_path": .string(item.csvPath),
        "corrected_csv": .string(corrected), "result": .string(item.label),
        "csv_origin": .number(result.csvOrigin), "status": .string(result.status.rawValue),
        TaskIdentity.metaKey: .string(taskID),
      ]
      if let uncertainty = result.uncertaintyMs { meta["uncertainty_ms"] = .number(uncertainty) }
      if let channel = result.series?.channel { meta["aligned_channel"] = .string(channel) }
      tasks.append(LabelStudioTask(data: data, meta: meta))
      headers.append(report.header)
      written.append(
        .init(
          result: item.label, media: item.mediaPath, csv: item.csvPath, correctedCsv: corrected, mediaUrl: mediaURL,
          csvUrl: csvURL, frameRate: kind == .video ? item.frameRate : nil, correction: report,
          warnings: item.warnings + coverageWarnings(item, report: report), project: group.name, id: taskID))
    } catch {
      leftOut.append(.init(result: item.label, rejected: false, reason: "\(error)"))
    }
  }
  guard !tasks.isEmpty else { throw AlignError("no task could be made for the \(group.name) project") }

  // Validation before the config and the import file are written.
  let problems = validate(config: config, tasks: tasks, headers: headers)
  if let problem = problems.first {
    throw AlignError("\(written[problem.task].result): \(problem.description); nothing written but the corrected CSVs")
  }
  let configPath = (folder as NSString).appendingPathComponent("config.xml")
  let tasksPath = (folder as NSString).appendingPathComponent("tasks.json")
  try writeFile(Data(config.xml.utf8), to: configPath)
  try writeFile(try encodeTasks(tasks), to: tasksPath)
  let project = TasksSummary.Project(
    name: group.name, media: kind, channels: group.channels, folder: folder, config: configPath, tasksFile: tasksPath,
    taskCount: tasks.count)
  return (project, written)
}

/// The results in a file: one `align --json` object or an array of them.
func readResults(_ path: String) throws(AlignError) -> [AlignResult] {
  ProtectedInputs.shared.protect(path)
  guard let data = FileManager.default.contents(atPath: path) else {
    throw AlignError("cannot read the result file; check the path")
  }
  let decoder = jsonDecoder()
  let isArray = data.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "[")
  do {
    return isArray
      ? try decoder.decode([AlignResult].self, from: data) : [try decoder.decode(AlignResult.self, from: data)]
  } catch {
    throw AlignError(
      "not an align result (\(decodingProblem(error))); make it with `mediaalign align MEDIA CSV --json > FILE`")
  }
}

private func decodingProblem(_ error: any Error) -> String {
  switch error {
  case DecodingError.keyNotFound(let key, _): return "no '\(key.stringValue)' field"
  case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
    return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
  case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
    return "invalid value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
  case DecodingError.dataCorrupted: return "not valid JSON"
  default: return "\(error)"
  }
}

/// Reads and checks one result's inputs; nil never, throws with the reason it is left out.
private func prepare(_ result: AlignResult, label: String, resultPath: String) throws -> Prepared? {
  guard result.status == .aligned else {
    throw AlignError(
      "alignment rejected: \(result.reason ?? "not confident") (confidence \(String(format: "%.2f", result.confidence)))"
    )
  }
  guard let series = result.series else {
    throw AlignError("a media-to-media result; tasks needs the result of `align MEDIA CSV`")
  }
  let resultFolder = (resultPath as NSString).deletingLastPathComponent
  let mediaPath = try resolveInput(result.media.path, relativeTo: resultFolder, what: "media file")
  let csvPath = try resolveInput(series.path, relativeTo: resultFolder, what: "CSV")
  let info: MediaInfo
  do { info = try probeMedia(path: mediaPath) } catch { throw AlignError(error.description) }
  let options = try series.readOptions()
  let table: TimeSeriesTable
  do { table = try CSVReader.read(path: csvPath, options: options) } catch { throw AlignError(error.description) }
  if let first = table.times.first, abs(first - result.csvOrigin) > 1e-6 * max(1, abs(first)) {
    throw AlignError(
      "\(csvPath): its first time (\(first)) is not the result's csv_origin (\(result.csvOrigin)): the CSV or its options changed since align ran; align again"
    )
  }
  let kind: MediaKind = info.firstVideo != nil ? .video : .audio
  var warnings = info.warnings
  if kind == .video, info.firstVideo?.frameRate == nil {
    warnings.append(
      "\(mediaPath): the video states no frame rate and its frames could not be timed; fps is Label Studio's default 24, so frame numbers may be off"
    )
  }
  return Prepared(
    label: label, result: result, mediaPath: mediaPath, csvPath: csvPath, kind: kind,
    frameRate: info.firstVideo?.frameRate, csvOptions: options, numericColumns: numericColumnNames(table),
    firstTime: table.times.first ?? 0, lastTime: table.times.last ?? 0, warnings: warnings)
}

/// Warns when the sensor covers under half of the media.
private func coverageWarnings(_ item: Prepared, report: CorrectionReport) -> [String] {
  guard let duration = item.result.media.duration, duration > 0 else { return [] }
  let (first, last) = (item.firstTime, item.lastTime)
  let map = item.result.clockMap
  let covered = max(0, min(duration, map.mediaTime(last)) - max(0, map.mediaTime(first)))
  let share = covered / duration
  guard share < 0.5 else { return [] }
  return [
    "the sensor covers \(String(format: "%.0f", share * 100)) % of the media (\(String(format: "%.1f", covered)) of \(String(format: "%.1f", duration)) s); the rest of the time series is flat"
  ]
}

/// The corrected CSV's numeric columns, as named in its header.
private func numericColumnNames(_ table: TimeSeriesTable) -> [String] {
  // As the corrected copy names them (entirely empty columns are dropped there).
  var used = Set(correctedTimeColumns)
  var names: [String] = []
  for column in table.columns {
    switch column.values {
    case .numeric(let numbers):
      guard numbers.contains(where: { !$0.isNaN }) else { continue }
      names.append(correctedColumnName(column.name, used: &used))
    case .text(let texts):
      guard texts.contains(where: { !$0.isEmpty }) else { continue }
      _ = correctedColumnName(column.name, used: &used)
    }
  }
  return names
}

func resolveInput(_ path: String, relativeTo folder: String, what: String) throws(AlignError) -> String {
  if path == CSVReader.standardInput {
    throw AlignError(
      "the result's \(what) was read from stdin and cannot be read again; save it to a file and run align on that file")
  }
  var candidates = [path]
  if !path.hasPrefix("/") && !folder.isEmpty { candidates.append((folder as NSString).appendingPathComponent(path)) }
  for candidate in candidates {
    if let real = realPath(candidate), !isDirectory(real) {
      ProtectedInputs.shared.protect(real)
      return real
    }
  }
  throw AlignError(
    "\(path): the result's \(what) is not found (looked in the current folder\(candidates.count > 1 ? " and beside the result" : "")); run tasks from the folder align ran in"
  )
}

private func parentFolder(_ path: String) -> String { (path as NSString).deletingLastPathComponent }

private func stem(_ path: String) -> String {
  ((path as NSString).lastPathComponent as NSString).deletingPathExtension
}

/// A folder name made of `[A-Za-z0-9._-]` (others become `_`; no leading
/// `.`), at most 60 characters, unique among `used`.
private func uniqueFolderName(_ name: String, used: inout Set<String>) -> String {
  let safe = String(
    name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" }.prefix(60))
  let visible = safe.hasPrefix(".") ? "_" + safe.dropFirst() : safe
  return unique(used: &used) { k in k.map { "\(visible)-\($0)" } ?? visible }
}

private func uniqueName(stem: String, used: inout Set<String>) -> String {
  unique(used: &used) { k in k.map { "\(stem)-\($0).aligned.csv" } ?? "\(stem).aligned.csv" }
}

/// The first of `name(nil)`, `name(2)`, `name(3)`, … not in `used`, added to it.
private func unique(used: inout Set<String>, _ name: (Int?) -> String) -> String {
  var candidate = name(nil)
  var k = 2
  while used.contains(candidate) {
    candidate = name(k)
    k += 1
  }
  used.insert(candidate)
  return candidate
}

private func writeFile(_ data: Data, to path: String) throws(AlignError) {
  do { try AtomicFile.write(data, to: path) } catch {
    throw AlignError(error.description)
  }
}

/// `tasks.json`: an array of tasks, keys sorted, slashes unescaped.
func encodeTasks(_ tasks: [LabelStudioTask]) throws(AlignError) -> Data {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  do { return try encoder.encode(tasks) } catch { throw AlignError("cannot encode the tasks: \(error)") }
}

private func encodeSummary(_ summary: TasksSummary) throws(AlignError) -> Data {
  do { return try jsonData(summary) } catch { throw AlignError("cannot encode the summary: \(error)") }
}
