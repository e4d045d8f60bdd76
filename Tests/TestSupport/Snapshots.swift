import Foundation

/// Golden-file snapshots of text outputs. A snapshot lives in
/// `__Snapshots__/<test file name>/<name>` beside the test file that checks
/// it, and is compared byte for byte after the caller's normalisation (see
/// `Snapshot.normalizing`).
///
/// Re-record with `MEDIAALIGN_RECORD_SNAPSHOTS=1 swift test --filter Snapshot`
/// and review the diff with `git diff -- '*/__Snapshots__/*'`. A missing
/// snapshot is written and the check fails once, so that a new snapshot is
/// always looked at before it is trusted.
public enum Snapshot {
  /// The environment variable that re-records every snapshot a run checks.
  public static let recordVariable = "MEDIAALIGN_RECORD_SNAPSHOTS"

  /// Compares `text` with the snapshot `name`; returns nil when they are
  /// equal, else a message naming the file and the first line that differs
  /// (or saying that the snapshot was recorded).
  public static func check(_ text: String, named name: String, testFile: StaticString = #filePath) -> String? {
    let testURL = URL(fileURLWithPath: "\(testFile)")
    let folder = testURL.deletingLastPathComponent()
      .appendingPathComponent("__Snapshots__")
      .appendingPathComponent(testURL.deletingPathExtension().lastPathComponent)
    let url = folder.appendingPathComponent(name)
    let recording = ProcessInfo.processInfo.environment[recordVariable] == "1"
    let stored = try? String(contentsOf: url, encoding: .utf8)  // nil: not recorded yet, handled below
    if !recording, let stored {
      return stored == text ? nil : difference(stored: stored, actual: text, file: url.path)
    }
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
      return "\(url.path): could not record the snapshot: \(error)"
    }
    if recording, stored == text { return nil }
    return "\(url.path): recorded (\(stored == nil ? "new" : "changed")); review it and run the tests again"
  }

  /// The first differing line of `stored` and `actual`, with line numbers.
  static func difference(stored: String, actual: String, file: String) -> String {
    let old = stored.split(separator: "\n", omittingEmptySubsequences: false)
    let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let line = zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(old.count, new.count)
    let was = line < old.count ? String(old[line]) : "(end of file)"
    let now = line < new.count ? String(new[line]) : "(end of file)"
    return """
      \(file): differs at line \(line + 1) (re-record with \(recordVariable)=1 if the change is intended)
        snapshot: \(was.prefix(300))
        actual:   \(now.prefix(300))
      """
  }

  /// `text` with each `replacements` key (for example a temporary folder) replaced
  /// by its value, longest key first. Integers stay exact. This keeps float
  /// noise of the last bits (FFTW's codelets differ between CPUs) out of
  /// snapshots while any change of a value's leading digits still fails.
  public static func normalizing(_ text: String, digits: Int? = 6, replacements: [String: String] = [:]) -> String {
    var result = text
    for (key, value) in replacements.sorted(by: { $0.key.count > $1.key.count }) {
      result = result.replacingOccurrences(of: key, with: value)
    }
    guard let digits else { return result }
    let pattern = try! NSRegularExpression(  // a literal pattern: cannot fail
      pattern: #"(?<![\w.:])-?\d+(\.\d+([eE][-+]?\d+)?|[eE][-+]?\d+)(?![\w.])"#)
    let source = result as NSString
    var pieces: [String] = []
    var last = 0
    for match in pattern.matches(in: result, range: NSRange(location: 0, length: source.length)) {
      pieces.append(source.substring(with: NSRange(location: last, length: match.range.location - last)))
      let literal = source.substring(with: match.range)
      if let value = Double(literal) {
        pieces.append(abs(value) < 1e-9 ? "0" : String(format: "%.\(digits)g", value))
      } else {
        pieces.append(literal)
      }
      last = match.range.location + match.range.length
    }
    pieces.append(source.substring(from: last))
    return pieces.joined()
  }
}
