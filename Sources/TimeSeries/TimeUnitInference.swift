import Foundation

/// The unit of a numeric time column, inferred when none was given.
///
/// Evidence, in order (the first that decides wins):
/// 1. **The column's name**: `…_ms`, `…(ms)`, `…[ms]`, `millis…`, `msec`
///    → ms; the same with `us`/`µs`/`micros` → µs, `ns`/`nanos` → ns;
///    `…_s`, `…(s)`, `sec`, `seconds` → s.
/// 2. **Epoch magnitude** of the first value: seconds since 1980–2100 are
///    3.2e8…4.1e9; the same instant in ms, µs and ns is 10³, 10⁶ and 10⁹
///    times that. A first value in one of those bands names its unit,
///    unless the steps would then mean a rate under 0.5 Hz (ms since boot
///    can look like epoch seconds).
/// 3. **Fractional** values are seconds.
/// 4. **The sample interval** of integer counts (since boot, or since the
///    start): the unit whose rate (units per second ÷ median step) is
///    nearest, in decades, to 100 Hz — a 50 Hz sensor counted in ms steps
///    by 20, a 1 kHz one in µs by 1,000.
/// 5. Otherwise seconds.
///
/// Not decidable: integer steps of 1 (1 Hz in s, or 1 kHz in ms) are read
/// as seconds, and the note says it could be milliseconds.
public struct TimeUnitInference: Sendable, Equatable {
  public enum Evidence: Sendable, Equatable {
    case name
    /// A units row under the names (`ms` under Shimmer's timestamp).
    case unitsRow
    case epochMagnitude
    case step(Double)
    case fractional
    case ambiguousStep
    case fallback
  }

  public var unit: TimeUnit
  public var evidence: Evidence
  public var column: String

  /// Worth a line on the terminal: a unit other than seconds, or a guess.
  public var isWorthSaying: Bool { unit != .s || evidence == .ambiguousStep }

  /// One line a person reads: "read 't_ms' as milliseconds (its name)".
  public var note: String {
    let unitName: String
    switch unit {
    case .s: unitName = "seconds"
    case .ms: unitName = "milliseconds"
    case .us: unitName = "microseconds"
    case .ns: unitName = "nanoseconds"
    }
    let why: String
    switch evidence {
    case .name: why = "its name"
    case .unitsRow: why = "its units row"
    case .epochMagnitude: why = "its values are \(unitName) since the epoch"
    case .step(let step):
      let rate = unit.perSecond / step
      why = "its values step by \(formatStep(step)), \(formatRate(rate)) in \(unitName)"
    case .fractional: why = "its values have decimals"
    case .ambiguousStep: why = "its integer values step by 1: 1 Hz; if they are milliseconds (1 kHz), say so"
    case .fallback: why = "no name, magnitude or step says otherwise"
    }
    return "read '\(MessageText.cell(column))' as \(unitName) (\(why))"
  }

  /// Infers the unit of `values` (the column's first rows, as written) in a
  /// column named `column`.
  public static func infer(column: String, values: [Double]) -> TimeUnitInference {
    if let unit = unit(fromName: column) { return .init(unit: unit, evidence: .name, column: column) }
    let finite = values.filter(\.isFinite)
    guard let first = finite.first else { return .init(unit: .s, evidence: .fallback, column: column) }
    // Steps between the sorted values (rows may be out of order).
    let ordered = finite.sorted()
    var steps: [Double] = []
    for (a, b) in zip(ordered, ordered.dropFirst()) where b > a { steps.append(b - a) }
    steps.sort()
    let step = steps.isEmpty ? nil : steps[steps.count / 2]
    // An epoch-sized first value, unless its steps would make the rate absurd
    // (ms since boot can look like epoch seconds).
    for unit in TimeUnit.allCases {
      let seconds = abs(first) / unit.perSecond
      guard seconds >= epochSeconds.lowerBound && seconds <= epochSeconds.upperBound else { continue }
      if let step, unit.perSecond / step < minimumRate { continue }
      return .init(unit: unit, evidence: .epochMagnitude, column: column)
    }
    guard let step else { return .init(unit: .s, evidence: .fallback, column: column) }
    guard finite.allSatisfy({ $0 == $0.rounded() }) else {
      return .init(unit: .s, evidence: .fractional, column: column)
    }
    // Steps of 1: seconds, the unit a plain number has always meant here
    // (1 Hz, or 1 kHz in ms: the note says so).
    if step == 1 { return .init(unit: .s, evidence: .ambiguousStep, column: column) }
    // Integer counts: the unit whose rate is nearest (in decades) to a
    // typical sensor's 100 Hz.
    let best = TimeUnit.allCases.min { a, b in
      abs(log10(a.perSecond / step) - 2) < abs(log10(b.perSecond / step) - 2)
    }!
    return .init(unit: best, evidence: .step(step), column: column)
  }

  /// Seconds since the epoch from 1980 to 2100.
  static let epochSeconds = 3.2e8...4.1e9
  /// Below this rate (Hz) a reading of the steps is not taken.
  static let minimumRate = 0.5

  /// A unit the column's name spells out, if any.
  static func unit(fromName name: String) -> TimeUnit? {
    let lower = name.lowercased().trimmingCharacters(in: .whitespaces)
    // Tokens split at anything that is not a letter (t_ms, time (ms), ts[us], timestamp-ns).
    let tokens = lower.split { !$0.isLetter && $0 != "µ" }.map(String.init)
    let table: [(TimeUnit, [String])] = [
      (.ms, ["ms", "msec", "msecs", "millis", "milliseconds", "millisecond"]),
      (.us, ["us", "µs", "usec", "usecs", "micros", "microseconds", "microsecond"]),
      (.ns, ["ns", "nsec", "nsecs", "nanos", "nanoseconds", "nanosecond"]),
      (.s, ["s", "sec", "secs", "seconds", "second"]),
    ]
    for token in tokens.reversed() {
      for (unit, words) in table where words.contains(token) { return unit }
    }
    // Glued forms: timestampms, timems, millis123.
    if lower.hasPrefix("millis") { return .ms }
    if lower.hasPrefix("micros") { return .us }
    if lower.hasPrefix("nanos") { return .ns }
    return nil
  }
}

private func formatStep(_ step: Double) -> String {
  step == step.rounded() && abs(step) < 1e15 ? String(Int64(step)) : String(step)
}

/// `32 Hz`, `1.5 kHz`, `0.02 Hz`.
func formatRate(_ rate: Double) -> String {
  if rate >= 1000 { return "\((rate / 100).rounded() / 10) kHz" }
  if rate >= 10 && rate == rate.rounded() || rate >= 100 { return "\(Int(rate.rounded())) Hz" }
  let rounded = (rate * 100).rounded() / 100
  return rounded == rounded.rounded() ? "\(Int(rounded)) Hz" : "\(rounded) Hz"
}
