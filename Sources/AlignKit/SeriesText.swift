import Foundation
import TimeSeries

/// The human-readable form of `probe SERIES.csv`.
public enum SeriesText {
  public static func render(_ info: SeriesInfo) -> String {
    let delimiter = info.delimiter == "\t" ? "tab" : "'\(info.delimiter)'"
    var lines = [
      "\(info.path): CSV (\(delimiter)-separated), \(info.rows) rows, columns \(info.columns.joined(separator: ", "))"
    ]
    let time = info.time
    if let summary = info.layout?.summary { lines.append("  \(summary)") }
    var timing = "  time: " + (time.column.map { "column '\($0)'" } ?? info.layout?.timesFrom ?? "from --rate")
    timing += ", \(stamp(time.start)) … \(stamp(time.end)) (\(String(format: "%.3f", time.end - time.start)) s)"
    if let rate = time.rateHz { timing += String(format: ", %.3f Hz", rate) }
    if let jitter = time.jitterMs { timing += String(format: ", jitter %.3f ms", jitter) }
    timing += time.gaps.isEmpty ? ", no gaps" : ", \(time.gaps.count) gaps"
    lines.append(timing)
    if let note = time.unitNote { lines.append("  time unit: \(note); --time-unit overrides") }
    for gap in time.gaps.prefix(5) {
      lines.append("  gap: \(String(format: "%.3f", gap.duration)) s after \(stamp(gap.start))")
    }
    if time.gaps.count > 5 { lines.append("  … \(time.gaps.count - 5) more gaps") }
    if !info.missing.isEmpty {
      lines.append(
        "  missing cells: "
          + info.missing.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
    if !info.textColumns.isEmpty { lines.append("  text columns: " + info.textColumns.joined(separator: ", ")) }
    for warning in info.warnings { lines.append("  warning: \(warning)") }
    return lines.joined(separator: "\n")
  }

  /// Seconds, with the UTC date-time too when they look like epoch seconds.
  static func stamp(_ seconds: Double) -> String {
    let plain = String(format: "%.3f", seconds)
    guard seconds > 946_684_800, seconds < 4_102_444_800 else { return plain }  // 2000 – 2100
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return "\(plain) (\(formatter.string(from: Date(timeIntervalSince1970: seconds))))"
  }
}
