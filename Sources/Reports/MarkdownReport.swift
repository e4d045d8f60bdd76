/// The Markdown summary for pipelines and pull requests.
public enum MarkdownReport {
  public static func render(_ entries: [ReportEntry]) -> String {
    let aligned = entries.filter(\.aligned).count
    let warned = entries.filter { $0.aligned && !$0.warnings.isEmpty }.count
    var out = "# MediaAlign summary\n\n"
    out +=
      "\(entries.count) result\(entries.count == 1 ? "" : "s"): \(aligned - warned) aligned, \(warned) aligned with warnings, \(entries.count - aligned) rejected.\n\n"
    out += "| status | confidence | media | sensor / other | offset (s) | drift (ppm) | ± (ms) | note |\n"
    out += "|---|---|---|---|---|---|---|---|\n"
    let ordered = entries.sorted { a, b in a.rank != b.rank ? a.rank < b.rank : a.confidence < b.confidence }
    for e in ordered {
      let status = !e.aligned ? "rejected" : (e.warnings.isEmpty ? "aligned" : "aligned, warnings")
      let note = !e.aligned ? (e.reason ?? "not confident") : e.warnings.joined(separator: "; ")
      out +=
        "| \(status) | \(fixed(e.confidence, 2)) | \(Escape.markdown(e.mediaPath)) | \(Escape.markdown(e.otherPath)) | "
      out +=
        "\(fixed(e.offset, 3)) | \(fixed(e.driftPpm, 0)) | \(e.uncertaintyMs.map { fixed($0, 1) } ?? "–") | \(Escape.markdown(note)) |\n"
    }
    return out
  }
}
