/// Stage 4 of `ClockEstimator`: the line `reference = intercept + slope ·
/// (other − origin)` through the windows' lags, and its uncertainty.
///
/// Robust in two steps: first the pair of windows whose line the most
/// windows (by quality²) agree with within `agreement` (a jump part-way
/// must not give a line between the two parts), then weighted least
/// squares with outliers beyond `max(3 · 1.4826 · MAD, 15 ms)` trimmed, up
/// to three rounds.
struct RobustLine {
  var intercept: Double
  var slope: Double
  /// The windows the line was fitted to.
  var inliers: [ClockEstimator.Window]

  /// A window agrees with a line within this (seconds). (Widening it to
  /// the line's own scatter, up to 60 ms, let the windows of a wrong map on
  /// a signal that half-repeats agree too: measured on the bundled sample.)
  static let agreement = 0.030
  /// The trimming floor (seconds).
  static let trimFloor = 0.015
  /// Windows overlap by half, so neighbours share half their samples: the
  /// residuals count as `1 / overlapInflation` independent ones each.
  static let overlapInflation = 2.0
  /// The residual scatter is taken as at least this (s): what the 100 Hz
  /// envelope and the parabolic peak resolve, and the floor of what two
  /// different sensors of one sound agree on.
  static let scatterFloor = 0.0015
  /// Two sensors of one sound disagree on timing by more than their
  /// windows scatter: a sensor that hears one band, or smooths, sees the
  /// sound's rise and fall differently than the microphone (measured on
  /// `Scripts/bench-stress.sh` cases: biases up to 5 × the windows' scatter).
  /// The bound adds this many times the scatter, in quadrature.
  static let mismatchFactor = 3.0

  func at(_ t: Double, origin: Double) -> Double { intercept + slope * (t - origin) }

  static func fit(_ usable: [ClockEstimator.Window], origin: Double, space: ScaleSpace) -> RobustLine {
    var inliers = consensus(usable, origin: origin, space: space)
    var line = RobustLine(fitting: inliers, origin: origin)
    for _ in 0..<3 {
      let residuals = inliers.map { abs($0.referenceTime - line.at($0.otherTime, origin: origin)) }
      let limit = max(3 * median(residuals) * 1.4826, trimFloor)
      let kept = inliers.filter { abs($0.referenceTime - line.at($0.otherTime, origin: origin)) <= limit }
      if kept.count == inliers.count || kept.count < 3 { break }
      inliers = kept
      line = RobustLine(fitting: inliers, origin: origin)
    }
    return line
  }

  /// Weighted least squares, each window weighted by its peak correlation
  /// squared.
  init(fitting windows: [ClockEstimator.Window], origin: Double) {
    let weights = windows.map { $0.quality * $0.quality }
    let n = weights.reduce(0, +)
    let mx = zip(windows, weights).reduce(0) { $0 + $1.0.otherTime * $1.1 } / n
    let my = zip(windows, weights).reduce(0) { $0 + $1.0.referenceTime * $1.1 } / n
    var sxx = 0.0
    var sxy = 0.0
    for (w, weight) in zip(windows, weights) {
      sxx += weight * (w.otherTime - mx) * (w.otherTime - mx)
      sxy += weight * (w.otherTime - mx) * (w.referenceTime - my)
    }
    slope = sxx > 0 ? sxy / sxx : 1
    intercept = my - slope * (mx - origin)
    inliers = windows
  }

  init(intercept: Double, slope: Double, inliers: [ClockEstimator.Window]) {
    self.intercept = intercept
    self.slope = slope
    self.inliers = inliers
  }

  /// RMS residual of the inliers (n − 2 degrees of freedom), seconds.
  func residualRMS(origin: Double) -> Double {
    let residuals = inliers.map { $0.referenceTime - at($0.otherTime, origin: origin) }
    return (residuals.reduce(0) { $0 + $1 * $1 } / Double(max(1, residuals.count - 2))).squareRoot()
  }

  /// The worst-case sync error over the other times `span`, in ms, that
  /// the true map stays within in about 95 % of cases: the line's standard
  /// error at the ends of the span,
  ///
  ///     se(t) = σ · √(k · (1/n + (t − t̄)² / Sxx)),
  ///
  /// with σ the residual scatter (n − 2 degrees of freedom, at least
  /// `scatterFloor`), k = `overlapInflation` for the windows' shared
  /// samples, times Student's t at 97.5 % for n/k − 2 degrees of freedom;
  /// plus, in quadrature, `mismatchFactor · σ` for what the signals' own
  /// difference can shift all windows by at once (no scatter shows it).
  func uncertaintyMs(over span: ClosedRange<Double>, origin: Double) -> Double {
    let n = Double(inliers.count)
    guard n >= 2 else { return .infinity }
    let mean = inliers.reduce(0) { $0 + $1.otherTime } / n
    let sxx = inliers.reduce(0) { $0 + ($1.otherTime - mean) * ($1.otherTime - mean) }
    let sigma = max(residualRMS(origin: origin), Self.scatterFloor)
    let k = Self.overlapInflation
    func se(_ t: Double) -> Double {
      sigma * (k * (1 / n + (sxx > 0 ? (t - mean) * (t - mean) / sxx : 0))).squareRoot()
    }
    let dof = max(1, Int((n / k).rounded(.down)) - 2)
    let statistical = studentT975(dof) * max(se(span.lowerBound), se(span.upperBound))
    let mismatch = Self.mismatchFactor * sigma
    return (statistical * statistical + mismatch * mismatch).squareRoot() * 1000
  }

  /// The windows within `agreement` of the line through the pair of
  /// windows whose line the most (by quality²) windows agree with. Pairs
  /// closer than a fifth of the windows' span are skipped (their slope is
  /// loose); with many windows a spread subset of the pairs is tried.
  private static func consensus(_ windows: [ClockEstimator.Window], origin: Double, space: ScaleSpace)
    -> [ClockEstimator.Window]
  {
    let n = windows.count
    guard n >= 3, let first = windows.first?.otherTime, let last = windows.last?.otherTime else { return windows }
    let minimumSpan = 0.2 * (last - first)
    let stride = max(1, n / 60)
    var best: (score: Double, members: [ClockEstimator.Window]) = (0, windows)
    for i in Swift.stride(from: 0, to: n, by: stride) {
      for j in Swift.stride(from: i + 1, to: n, by: stride) {
        let a = windows[i]
        let b = windows[j]
        let dt = b.otherTime - a.otherTime
        guard dt >= minimumSpan else { continue }
        let slope = (b.referenceTime - a.referenceTime) / dt
        guard space.contains(slope) else { continue }
        func agrees(_ w: ClockEstimator.Window) -> Bool {
          abs(w.referenceTime - (a.referenceTime + slope * (w.otherTime - a.otherTime))) <= agreement
        }
        var score = 0.0
        for w in windows where agrees(w) { score += w.quality * w.quality }
        if score > best.score { best = (score, windows.filter(agrees)) }
      }
    }
    return best.members.count >= 3 ? best.members : windows
  }
}

/// Student's t at 97.5 % (two-sided 95 %) for `dof` degrees of freedom.
func studentT975(_ dof: Int) -> Double {
  let table: [Double] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
    2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
  ]
  guard dof >= 1 else { return table[0] }
  return dof <= table.count ? table[dof - 1] : 1.96 + 2.4 / Double(dof)
}
