/// A sensor channel to align: one numeric column (by name or 0-based index
/// among all columns), or the Euclidean magnitude of several,
/// `mag(ax,ay,az)` = √(ax² + ay² + az²).
public enum ChannelSpec: Sendable, Equatable, CustomStringConvertible {
  case column(String)
  case magnitude([String])

  /// Parses `name`, `3` or `mag(a,b,c)`.
  public init(_ text: String) {
    let trimmed = text.trimmingSpaces
    let lower = trimmed.lowercased()
    if lower.hasPrefix("mag(") && lower.hasSuffix(")") {
      let inner = trimmed.dropFirst(4).dropLast()
      self = .magnitude(inner.split(separator: ",").map { String($0).trimmingSpaces })
    } else {
      self = .column(trimmed)
    }
  }

  public var description: String {
    switch self {
    case .column(let name): return name
    case .magnitude(let names): return "mag(\(names.joined(separator: ",")))"
    }
  }
}

extension TimeSeriesTable {
  /// Every column name, the time column included, in file order.
  public var allColumnNames: [String] {
    var names = columns.map(\.name)
    if let timeColumn { names.insert(timeColumn, at: min(timeColumnPosition ?? 0, names.count)) }
    return names
  }

  /// The numeric column `reference` names (exact name, then
  /// case-insensitive, then a 0-based index among all columns).
  public func numericColumn(_ reference: String) throws(SeriesError) -> (name: String, values: [Double]) {
    let column: SeriesColumn?
    if let named = self.column(named: reference) {
      column = named
    } else if let index = Int(reference), index >= 0, index < allColumnNames.count {
      column = self.column(named: allColumnNames[index])
      if column == nil {
        throw .badFormat(
          path: path,
          message:
            "column \(index) ('\(MessageText.cell(allColumnNames[index]))') is the time column; name a sensor channel")
      }
    } else {
      throw .missingColumn(path: path, name: reference, available: allColumnNames)
    }
    guard let column, let numbers = column.numbers else {
      throw .badFormat(
        path: path, message: "column '\(MessageText.cell(reference))' holds text, not numbers; name a numeric channel")
    }
    return (column.name, numbers)
  }

  /// The values of a channel, one per row (NaN where a cell is missing).
  public func channel(_ spec: ChannelSpec) throws(SeriesError) -> [Double] {
    switch spec {
    case .column(let name):
      return try numericColumn(name).values
    case .magnitude(let names):
      guard !names.isEmpty else {
        throw .badFormat(path: path, message: "mag() needs column names, e.g. mag(ax,ay,az)")
      }
      var sum = [Double](repeating: 0, count: rowCount)
      for name in names {
        let values = try numericColumn(name).values
        for i in sum.indices { sum[i] += values[i] * values[i] }
      }
      for i in sum.indices { sum[i] = sum[i].squareRoot() }
      return sum
    }
  }
}

extension TimeSeriesTable {
  /// The numeric columns that form an axis triple, x, y and z in that
  /// order: names equal but for one axis letter that stands as its own
  /// token or ends a name (`ax`, `acc_x`, `Acceleration x (m/s^2)`,
  /// `Shimmer_5E1E_Accel_LN_X_CAL`, `Accelerometer X`), or, for
  /// accelerometer and gyroscope names only, one digit 0/1/2
  /// (`Accel Channel 0`, `gyro1`…). Each triple once, in file order.
  public var axisTriples: [[String]] {
    let numeric = columns.filter { $0.numbers != nil }.map(\.name)
    var lowered: [String: String] = [:]
    for name in numeric where lowered[name.lowercased()] == nil { lowered[name.lowercased()] = name }
    var out: [[String]] = []
    var used: Set<String> = []
    for name in numeric where !used.contains(name) {
      let characters = Array(name)
      for (i, c) in characters.enumerated() {
        let axes: [Character]
        switch c {
        case "x", "X": axes = c == "x" ? ["y", "z"] : ["Y", "Z"]
        case "0":
          let lower = name.lowercased()
          guard lower.contains("acc") || lower.contains("gyr") else { continue }
          axes = ["1", "2"]
        default: continue
        }
        // A letter must not be inside a word ("max"), unless it ends the
        // name after a lowercase stem ("accX", "ax").
        if c != "0" {
          let before = i > 0 ? characters[i - 1] : " "
          let after = i + 1 < characters.count ? characters[i + 1] : " "
          let standsAlone = !before.isLetter && !after.isLetter
          let ends = i + 1 == characters.count || !after.isLetter && !after.isNumber
          guard standsAlone || ends else { continue }
        }
        let others = axes.map { axis -> String? in
          var copy = characters
          copy[i] = axis
          return lowered[String(copy).lowercased()]
        }
        guard let y = others[0], let z = others[1], !used.contains(y), !used.contains(z) else { continue }
        out.append([name, y, z])
        used.formUnion([name, y, z])
        break
      }
    }
    return out
  }
}
