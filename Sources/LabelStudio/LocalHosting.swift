/// How Label Studio serves files from the local disk, by its own rules
/// (`io_storages/localfiles`, Label Studio 1.23):
///
/// - it serves `/data/local-files/?d=REL` as `LOCAL_FILES_DOCUMENT_ROOT/REL`,
///   only with `LOCAL_FILES_SERVING_ENABLED=true`;
/// - only to a user of a project with a Local Storage whose path is a prefix
///   of the file's folder;
/// - a Local Storage path must exist and be strictly below the document root:
///   the root itself is refused.
///
/// `LocalHosting` turns the files a project uses into the document root and
/// the storage paths that serve them. Paths are absolute, without symbolic
/// links or a trailing `/`.
public struct LocalHosting: Sendable, Equatable {
  /// What to tell Label Studio (`summary.json`'s `label_studio`).
  public struct Setup: Sendable, Codable, Equatable {
    /// `LOCAL_FILES_DOCUMENT_ROOT` (the `--url-root` the URLs were made for).
    public var documentRoot: String
    /// The Local Storage paths to add to the project: the fewest folders
    /// that hold every file, each strictly below the document root.
    public var storagePaths: [String]
    /// The environment to start Label Studio with.
    public var environment: [String: String]
    /// Every folder holding a file, none inside another (a folder not
    /// strictly below the root is missing from `storagePaths`).
    public var folders: [String]
  }

  public var root: String
  /// Folders holding the files, without any below another one.
  public var folders: [String]

  public init(root: String, files: [String]) {
    self.root = Self.trimmed(root)
    folders = Self.covering(files.map(Self.parent))
  }

  /// The storage paths that Label Studio accepts (below the root).
  public var storagePaths: [String] { folders.filter { Self.isStrictlyBelow($0, root) } }

  public var setup: Setup {
    Setup(
      documentRoot: root, storagePaths: storagePaths,
      environment: ["LOCAL_FILES_SERVING_ENABLED": "true", "LOCAL_FILES_DOCUMENT_ROOT": root], folders: folders)
  }

  /// One line per folder Label Studio cannot serve, with the root to use instead.
  public var warnings: [String] {
    folders.filter { !Self.isStrictlyBelow($0, root) }.map { folder in
      let better = Self.documentRoot(forFolders: folders)
      let reason =
        folder == root
        ? "is the --url-root itself, and Label Studio refuses its document root as a Local Storage path"
        : "is outside the --url-root \(root)"
      return
        "\(folder) \(reason); pass --url-root \(better) (the default) and start Label Studio with LOCAL_FILES_DOCUMENT_ROOT=\(better)"
    }
  }

  /// The deepest folder strictly above every one of `folders`: their common
  /// ancestor, or its parent when it is one of them (`/` at most).
  public static func documentRoot(forFolders folders: [String]) -> String {
    let trimmed = folders.map(trimmed)
    guard var common = trimmed.first else { return "/" }
    for folder in trimmed.dropFirst() {
      while !(folder == common || isStrictlyBelow(folder, common)) { common = parent(common) }
    }
    if trimmed.contains(common) { common = parent(common) }
    return common
  }

  /// `path` is inside `folder` and not `folder` itself.
  public static func isStrictlyBelow(_ path: String, _ folder: String) -> Bool {
    folder == "/" ? path != "/" && path.hasPrefix("/") : path.hasPrefix(folder + "/")
  }

  /// The folders without those inside another one, sorted.
  static func covering(_ folders: [String]) -> [String] {
    let unique = Set(folders.map(trimmed)).sorted()
    return unique.filter { folder in !unique.contains { isStrictlyBelow(folder, $0) } }
  }

  static func parent(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/"), path != "/" else { return "/" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  static func trimmed(_ path: String) -> String {
    path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
  }
}
