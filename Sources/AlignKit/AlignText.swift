import Foundation

/// The short human summary of `align`.
public enum AlignText {
  public static func render(_ result: AlignResult) -> String {
    let otherPath = result.series?.path ?? result.other?.path ?? "?"
    var lines: [String] = []
    lines.append(
      "\(otherPath) → \(result.media.path): \(result.status.rawValue), confidence \(String(format: "%.2f", result.confidence))"
    )
    let drift = result.driftPpm
    let clock =
      abs(drift) < 1
      ? "runs at the same rate"
      : "runs \(String(format: "%.0f", abs(drift))) ppm \(drift > 0 ? "slow" : "fast") (scale \(String(format: "%.6f", result.scale)))"
    if result.series != nil {
      let when =
        result.offset >= 0
        ? "\(String(format: "%.3f", result.offset)) s after the media started"
        : "\(String(format: "%.3f", -result.offset)) s before the media started"
      lines.append(
        "  the sensor's first row is at media time \(String(format: "%.3f", result.offset)) s (\(when)); its clock \(clock)"
      )
    } else {
      lines.append(
        "  t_ref = \(String(format: "%.4f", result.offset)) + \(String(format: "%.6f", result.scale)) × t_other; the other clock \(clock)"
      )
    }
    for (k, segment) in (result.segments ?? []).enumerated() {
      let jump = segment.jumpMs.map { String(format: ", media jumps %+.3f s", $0 / 1000) } ?? ""
      lines.append(
        "  segment \(k + 1): \(result.series == nil ? "t_other" : "t_csv") \(String(format: "%.3f", segment.csvStart))–\(String(format: "%.3f", segment.csvEnd)) s → media \(String(format: "%.3f", segment.mediaStart))–\(String(format: "%.3f", segment.mediaEnd)) s, offset \(String(format: "%.4f", segment.offset)), \(String(format: "%.0f", segment.driftPpm)) ppm\(jump)"
      )
    }
    if let u = result.uncertaintyMs {
      lines.append(
        "  uncertainty ±\(String(format: "%.1f", u)) ms over media \(String(format: "%.1f", result.overlap.mediaStart))–\(String(format: "%.1f", result.overlap.mediaEnd)) s"
      )
    }
    if let band = result.media.audioBand {
      let range = band.highHz.map { "\(hertz(band.lowHz))–\(hertz($0))" } ?? "above \(hertz(band.lowHz))"
      lines.append("  measured on the audio's \(range) band, which the sensor follows best")
    }
    let inliers = result.windows.filter(\.inlier).count
    lines.append("  windows agreeing: \(inliers) of \(result.windows.count)")
    if let written = result.correctedCsv { lines.append("  corrected CSV: \(written)") }
    for warning in result.warnings { lines.append("  warning: \(warning)") }
    return lines.joined(separator: "\n")
  }

  /// "200 Hz", "1.6 kHz".
  static func hertz(_ f: Double) -> String {
    f >= 1000 ? "\(String(format: "%g", f / 1000)) kHz" : "\(String(format: "%g", f)) Hz"
  }
}
