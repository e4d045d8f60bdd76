/// Stage 3 of `ClockEstimator`: local lags around a coarse map.
///
/// The part of the other signal that the map puts on the reference (the
/// overlap, in the other's clock) is cut into windows of
/// `windowLength(overlap:)` seconds, 50 % overlapping and spread evenly
/// over it, so a 12 s overlap holds 7 windows of 3 s and an hour 239 of
/// 30 s, whatever the recordings' own lengths. Each window is resampled at
/// the reference rate (100 Hz) at the map's scale, high-passed, and
/// correlated against the reference within ±`margin` seconds of where the
/// map puts it; its peak is refined by a parabola. A window counts
/// (`inlier`) when its peak is at least `minimumPeak`, stands
/// `minimumDistinctness` above the best value `exclusion` seconds away,
/// and is not at the edge of the searched lags (unrelated windows pile up
/// there, on a line of their own).
enum WindowLags {
  static let minimumWindow = 3.0
  static let maximumWindow = 30.0
  /// Windows per overlap, aimed at.
  static let windowsPerOverlap = 8.0
  static let minimumPeak = 0.15
  static let minimumDistinctness = 0.05
  static let exclusion = 0.3
  /// A window needs this share of its samples present.
  static let minimumCoverage = 0.7

  /// `min(30, max(3, overlap / 8))` seconds.
  static func windowLength(overlap: Double) -> Double {
    min(maximumWindow, max(minimumWindow, overlap / windowsPerOverlap))
  }

  /// The other times where the map `offset + scale · (t − origin)` lies on
  /// the reference `[referenceStart, referenceEnd]`, within the other's span.
  static func overlap(
    offset: Double, scale: Double, origin: Double, otherEnd: Double, referenceStart: Double, referenceEnd: Double
  ) -> ClosedRange<Double>? {
    let a = max(origin, origin + (referenceStart - offset) / scale)
    let b = min(otherEnd, origin + (referenceEnd - offset) / scale)
    return a < b ? a...b : nil
  }

  /// The other's samples over the stretch that faces the reference under
  /// the map, resampled at `rate` on the map's scale (`resample`): its first
  /// sample's time on the other clock, the grid and its weights. Nil when
  /// the map leaves ten samples or fewer on the reference.
  static func facingStretch(
    offset: Double, scale: Double, rate: Double, referenceStart: Double, referenceEnd: Double, otherTimes: [Double],
    otherFeature: [Double], maxGap: Double
  ) -> (firstTime: Double, grid: [Double], weights: [Double])? {
    guard let origin = otherTimes.first, let last = otherTimes.last,
      let span = overlap(
        offset: offset, scale: scale, origin: origin, otherEnd: last, referenceStart: referenceStart,
        referenceEnd: referenceEnd)
    else { return nil }
    let from = firstIndex(in: otherTimes, notBefore: span.lowerBound)
    let to = firstIndex(in: otherTimes, notBefore: span.upperBound.nextUp)
    guard to - from > 10 else { return nil }
    let (grid, weights) = resample(
      times: Array(otherTimes[from..<to]), values: Array(otherFeature[from..<to]), scale: scale, step: 1 / rate,
      maxGap: maxGap)
    return (otherTimes[from], grid, weights)
  }

  /// The windows' lags (each window's centre on the other clock and where
  /// its correlation put it on the reference clock), and the window length.
  static func measure(
    offset: Double, scale: Double, margin: Double, reference: [Double], rate: Double, referenceStart: Double,
    otherTimes: [Double], otherFeature: [Double], maxGap: Double
  ) -> (windows: [ClockEstimator.Window], length: Double) {
    let origin = otherTimes.first ?? 0
    let referenceEnd = referenceStart + Double(reference.count) / rate
    guard
      let span = overlap(
        offset: offset, scale: scale, origin: origin, otherEnd: otherTimes.last ?? origin,
        referenceStart: referenceStart, referenceEnd: referenceEnd)
    else { return ([], minimumWindow) }
    let spanLength = span.upperBound - span.lowerBound
    let length = min(windowLength(overlap: spanLength), spanLength)
    func predicted(_ t: Double) -> Double { offset + scale * (t - origin) }
    // Starts half a window apart, the leftover split between both ends.
    let count = max(1, Int(((spanLength - length) / (length / 2) + 1e-9).rounded(.down)) + 1)
    let first = span.lowerBound + (spanLength - length - Double(count - 1) * length / 2) / 2
    var windows: [ClockEstimator.Window] = []
    for n in 0..<count {
      let start = first + Double(n) * length / 2
      let centre = start + length / 2
      let from = firstIndex(in: otherTimes, notBefore: start)
      let to = firstIndex(in: otherTimes, notBefore: (start + length + 1).nextUp)
      guard to - from >= 10 else { continue }
      let shifted = (from..<to).map { (otherTimes[$0] - start, otherFeature[$0]) }
      var (a, w) = resample(
        times: shifted.map(\.0), values: shifted.map(\.1), scale: scale, step: 1 / rate, maxGap: maxGap)
      let wanted = Int(length * scale * rate)
      if a.count > wanted {
        a.removeLast(a.count - wanted)
        w.removeLast(w.count - wanted)
      }
      guard Double(w.reduce(0, +)) >= minimumCoverage * Double(wanted) else { continue }
      let firstGridTime = (shifted.first?.0 ?? 0) + start
      let feature = highPass(a, weights: w, window: Int(5 * rate))
      // The reference around the prediction (clipped to the reference).
      let lo = max(0, Int(((predicted(firstGridTime) - margin) - referenceStart) * rate))
      let hi = min(reference.count, Int(((predicted(firstGridTime) + margin) - referenceStart) * rate) + a.count + 1)
      guard hi - lo > a.count / 2 else { continue }
      let local = Correlator(reference: Array(reference[lo..<hi]))
      let (lags, r) = local.correlate(feature, weights: w, minimumOverlap: 0.9 * w.reduce(0, +))
      guard let peakIndex = r.indices.max(by: { r[$0] < r[$1] }), r[peakIndex] > 0 else { continue }
      let peak = r[peakIndex]
      let exclusionSamples = Int(exclusion * rate)
      var rival = -1.0
      for i in r.indices where abs(i - peakIndex) > exclusionSamples { rival = max(rival, r[i]) }
      // A peak needs searched lags on both sides (−1 marks lags not searched).
      let interior = peakIndex > 0 && peakIndex < r.count - 1 && r[peakIndex - 1] > -1 && r[peakIndex + 1] > -1
      var lag = Double(lags.lowerBound + peakIndex)
      if interior { lag += parabolicPeak(r[peakIndex - 1], r[peakIndex], r[peakIndex + 1]) }
      let referenceTime = referenceStart + (Double(lo) + lag) / rate
      // The window centre on the reference clock: its first grid point plus
      // the centre's distance at this scale.
      let centreOnReference = referenceTime + (centre - firstGridTime) * scale
      windows.append(
        ClockEstimator.Window(
          otherTime: centre, referenceTime: centreOnReference, quality: peak,
          inlier: peak - max(rival, 0) > minimumDistinctness && peak > minimumPeak && interior))
    }
    return (windows, length)
  }
}
