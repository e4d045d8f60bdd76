import Foundation
import LabelStudio
import TimeSeries

/// Where and how `--push` sends the projects `tasks` wrote.
public struct PushOptions: Sendable {
  /// The server, e.g. `http://localhost:8080`.
  public var url: String
  public var token: String
  /// A project title to create or reuse, or a numeric project id; nil:
  /// `MediaAlign FOLDER` after the output folder (the same folder reuses
  /// the same project).
  public var project: String?
  /// The server's `LOCAL_FILES_DOCUMENT_ROOT` when already asked
  /// (`labelStudioDocumentRoot`); nil: the push asks.
  public var documentRoot: String?

  public init(url: String, token: String, project: String? = nil) {
    self.url = url
    self.token = token
    self.project = project
  }
}

/// What a push did to one project.
public struct PushReport: Sendable, Codable, Equatable {
  /// The MediaAlign project's name (`TasksSummary.Project.name`).
  public var name: String
  public var projectId: Int
  public var title: String
  /// The project's page: `BASE/projects/ID/data`.
  public var url: String
  /// The project was made by this push (not found by title or id).
  public var created: Bool
  /// Local Storage paths the project has for the files (added or reused).
  public var storages: [String]
  /// Tasks imported as new.
  public var imported: Int
  /// Tasks already there (same `mediaalign_id`) whose data was updated;
  /// their annotations are untouched.
  public var updated: Int
  /// Tasks in the project that this push did not name (left as they are).
  public var untouched: Int
}

/// Label Studio limits a project title to 50 characters.
let maximumTitleLength = 50

/// Sends every project of `summary` to a running Label Studio: validates
/// its config, creates or reuses the project (updating its config), adds or
/// reuses a Local Storage for each folder holding its files and syncs it,
/// then imports the new tasks and updates the ones it has by their
/// `meta.mediaalign_id`. Annotations are never touched and no task is
/// deleted. A served file is fetched back, so a wrong document root is found
/// here rather than in the labeling page.
public func pushLabelStudioProjects(_ summary: TasksSummary, options: PushOptions) async throws(AlignError)
  -> [PushReport]
{
  let api = try await connect(options)
  if let hosting = summary.labelStudio {
    let served: String
    if let known = options.documentRoot { served = known } else { served = try await documentRoot(api) }
    if let outside = hosting.folders.first(where: { !LocalHosting.isStrictlyBelow($0, served) }) {
      throw AlignError(
        "\(outside) is not inside the folder the Label Studio at \(api.base) serves (its LOCAL_FILES_DOCUMENT_ROOT \(served)); start it with LOCAL_FILES_SERVING_ENABLED=true LOCAL_FILES_DOCUMENT_ROOT=\(LocalHosting.documentRoot(forFolders: hosting.folders))"
      )
    }
    if served != hosting.documentRoot {
      throw AlignError(
        "the URLs were made for --url-root \(hosting.documentRoot), but the Label Studio at \(api.base) serves \(served) (its LOCAL_FILES_DOCUMENT_ROOT); run again with --url-root \(served), or without --url-root (--push then takes the server's), or start it with LOCAL_FILES_DOCUMENT_ROOT=\(hosting.documentRoot)"
      )
    }
  }
  let projectID = options.project.flatMap { Int($0) }
  if projectID != nil && summary.projects.count > 1 {
    throw AlignError(
      "--project \(options.project!) names one Label Studio project, but these results make \(summary.projects.count) (\(summary.projects.map(\.name).joined(separator: ", "))); give a title instead, one project is made per config"
    )
  }
  let base = options.project ?? defaultTitle(summary)
  var reports: [PushReport] = []
  for project in summary.projects {
    let title = projectTitle(base: base, project: project, of: summary.projects.count)
    do {
      reports.append(
        try await push(
          project, tasks: summary.tasks.filter { $0.project == project.name }, api: api,
          target: projectID.map(Target.id) ?? .title(title),
          hosting: summary.labelStudio))
    } catch {
      throw AlignError("push of the \(project.name) project: \(error)")
    }
  }
  return reports
}

/// The folder the Label Studio at `options.url` serves local files from
/// (its `LOCAL_FILES_DOCUMENT_ROOT`): the `--url-root` that `--push` uses
/// when none is given.
public func labelStudioDocumentRoot(_ options: PushOptions) async throws(AlignError) -> String {
  try await documentRoot(try await connect(options))
}

private func connect(_ options: PushOptions) async throws(AlignError) -> LabelStudioAPI {
  do { return try await LabelStudioAPI(base: options.url, token: options.token) } catch {
    throw AlignError(error.description)
  }
}

/// Asked with any project the token sees; a server without one gets a
/// short-lived project to ask with, deleted right after.
private func documentRoot(_ api: LabelStudioAPI) async throws(AlignError) -> String {
  do {
    let listed = try await api.call("GET", "/api/projects/", query: ["page_size": "1"])
    if let id = (listed["results"]?.arrayValue ?? listed.arrayValue)?.first?["id"]?.intValue {
      return try await api.documentRoot(project: id)
    }
    let made = try await api.call(
      "POST", "/api/projects/", body: .object(["title": .string("MediaAlign: reading the document root")]))
    guard let id = made["id"]?.intValue else {
      throw APIError.unexpected(request: "POST /api/projects/", what: "no project id in the answer")
    }
    let asked: Result<String, APIError>
    do { asked = .success(try await api.documentRoot(project: id)) } catch { asked = .failure(error) }
    _ = try await api.call("DELETE", "/api/projects/\(id)/")
    return try asked.get()
  } catch {
    throw AlignError("\(error)")
  }
}

private enum Target {
  case id(Int)
  case title(String)
}

/// `MediaAlign PARENT/FOLDER` after the folder `tasks` wrote into (a
/// batch's `labelstudio/` names its batch folder instead).
private func defaultTitle(_ summary: TasksSummary) -> String {
  let first = summary.projects[0].folder
  let folder = summary.projects.count == 1 ? first : (first as NSString).deletingLastPathComponent
  var parts = folder.split(separator: "/").map(String.init)
  if parts.last == "labelstudio" { parts.removeLast() }
  return "MediaAlign \(parts.suffix(2).joined(separator: "/"))"
}

/// `BASE (video: ax, ay)` within Label Studio's 50 characters: the base is
/// cut first, so what tells the projects apart stays.
func projectTitle(base: String, project: TasksSummary.Project, of count: Int) -> String {
  guard count > 1 else { return String(base.prefix(maximumTitleLength)) }
  var suffix = " (\(project.media.rawValue): \(project.channels.joined(separator: ", ")))"
  if suffix.count > maximumTitleLength - 12 { suffix = String(suffix.prefix(maximumTitleLength - 14)) + "…)" }
  let room = maximumTitleLength - suffix.count
  let cut = base.count > room ? String(base.prefix(room - 1)) + "…" : base
  return cut + suffix
}

private func push(
  _ project: TasksSummary.Project, tasks: [TasksSummary.Task], api: LabelStudioAPI, target: Target,
  hosting: LocalHosting.Setup?
) async throws -> PushReport {
  let config: String
  do { config = try String(contentsOfFile: project.config, encoding: .utf8) } catch {
    throw AlignError("\(project.config): cannot read the config (\(error.localizedDescription))")
  }
  let file: [LabelStudioTask]
  do {
    file = try JSONDecoder().decode(
      [LabelStudioTask].self, from: Data(contentsOf: URL(fileURLWithPath: project.tasksFile)))
  } catch {
    throw AlignError("\(project.tasksFile): cannot read the tasks (\(error.localizedDescription))")
  }
  _ = try await api.call("POST", "/api/projects/validate/", body: .object(["label_config": .string(config)]))

  // The project: by id, or by title (created when none has it).
  var id: Int
  var created = false
  var title: String
  switch target {
  case .id(let number):
    let found = try await api.call("GET", "/api/projects/\(number)/")
    id = number
    title = found["title"]?.stringValue ?? "\(number)"
  case .title(let wanted):
    title = wanted
    if let found = try await projects(api).first(where: { $0["title"]?.stringValue == wanted }),
      let number = found["id"]?.intValue
    {
      id = number
    } else {
      let made = try await api.call(
        "POST", "/api/projects/", body: .object(["title": .string(wanted), "label_config": .string(config)]))
      guard let number = made["id"]?.intValue else {
        throw AlignError("POST /api/projects/: no project id in the answer")
      }
      id = number
      created = true
    }
  }
  if !created {
    // Label Studio refuses a config that drops labels its annotations use, and says so.
    _ = try await api.call("PATCH", "/api/projects/\(id)/", body: .object(["label_config": .string(config)]))
  }

  // Local Storage: one per folder not covered by a storage the project has.
  var storages: [String] = []
  if let hosting {
    let existing = try await api.call("GET", "/api/storages/localfiles/", query: ["project": "\(id)"]).arrayValue ?? []
    let paths = existing.compactMap { $0["path"]?.stringValue }
    for folder in hosting.storagePaths {
      if let covering = paths.first(where: { folder == $0 || LocalHosting.isStrictlyBelow(folder, $0) }) {
        storages.append(covering)
        continue
      }
      // The storage only grants access: tasks come by import, so its sync
      // (which checks the folder) picks no file (`(?!)` matches nothing).
      let made = try await api.call(
        "POST", "/api/storages/localfiles/",
        body: .object([
          "project": .integer(id), "path": .string(folder),
          "title": .string(String("MediaAlign \(folder)".prefix(256))),
          "use_blob_urls": .bool(false), "regex_filter": .string("(?!)"),
        ]))
      guard let storage = made["id"]?.intValue else {
        throw AlignError("POST /api/storages/localfiles/: no storage id")
      }
      _ = try await api.call("POST", "/api/storages/localfiles/\(storage)/sync")
      storages.append(folder)
    }
  }

  // Tasks: update those with a known mediaalign_id, import the others.
  var known: [String: Int] = [:]
  var total = 0
  var page = 1
  while true {
    let answer: JSONValue
    do {
      answer = try await api.call(
        "GET", "/api/tasks/", query: ["project": "\(id)", "page": "\(page)", "page_size": "100", "fields": "all"])
    } catch {
      guard error.status == 404 else { throw error }
      break  // past the last page
    }
    let batch = answer["tasks"]?.arrayValue ?? []
    for task in batch {
      total += 1
      if let key = task["meta"]?[TaskIdentity.metaKey]?.stringValue, let number = task["id"]?.intValue {
        known[key] = number
      }
    }
    if batch.count < 100 { break }
    page += 1
  }
  var fresh: [LabelStudioTask] = []
  var updated = 0
  for task in file {
    guard let key = task.meta[TaskIdentity.metaKey]?.stringValue, let number = known[key] else {
      fresh.append(task)
      continue
    }
    _ = try await api.call(
      "PATCH", "/api/tasks/\(number)/", body: .object(["data": .object(task.data), "meta": .object(task.meta)]))
    updated += 1
  }
  if !fresh.isEmpty {
    _ = try await api.call("POST", "/api/projects/\(id)/import", body: .array(fresh.map(\.json)))
  }

  // One file served back: a wrong LOCAL_FILES_DOCUMENT_ROOT shows here.
  if hosting != nil, let first = tasks.first {
    do {
      _ = try await api.send("GET", first.csvUrl, headers: ["Range": "bytes=0-63"])
    } catch {
      guard let status = error.status else { throw error }
      throw AlignError(
        "Label Studio does not serve \(first.correctedCsv) at \(first.csvUrl) (HTTP \(status)); start it with LOCAL_FILES_SERVING_ENABLED=true LOCAL_FILES_DOCUMENT_ROOT=\(hosting!.documentRoot), the --url-root the URLs were made for"
      )
    }
  }
  return PushReport(
    name: project.name, projectId: id, title: title, url: "\(api.base)/projects/\(id)/data", created: created,
    storages: storages, imported: fresh.count, updated: updated, untouched: total - updated)
}

/// Every project the token can see (the list is paginated).
private func projects(_ api: LabelStudioAPI) async throws(APIError) -> [JSONValue] {
  var all: [JSONValue] = []
  var page = 1
  while true {
    let answer = try await api.call("GET", "/api/projects/", query: ["page": "\(page)", "page_size": "100"])
    let batch = answer["results"]?.arrayValue ?? answer.arrayValue ?? []
    all += batch
    guard answer["next"] != nil, answer["next"] != .null, !batch.isEmpty else { break }
    page += 1
  }
  return all
}

extension LabelStudioTask {
  var json: JSONValue { .object(["data": .object(data), "meta": .object(meta)]) }
}
