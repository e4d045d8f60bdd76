import Foundation
import TimeSeries

/// One recording of a batch: a media file and the CSV (or second media
/// file) to align to it, with per-item reading options.
public struct BatchItem: Sendable, Codable, Equatable {
  /// Unique in the batch; names `results/ID.json`.
  public var id: String
  /// Absolute paths (relative ones in a manifest are taken from its folder).
  public var media: String
  public var csv: String
  public var timeColumn: String?
  public var channel: String?
  public var timeFormat: String?
  public var timeUnit: String?
  /// Added: `--rate`, `--start`, `--skip-rows` and `--comment` for this item.
  public var rate: String?
  public var start: String?
  public var skipRows: String?
  public var comment: String?
  /// Where the item was declared (`manifest.csv:12`), for messages.
  public var source: String
  /// Set when the declaration itself is unusable: the item fails with it.
  public var problem: String?

  public init(
    id: String = "", media: String, csv: String, timeColumn: String? = nil, channel: String? = nil,
    timeFormat: String? = nil, timeUnit: String? = nil, source: String, problem: String? = nil
  ) {
    self.id = id
    self.media = media
    self.csv = csv
    self.timeColumn = timeColumn
    self.channel = channel
    self.timeFormat = timeFormat
    self.timeUnit = timeUnit
    self.source = source
    self.problem = problem
  }
}

/// The items of a batch, and what was noticed while reading them.
public struct BatchPlan: Sendable {
  public var items: [BatchItem]
  /// Non-fatal: unused manifest columns, unpaired files.
  public var warnings: [String]
}

/// Why a manifest or a pairing folder cannot be used at all.
public struct ManifestError: Error, CustomStringConvertible, Sendable {
  public var description: String
}

/// The manifest's columns (or JSON keys), with accepted spellings.
enum ManifestField: String, CaseIterable {
  case id, media, csv
  case timeColumn = "time_column"
  case channel
  case timeFormat = "time_format"
  case timeUnit = "time_unit"
  case rate, start
  case skipRows = "skip_rows"
  case comment

  static func named(_ name: String) -> ManifestField? {
    let key = name.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "_")
      .replacingOccurrences(of: " ", with: "_")
    switch key {
    case "video", "audio", "media_path": return .media
    case "sensor", "series", "csv_path", "other": return .csv
    case "timecolumn": return .timeColumn
    case "timeformat": return .timeFormat
    case "timeunit": return .timeUnit
    case "skiprows", "skip": return .skipRows
    case "rate_hz": return .rate
    default: return ManifestField(rawValue: key)
    }
  }
}

/// Reads a manifest: a CSV with a header naming `media` and `csv` (and
/// optionally `id`, `time_column`, `channel`, `time_format`, `time_unit`,
/// `rate`, `start`, `skip_rows`, `comment`),
/// or JSON — an array of objects with those keys, or `{"items": [...]}`.
/// Relative paths are taken from the manifest's folder.
public func readManifest(_ path: String) throws(ManifestError) -> BatchPlan {
  ProtectedInputs.shared.protect(path)
  let folder = absoluteFolder(of: path)
  let isJSON = URL(fileURLWithPath: path).pathExtension.lowercased() == "json"
  var plan = isJSON ? try readJSONManifest(path, folder: folder) : try readCSVManifest(path, folder: folder)
  plan.items = assignIDs(plan.items)
  return plan
}

private func absoluteFolder(of path: String) -> URL {
  URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
}

private func resolve(_ path: String, in folder: URL) -> String {
  let expanded = (path as NSString).expandingTildeInPath
  if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL.path }
  return URL(fileURLWithPath: expanded, relativeTo: folder).standardizedFileURL.path
}

private func makeItem(_ values: [ManifestField: String], source: String, folder: URL) -> BatchItem {
  func value(_ field: ManifestField) -> String? {
    guard let text = values[field]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
    return text
  }
  var item = BatchItem(
    id: value(.id) ?? "", media: value(.media).map { resolve($0, in: folder) } ?? "",
    csv: value(.csv).map { resolve($0, in: folder) } ?? "", timeColumn: value(.timeColumn), channel: value(.channel),
    timeFormat: value(.timeFormat), timeUnit: value(.timeUnit), source: source)
  item.rate = value(.rate)
  item.start = value(.start)
  item.skipRows = value(.skipRows)
  // A comment character may be the only thing in its cell: keep "#" as is.
  item.comment = values[.comment].flatMap { $0.isEmpty ? nil : $0 }
  let missing = [ManifestField.media, .csv].filter { value($0) == nil }.map(\.rawValue)
  if !missing.isEmpty {
    item.problem = "no \(missing.joined(separator: " and ")) path; fill in the cell\(missing.count == 1 ? "" : "s")"
  }
  return item
}

private func readCSVManifest(_ path: String, folder: URL) throws(ManifestError) -> BatchPlan {
  let records: [CSVRecords.Record]
  do { records = try CSVRecords.read(path: path) } catch { throw ManifestError(description: error.description) }
  guard let header = records.first else { throw ManifestError(description: "\(path): the manifest is empty") }
  var columns: [(Int, ManifestField)] = []
  var unused: [String] = []
  for (i, name) in header.fields.enumerated() {
    if let field = ManifestField.named(name) { columns.append((i, field)) } else { unused.append(name) }
  }
  let named = Set(columns.map(\.1))
  guard named.contains(.media), named.contains(.csv) else {
    throw ManifestError(
      description:
        "\(path): line \(header.line): the header needs 'media' and 'csv' columns (it has \(header.fields.map { "'\($0)'" }.joined(separator: ", "))); add a header row such as media,csv,time_column,channel"
    )
  }
  var warnings: [String] = []
  if !unused.isEmpty {
    warnings.append(
      "\(path): column\(unused.count == 1 ? "" : "s") \(unused.map { "'\($0)'" }.joined(separator: ", ")) not used (known: \(ManifestField.allCases.map(\.rawValue).joined(separator: ", ")))"
    )
  }
  let name = (path as NSString).lastPathComponent
  let items = records.dropFirst().map { record in
    var values: [ManifestField: String] = [:]
    for (i, field) in columns where i < record.fields.count { values[field] = record.fields[i] }
    return makeItem(values, source: "\(name):\(record.line)", folder: folder)
  }
  guard !items.isEmpty else { throw ManifestError(description: "\(path): the manifest has a header but no items") }
  return BatchPlan(items: items, warnings: warnings)
}

private func readJSONManifest(_ path: String, folder: URL) throws(ManifestError) -> BatchPlan {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw ManifestError(description: "\(path): cannot read the manifest; check the path")
  }
  let object: Any
  do { object = try JSONSerialization.jsonObject(with: data) } catch {
    throw ManifestError(
      description: "\(path): not valid JSON; a manifest is an array of {\"media\": …, \"csv\": …} objects")
  }
  let list: [Any]
  if let array = object as? [Any] {
    list = array
  } else if let items = (object as? [String: Any])?["items"] as? [Any] {
    list = items
  } else {
    throw ManifestError(description: "\(path): expected an array of items or {\"items\": [...]}")
  }
  let name = (path as NSString).lastPathComponent
  var unused = Set<String>()
  var items: [BatchItem] = []
  for (i, element) in list.enumerated() {
    let source = "\(name)[\(i)]"
    guard let dictionary = element as? [String: Any] else {
      items.append(
        BatchItem(media: "", csv: "", source: source, problem: "\(source): not an object with media and csv"))
      continue
    }
    var values: [ManifestField: String] = [:]
    for (key, value) in dictionary {
      guard let field = ManifestField.named(key) else {
        unused.insert(key)
        continue
      }
      if let text = value as? String {
        values[field] = text
      } else if let number = value as? NSNumber {
        values[field] = number.stringValue
      }
    }
    items.append(makeItem(values, source: source, folder: folder))
  }
  guard !items.isEmpty else { throw ManifestError(description: "\(path): the manifest has no items") }
  var warnings: [String] = []
  if !unused.isEmpty {
    warnings.append(
      "\(path): key\(unused.count == 1 ? "" : "s") \(unused.sorted().map { "'\($0)'" }.joined(separator: ", ")) not used (known: \(ManifestField.allCases.map(\.rawValue).joined(separator: ", ")))"
    )
  }
  return BatchPlan(items: items, warnings: warnings)
}

/// Media extensions `--pair` looks for.
let pairMediaExtensions: Set<String> = [
  "mp4", "m4v", "mov", "mkv", "webm", "avi", "mts", "m2ts", "wav", "mp3", "m4a", "aac", "flac", "ogg", "oga", "opus",
]

/// Pairs media files and CSVs in `folder` (and its subfolders) that share a
/// stem in the same folder. Unpaired files are warnings; a stem with two
/// media files or two CSVs is an item that fails with the reason.
public func pairFolder(_ folder: String) throws(ManifestError) -> BatchPlan {
  let root = URL(fileURLWithPath: folder).standardizedFileURL
  guard isDirectory(root.path) else {
    throw ManifestError(description: "\(folder): --pair needs an existing folder of media files and CSVs")
  }
  guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
    throw ManifestError(description: "\(folder): cannot list the folder")
  }
  // Relative stem (folder/stem) → media and CSV files.
  var media: [String: [String]] = [:]
  var series: [String: [String]] = [:]
  while let relative = enumerator.nextObject() as? String {
    let name = (relative as NSString).lastPathComponent
    if name.hasPrefix(".") { continue }
    let ext = (name as NSString).pathExtension.lowercased()
    let stem = ((relative as NSString).deletingPathExtension)
    if name.hasSuffix(".aligned.csv") { continue }
    if pairMediaExtensions.contains(ext) {
      media[stem, default: []].append(relative)
    } else if isSeriesPath(name) {
      series[stem, default: []].append(relative)
    }
  }
  var items: [BatchItem] = []
  var warnings: [String] = []
  for stem in Set(media.keys).union(series.keys).sorted() {
    let m = (media[stem] ?? []).sorted()
    let c = (series[stem] ?? []).sorted()
    guard !m.isEmpty, !c.isEmpty else {
      let lonely = m.isEmpty ? c : m
      warnings.append(
        "\(lonely.joined(separator: ", ")): no \(m.isEmpty ? "media file" : "CSV") with the stem '\((stem as NSString).lastPathComponent)'; not in the batch"
      )
      continue
    }
    var item = BatchItem(
      id: stem.replacingOccurrences(of: "/", with: "_"), media: root.appendingPathComponent(m[0]).path,
      csv: root.appendingPathComponent(c[0]).path, source: "\(folder)/\(stem)")
    if m.count > 1 || c.count > 1 {
      item.problem =
        "\(folder)/\(stem): \((m.count > 1 ? m : c).joined(separator: " and ")) share a stem; rename one or use a manifest"
    }
    items.append(item)
  }
  guard !items.isEmpty else {
    throw ManifestError(description: "\(folder): no media file and CSV share a stem (e.g. walk1.mp4 + walk1.csv)")
  }
  return BatchPlan(items: assignIDs(items), warnings: warnings)
}

/// Gives every item a unique, file-safe id: its own, or the CSV's stem;
/// repeats get `-2`, `-3`, … in manifest order.
func assignIDs(_ items: [BatchItem]) -> [BatchItem] {
  var used = Set<String>()
  return items.map { item in
    var item = item
    let base = safeID(
      item.id.isEmpty ? ((item.csv as NSString).lastPathComponent as NSString).deletingPathExtension : item.id)
    var id = base
    var k = 2
    while used.contains(id) {
      id = "\(base)-\(k)"
      k += 1
    }
    used.insert(id)
    item.id = id
    return item
  }
}

private func safeID(_ text: String) -> String {
  var out = String(
    text.unicodeScalars.map { scalar -> Character in
      let c = Character(scalar)
      return c.isLetter || c.isNumber || c == "-" || c == "_" || c == "." ? c : "_"
    })
  while out.hasPrefix(".") { out.replaceSubrange(out.startIndex...out.startIndex, with: "_") }
  return out.isEmpty ? "item" : String(out.prefix(120))
}

/// `--shard I/N`: the items whose position in the plan is I modulo N
/// (0-based I, as Slurm array ids and Kubernetes completion indexes are).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
  public var index: Int
  public var count: Int

  public init?(_ text: String) {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, index >= 0, index < count
    else { return nil }
    self.index = index
    self.count = count
  }

  public func select(_ items: [BatchItem]) -> [BatchItem] {
    items.enumerated().filter { $0.offset % count == index }.map(\.element)
  }

  public var description: String { "\(index)/\(count)" }
}
