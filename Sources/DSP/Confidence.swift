/// Stage 5 of `ClockEstimator`: how much a map can be trusted.
///
///     confidence = share · min(1, 0.4 + mean quality) · (1 − chance) · plausibility
///
/// `share` is the fraction of windows that agree with the map within
/// `RobustLine.agreement`, `mean quality` their mean peak correlation, and
/// `chance` the probability that unrelated windows (each peaking anywhere
/// in its search range) line up as well (`chanceAgreement`).
/// `plausibility` is `implausiblePenalty` for a scale no real clock shows
/// (`ScaleSpace.isPlausible`), else 1.
enum Confidence {
  /// `aligned` from this confidence.
  static let threshold = 0.5
  /// The factor for a drift beyond ±3,000 ppm that is no nominal-rate ratio.
  static let implausiblePenalty = 0.85

  static func of(
    windows: [ClockEstimator.Window], agreeing: [ClockEstimator.Window], searchWidth: Double, pieces: Int = 1,
    plausible: Bool
  ) -> Double {
    let share = Double(agreeing.count) / Double(max(windows.count, 1))
    let meanQuality = agreeing.isEmpty ? 0 : agreeing.reduce(0) { $0 + $1.quality } / Double(agreeing.count)
    let chance = chanceAgreement(
      count: windows.count, agreeing: agreeing.count, width: searchWidth, tolerance: RobustLine.agreement,
      pieces: pieces)
    let value = share * min(1, 0.4 + meanQuality) * (1 - chance) * (plausible ? 1 : implausiblePenalty)
    return min(1, max(0, value))
  }
}

/// The chance that unrelated windows, each peaking anywhere in a search
/// `width` seconds wide, put `agreeing` of `count` within ±`tolerance` of
/// one line through two of them (of `pieces` lines, one per piece): a
/// union bound over the pairs times the binomial tail. 1 when at most two
/// agree per line (two points always fit one).
func chanceAgreement(count: Int, agreeing: Int, width: Double, tolerance: Double, pieces: Int = 1) -> Double {
  let m = count - 2 * pieces
  let need = agreeing - 2 * pieces
  guard need > 0, m >= need else { return 1 }
  let p = min(1, 2 * tolerance / max(width, 1e-9))
  guard p < 1 else { return 1 }
  // P(X ≥ need) for X ~ Binomial(m, p), term by term.
  var term = 1.0  // C(m, 0)
  for _ in 0..<m { term *= 1 - p }
  var tail = 0.0
  for x in 0...m {
    if x >= need { tail += term }
    if x < m { term *= Double(m - x) / Double(x + 1) * p / (1 - p) }
  }
  let pairs = (0..<pieces).reduce(1.0) { value, _ in value * Double(count * (count - 1) / 2) }
  return min(1, pairs * tail)
}

/// Two or more consecutive windows off the line.
func hasDisagreeingRun(_ windows: [ClockEstimator.Window]) -> Bool {
  zip(windows, windows.dropFirst()).contains { !$0.inlier && !$1.inlier }
}
