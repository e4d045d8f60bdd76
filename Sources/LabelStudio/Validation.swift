/// A problem that stops the project from working in Label Studio.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
  public var task: Int
  public var description: String
}

/// Checks, before anything is written, that every `$variable` the config
/// reads is in every task's data, and that every channel column is in each
/// task's CSV header (`headers[i]` for task `i`).
public func validate(config: LabelConfig, tasks: [LabelStudioTask], headers: [[String]]) -> [ConfigProblem] {
  var problems: [ConfigProblem] = []
  let variables = config.variables
  for (i, task) in tasks.enumerated() {
    for name in variables where task.data[name] == nil {
      problems.append(
        ConfigProblem(task: i, description: "task data has no '\(name)', which the config reads as $\(name)"))
    }
    if i < headers.count {
      let header = Set(headers[i])
      for column in [config.timeColumn] + config.channels where !header.contains(column) {
        problems.append(
          ConfigProblem(
            task: i,
            description: "its CSV has no column '\(column)' (it has \(headers[i].joined(separator: ", ")))"))
      }
    }
  }
  return problems
}
