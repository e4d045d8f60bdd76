/// The human summary of `tasks`.
public enum TasksText {
  public static func render(_ summary: TasksSummary) -> String {
    var lines: [String] = []
    let count = summary.tasks.count
    lines.append(
      "wrote \(count) task\(count == 1 ? "" : "s") for Label Studio (\(summary.target.rawValue), \(summary.media.rawValue)): \(summary.config), \(summary.tasksFile)")
    lines.append("channels: \(summary.channels.joined(separator: ", "))")
    for task in summary.tasks {
      var line = "  \(task.media) + \(task.csv) -> \(task.correctedCsv)"
      if let fps = task.frameRate { line += " (\(fps) fps)" }
      lines.append(line)
      for warning in task.warnings { lines.append("    warning: \(warning)") }
    }
    for warning in summary.warnings { lines.append("warning: \(warning)") }
    if !summary.leftOut.isEmpty {
      lines.append("left out \(summary.leftOut.count):")
      for item in summary.leftOut { lines.append("  \(item.result): \(item.reason)") }
    }
    return lines.joined(separator: "\n")
  }
}
