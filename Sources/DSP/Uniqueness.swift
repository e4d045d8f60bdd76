/// Stage 5b of `ClockEstimator`: is the map's correlation peak the only one?
///
/// A periodic signal (a metronome, beeps, a machine cycle, a loop) fits
/// every offset one period apart, and windows searched within a margin
/// narrower than the period cannot see the other fits. So the whole
/// overlap is correlated once more, at `rate` Hz, for lags within ±`reach`
/// seconds of the map's, and the best value at least `exclusion` s away is
/// compared with the peak within ±`centre` s of the map: a ratio of
/// `rivalRatio` or more means the signal repeats and no offset can be
/// trusted.
enum Uniqueness {
  static let rate = 20.0
  static let reach = 10.0
  static let exclusion = 0.3
  static let centre = 0.1
  static let rivalRatio = 0.9

  /// The rival's correlation over the peak's, or nil when the overlap is
  /// too short to tell (under 50 samples) or holds no peak at the map.
  static func ratio(
    offset: Double, scale: Double, referenceFeature: [Double], referenceRate: Double, referenceStart: Double,
    otherTimes: [Double], otherFeature: [Double], maxGap: Double
  ) -> Double? {
    let origin = otherTimes.first ?? 0
    guard
      let stretch = WindowLags.facingStretch(
        offset: offset, scale: scale, rate: rate, referenceStart: referenceStart,
        referenceEnd: referenceStart + Double(referenceFeature.count) / referenceRate, otherTimes: otherTimes,
        otherFeature: otherFeature, maxGap: maxGap),
      stretch.grid.count >= 50
    else { return nil }
    let (grid, weights) = (stretch.grid, stretch.weights)
    let feature = highPass(grid, weights: weights, window: Int(5 * rate))
    // The reference from `reach` before to `reach` after the mapped stretch, at `rate`.
    let k = max(1, Int((referenceRate / rate).rounded()))
    let mappedStart = offset + scale * (stretch.firstTime - origin)
    let lo = max(0, Int(((mappedStart - reach - referenceStart) * referenceRate).rounded(.down)))
    let hi = min(
      referenceFeature.count,
      Int(((mappedStart + Double(grid.count) / rate + reach - referenceStart) * referenceRate).rounded(.up)))
    guard hi - lo > k * 10 else { return nil }
    let segment = pointSample(movingAverage(Array(referenceFeature[lo..<hi]), window: k), every: k)
    let step = Double(k) / referenceRate
    let (lags, r) = Correlator(reference: segment).correlate(
      feature, weights: weights, minimumOverlap: 0.5 * weights.reduce(0, +))
    // The map's lag: the stretch's first sample faces this segment sample.
    let expected = (mappedStart - (referenceStart + Double(lo) / referenceRate)) / step
    var peak = -1.0
    var rival = -1.0
    for (index, value) in r.enumerated() {
      let distance = abs(Double(lags.lowerBound + index) - expected) * step
      if distance <= centre {
        peak = max(peak, value)
      } else if distance >= exclusion && distance <= reach {
        rival = max(rival, value)
      }
    }
    guard peak > 0 else { return nil }
    return max(0, rival) / peak
  }
}
