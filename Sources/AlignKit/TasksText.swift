/// The human summary of `tasks`.
public enum TasksText {
  /// `listTasks: false` (batch) names projects, left-out items and the push, not each task.
  public static func render(_ summary: TasksSummary, listTasks: Bool = true) -> String {
    var lines: [String] = []
    let count = summary.tasks.count
    let projects = summary.projects.count
    lines.append(
      "wrote \(count) task\(count == 1 ? "" : "s") for Label Studio (\(summary.target.rawValue))"
        + (projects == 1 ? "" : " in \(projects) projects, one per config") + ":")
    for project in summary.projects {
      lines.append(
        "project \(project.name) (\(project.taskCount) task\(project.taskCount == 1 ? "" : "s")): \(project.config), \(project.tasksFile)"
      )
      lines.append("  channels: \(project.channels.joined(separator: ", "))")
      for task in summary.tasks where listTasks && task.project == project.name {
        var line = "  \(task.media) + \(task.csv) -> \(task.correctedCsv)"
        if let fps = task.frameRate { line += " (\(fps) fps)" }
        lines.append(line)
        for warning in task.warnings { lines.append("    warning: \(warning)") }
      }
    }
    if let setup = summary.labelStudio {
      lines.append(
        "serve with: LOCAL_FILES_SERVING_ENABLED=true LOCAL_FILES_DOCUMENT_ROOT=\(setup.documentRoot) label-studio start"
      )
      lines.append("local storage: \(setup.storagePaths.joined(separator: ", "))")
    }
    for report in summary.pushed ?? [] {
      lines.append(
        "pushed \(report.name): \(report.url) (project \(report.projectId) '\(report.title)'\(report.created ? ", created" : ""); \(report.imported) imported, \(report.updated) updated\(report.untouched > 0 ? ", \(report.untouched) other task\(report.untouched == 1 ? "" : "s") kept" : ""))"
      )
    }
    for warning in summary.warnings { lines.append("warning: \(warning)") }
    lines += leftOutLines(summary.leftOut)
    return lines.joined(separator: "\n")
  }

  /// `left out N:` and one line per item with its reason (none when empty).
  public static func leftOutLines(_ leftOut: [TasksSummary.LeftOut]) -> [String] {
    guard !leftOut.isEmpty else { return [] }
    return ["left out \(leftOut.count):"] + leftOut.map { "  \($0.result): \($0.reason)" }
  }
}
