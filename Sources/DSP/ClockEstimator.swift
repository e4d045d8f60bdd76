/// Estimates the clock map between a reference signal (the media's energy
/// envelope, uniformly sampled) and another signal (a sensor channel at its
/// own irregular times, or a second envelope):
///
///     t_reference = offset + scale · (t_other − t_other[0])
///
/// Implementation, in order, one stage a file:
/// 1. Features: both signals are rank-transformed (any monotonic relation —
///    dB vs linear, a compressed sensor — becomes linear) and high-passed
///    (5 s moving average removed).
/// 2. Coarse search (`CoarseSearch`): for each scale of the `ScaleSpace`
///    the best offset by FFT cross-correlation at a coarse rate, the other
///    sliding along the reference or, for a clip inside a much longer log,
///    the reference along the other; the three best distinct candidates.
///    When no candidate holds (step 5), the search runs again on each of
///    the reference's `AudioBands` envelopes (step 2b), for a sensor that
///    hears only a band the broadband envelope drowns.
/// 3a. The signal the other follows best around each candidate's map
///    (`ReferenceSignals.choose`): the broadband envelope, a band, or a run
///    of bands; steps 3–6 and the repeat checks use that signal.
/// 3. Local lags (`WindowLags`): windows over the overlap each candidate
///    implies (3–30 s, from the overlap, not from either recording's
///    length), each correlated at 100 Hz around the candidate's map.
/// 4. A robust line through the windows' lags (`RobustLine`), refined by
///    one correlation over the whole overlap when the windows scatter.
/// 5. Confidence (`Confidence`): agreeing share × correlation × (1 − the
///    chance that unrelated windows line up so) × plausibility of the
///    scale. `uncertaintyMs` is the line's 95 % bound at the overlap's ends
///    (`RobustLine.uncertaintyMs`).
/// 6. Piecewise (`Piecewise.swift`): when the most confident line leaves
///    two or more consecutive windows unexplained (a clock jump, or rows
///    dropped while the timestamps carried on), each such stretch is
///    estimated again on its own (any offset, the line's scale ± 500 ppm).
///    A confident map there more than 50 ms off the line becomes a piece;
///    the boundary is the change point that best explains the samples
///    between the neighbouring pieces' agreeing windows, moved into a gap in
///    the other's times when one lies within a second. Pieces shorter than
///    about two windows cannot be found.
public struct ClockEstimator {
  public struct Options: Sendable, Equatable {
    /// The scales to search (default: what real clocks do).
    public var scales: ScaleSpace = .plausible
    /// Minimum overlap as a fraction of the shorter recording.
    public var minimumOverlapFraction: Double = 0.3
    /// Largest |offset| to consider, seconds (nil: any that leaves the overlap).
    public var maximumOffset: Double?
    /// `status` is aligned at or above this confidence.
    public var threshold: Double = Confidence.threshold
    /// Look for a change of offset part-way (step 6); false: one line only.
    public var piecewise = true
    /// When no broadband candidate holds, search again on each audio band
    /// (step 2b). A caller that tries several channels turns it off for a
    /// first pass, so that one channel's success spares the others' band
    /// searches.
    public var searchBands = true
    public init() {}
  }

  /// One piece of a piecewise map: `reference = offset + scale · (t − origin)`
  /// for other times `t` from `otherStart` (the first piece: from the
  /// origin) to `otherEnd`.
  public struct Segment: Sendable, Equatable {
    public var otherStart: Double
    public var otherEnd: Double
    public var offset: Double
    public var scale: Double
    public var uncertaintyMs: Double
    /// Windows that agree with this piece.
    public var windows: Int

    public func referenceTime(_ t: Double, origin: Double) -> Double { offset + scale * (t - origin) }
  }

  public struct Window: Sendable, Equatable {
    /// The window's centre on the other clock (seconds, absolute).
    public var otherTime: Double
    /// Where its correlation put that centre on the reference clock.
    public var referenceTime: Double
    /// Peak correlation, 0…1.
    public var quality: Double
    /// Agrees with the fitted line (its segment's, when piecewise).
    public var inlier: Bool
    /// The segment it was measured against (0 for a linear map).
    public var segment = 0

    public init(otherTime: Double, referenceTime: Double, quality: Double, inlier: Bool, segment: Int = 0) {
      self.otherTime = otherTime
      self.referenceTime = referenceTime
      self.quality = quality
      self.inlier = inlier
      self.segment = segment
    }
  }

  public struct Estimate: Sendable, Equatable {
    public var offset: Double
    public var scale: Double
    public var confidence: Double
    public var uncertaintyMs: Double
    /// Aligned, or rejected with the reason.
    public var verdict: Verdict
    public var windows: [Window]
    /// The other signal's first time (the map's origin).
    public var origin: Double
    /// The overlap on the reference clock.
    public var overlap: ClosedRange<Double>
    /// Coarse-stage peak correlation.
    public var coarsePeak: Double
    /// Empty for one line; otherwise the pieces in order (`offset`/`scale`
    /// above are then the first piece's).
    public var segments: [Segment] = []
    /// How far around the coarse map each window searched (seconds).
    public var searchWidth = 1.0
    /// The windows' length (seconds).
    public var windowLength = WindowLags.minimumWindow
    /// Set when the fitted scale is no drift a real clock shows, or a
    /// nominal-rate ratio (a person should hear about either).
    public var scaleNote: ScaleNote?
    /// The reference signal the windows were measured on: nil for the
    /// broadband envelope, else a run of `AudioBands` (`ReferenceSignals`).
    public var referenceBand: ClosedRange<Int>? = nil
    /// The low-pass (Hz) the reference was smoothed with to match a smooth
    /// sensor; nil: not smoothed.
    public var referenceSmoothingHz: Double? = nil
    /// The reference signal's key in `ReferenceSignals`.
    var referenceKey: ReferenceSignals.Key { .init(bands: referenceBand, smoothingHz: referenceSmoothingHz) }

    /// Seconds of the other signal that agreeing windows cover (50 %
    /// overlapping windows: half a window each, plus half for the first).
    public var explainedSeconds: Double {
      let agreeing = windows.filter(\.inlier).count
      return agreeing == 0 ? 0 : Double(agreeing + 1) * windowLength / 2
    }
  }

  /// What the fitted scale says about the other's clock.
  public enum ScaleNote: Sendable, Equatable {
    /// Near a wrong nominal rate (`ScaleSpace.nominalRatios`).
    case nominalRatio(String)
    /// A drift beyond ±3,000 ppm that is no nominal-rate ratio (ppm).
    case implausibleDrift(Double)

    init?(scale: Double) {
      if abs(scale - 1) <= ScaleSpace.plausibleDrift { return nil }
      if let ratio = ScaleSpace.nominalRatio(near: scale) {
        self = .nominalRatio(ratio.name)
      } else {
        self = .implausibleDrift((scale - 1) * 1e6)
      }
    }
  }

  public let options: Options
  public init(options: Options = Options()) { self.options = options }

  /// - Parameters:
  ///   - reference: uniformly sampled values at `referenceRate` Hz; sample
  ///     `i` sits at `referenceStart + i / referenceRate`.
  ///   - referenceBands: the reference's `AudioBands` envelopes on the same
  ///     grid (or none): each candidate map picks the signal the other
  ///     follows best (`ReferenceSignals`).
  ///   - otherTimes: strictly the other signal's times (seconds, ascending).
  ///   - otherValues: its values (NaN: missing).
  public func estimate(
    reference: [Double], referenceBands: [[Double]] = [], referenceRate: Double, referenceStart: Double,
    otherTimes: [Double], otherValues: [Double]
  ) -> Estimate {
    estimate(
      references: ReferenceSignals(broadband: reference, bands: referenceBands, rate: referenceRate),
      referenceRate: referenceRate, referenceStart: referenceStart, otherTimes: otherTimes, otherValues: otherValues)
  }

  func estimate(
    references: ReferenceSignals, referenceRate: Double, referenceStart: Double,
    otherTimes: [Double], otherValues: [Double]
  ) -> Estimate {
    let rate = referenceRate
    let origin = otherTimes.first ?? 0
    let otherDuration = (otherTimes.last ?? 0) - origin
    let referenceDuration = Double(references.count) / rate
    func rejected(_ rejection: Rejection) -> Estimate {
      Estimate(
        offset: referenceStart, scale: 1, confidence: 0, uncertaintyMs: .infinity, verdict: .rejected(rejection),
        windows: [], origin: origin, overlap: referenceStart...referenceStart, coarsePeak: 0)
    }
    guard otherDuration >= 2, referenceDuration >= 2, otherTimes.count >= 20 else {
      return rejected(.tooShort)
    }
    let shorter = min(otherDuration, referenceDuration)
    let minimumOverlap = max(2, options.minimumOverlapFraction * shorter)

    // 1. Features (the broadband one; bands when a candidate picks one).
    let referenceFeature = references.feature(.broadband).values
    // Ranks, with NaN kept where the value is missing.
    let otherFeature = zip(rankTransform(otherValues), otherValues).map { $1.isNaN ? Double.nan : $0 }
    let medianInterval = Self.medianInterval(otherTimes)
    let maxGap = max(0.25, 5 * medianInterval)

    // 2. Coarse search.
    let search = CoarseSearch(
      space: options.scales, otherDuration: otherDuration, referenceDuration: referenceDuration, referenceRate: rate)
    let candidates = search.candidates(
      referenceFeature: referenceFeature, referenceRate: rate, referenceStart: referenceStart, otherTimes: otherTimes,
      otherFeature: otherFeature, medianInterval: medianInterval, maxGap: maxGap, minimumOverlap: minimumOverlap,
      maximumOffset: options.maximumOffset)
    guard !candidates.isEmpty else {
      return rejected(.noOverlap(minimumSeconds: minimumOverlap))
    }

    // 3–5 for each candidate.
    func refineAll(_ candidates: [CoarseSearch.Candidate]) -> [Estimate] {
      candidates.map { candidate in
        refine(
          candidate: candidate, search: search, references: references, rate: rate,
          referenceStart: referenceStart, otherTimes: otherTimes, otherFeature: otherFeature, maxGap: maxGap,
          minimumOverlap: minimumOverlap)
      }
    }
    var refined = refineAll(candidates)
    // 2b. When no broadband candidate holds, the coarse search again on each
    // band: a sensor that hears only a band the broadband envelope drowns
    // (a contact microphone's 2–6 kHz under speech) finds its place there.
    if options.searchBands, !refined.contains(where: \.aligned) {
      for band in references.usableBands {
        refined += refineAll(
          search.candidates(
            referenceFeature: references.feature(.init(bands: band...band)).values, referenceRate: rate,
            referenceStart: referenceStart, otherTimes: otherTimes, otherFeature: otherFeature,
            medianInterval: medianInterval, maxGap: maxGap, minimumOverlap: minimumOverlap,
            maximumOffset: options.maximumOffset))
      }
    }
    // 6. A change of offset part-way: unless the most confident line already
    // explains every stretch, tried for every candidate (with a jump, the
    // right line explains only part of the signal, so its linear confidence
    // alone may rank it below a wrong one), from lines that are no accident.
    let mostConfident = refined.max { $0.confidence < $1.confidence }!
    if options.piecewise, mostConfident.confidence < 1 || hasDisagreeingRun(mostConfident.windows) {
      for k in refined.indices {
        let estimate = refined[k]
        let agreeing = estimate.windows.filter(\.inlier).count
        guard agreeing >= 3,
          chanceAgreement(
            count: estimate.windows.count, agreeing: agreeing, width: estimate.searchWidth,
            tolerance: RobustLine.agreement) < 0.05,
          let pieces = piecewise(
            estimate, reference: references.feature(estimate.referenceKey), rate: rate,
            referenceStart: referenceStart, otherTimes: otherTimes, otherValues: otherValues,
            otherFeature: otherFeature, medianInterval: medianInterval),
          pieces.confidence > estimate.confidence
        else { continue }
        refined[k] = pieces
      }
    }
    // The most confident; of about equally confident ones (within 0.02),
    // the most precise.
    refined.sort { $0.confidence > $1.confidence }
    if let precise = refined.indices.filter({ refined[$0].confidence >= refined[0].confidence - 0.02 })
      .min(by: { refined[$0].uncertaintyMs < refined[$1].uncertaintyMs })
    {
      refined.insert(refined.remove(at: precise), at: 0)
    }
    var best = refined[0]
    // A piecewise map's second line is no rival: it explains other windows.
    guard best.segments.isEmpty else { return best }
    // A repeating signal (a machine cycle, a periodic test pattern) fits
    // several offsets: when another candidate a clear distance away is
    // nearly as confident, no single answer can be trusted.
    // Maps are compared where they matter: at the middle of the overlap (a
    // clip hours into a log puts the origin far away, where a scale step
    // moves the offset by seconds).
    let middle = origin + ((best.overlap.lowerBound + best.overlap.upperBound) / 2 - best.offset) / best.scale
    func at(_ e: Estimate, _ t: Double) -> Double { e.offset + e.scale * (t - origin) }
    if best.aligned,
      let rival = refined.dropFirst().first(where: { other in
        // (A piecewise candidate with a piece on the best line is that line
        // found again, not a rival.)
        // (Nor is a map that explains far less of the signals, e.g. over a
        // shorter overlap: windows come from each map's own overlap, so
        // they are compared by the seconds they cover.)
        other.confidence >= 0.8 * best.confidence && abs(at(other, middle) - at(best, middle)) > 0.5
          && other.explainedSeconds >= 0.8 * best.explainedSeconds
          && !other.segments.contains(where: { piece in
            let middle = (piece.otherStart + piece.otherEnd) / 2
            return abs(piece.referenceTime(middle, origin: origin) - (best.offset + best.scale * (middle - origin)))
              < 0.05
          })
      })
    {
      best.confidence *= 1 - rival.confidence / max(best.confidence, 1e-9) * 0.5
      best.verdict = .rejected(.rivalMaps(offset: best.offset, rivalOffset: rival.offset))
    }
    // 5b. A periodic signal fits offsets a period apart that no window saw.
    if best.aligned,
      let ratio = Uniqueness.ratio(
        offset: best.offset, scale: best.scale, referenceFeature: references.feature(best.referenceKey).values,
        referenceRate: rate,
        referenceStart: referenceStart, otherTimes: otherTimes, otherFeature: otherFeature, maxGap: maxGap),
      ratio >= Uniqueness.rivalRatio
    {
      best.confidence *= 0.5
      best.verdict = .rejected(.periodic(ratio: ratio))
    }
    return best
  }

  /// Steps 3–5 for one coarse candidate.
  private func refine(
    candidate: CoarseSearch.Candidate, search: CoarseSearch, references: ReferenceSignals, rate: Double,
    referenceStart: Double, otherTimes: [Double], otherFeature: [Double], maxGap: Double, minimumOverlap: Double
  ) -> Estimate {
    // The coarse map is within 1.5 coarse samples, and its scale within a
    // step (half a coarse sample across the overlap).
    let margin = 2 / search.rate + 0.25
    // 3a. The signal the other follows best around this map; and, when a
    // smoothed copy of it correlates better, that copy too, kept unless its
    // windows agree clearly less (a smoothed reference correlates higher
    // with a sparsely sampled sensor but can blur the lags of a sharp one).
    let choice = references.choose(
      offset: candidate.offset, scale: candidate.scale, margin: margin, referenceStart: referenceStart,
      otherTimes: otherTimes, otherFeature: otherFeature, maxGap: maxGap)
    let plain = refine(
      candidate: candidate, key: choice.key, margin: margin, references: references, rate: rate,
      referenceStart: referenceStart, otherTimes: otherTimes, otherFeature: otherFeature, maxGap: maxGap,
      minimumOverlap: minimumOverlap)
    guard let smoothedKey = choice.smoothed else { return plain }
    let smoothed = refine(
      candidate: candidate, key: smoothedKey, margin: margin, references: references, rate: rate,
      referenceStart: referenceStart, otherTimes: otherTimes, otherFeature: otherFeature, maxGap: maxGap,
      minimumOverlap: minimumOverlap)
    return smoothed.confidence >= plain.confidence - Self.smoothedConfidenceSlack ? smoothed : plain
  }

  /// The smoothed reference is kept unless its confidence is lower by more
  /// than this: it correlates better (`ReferenceSignals.choose`), and where
  /// both are confident the sharp one's lags are the biased ones (a 3 Hz
  /// sensor of fast-rising, slowly decaying events: 70 ms off at
  /// confidence 1.0, against 1–5 ms smoothed).
  static let smoothedConfidenceSlack = 0.02

  /// Steps 3b–5 for one coarse candidate on one reference signal.
  private func refine(
    candidate: CoarseSearch.Candidate, key: ReferenceSignals.Key, margin: Double, references: ReferenceSignals,
    rate: Double, referenceStart: Double, otherTimes: [Double], otherFeature: [Double], maxGap: Double,
    minimumOverlap: Double
  ) -> Estimate {
    let origin = otherTimes.first ?? 0
    let duration = (otherTimes.last ?? origin) - origin
    let referenceEnd = referenceStart + Double(references.count) / rate
    let band = key.bands
    let chosen = references.feature(key)
    let reference = chosen.values
    let (windows, windowLength) = WindowLags.measure(
      offset: candidate.offset, scale: candidate.scale, margin: margin, reference: reference, rate: rate,
      referenceStart: referenceStart, otherTimes: otherTimes, otherFeature: otherFeature, maxGap: maxGap)
    let usable = windows.filter(\.inlier)
    guard usable.count >= 3 else {
      return Estimate(
        offset: candidate.offset, scale: candidate.scale, confidence: 0, uncertaintyMs: .infinity,
        verdict: .rejected(.fewWindows(usable: usable.count, of: windows.count)),
        windows: windows.map {
          var w = $0
          w.inlier = false
          return w
        }, origin: origin,
        overlap: overlapRange(candidate.offset, candidate.scale, origin, duration, referenceStart, referenceEnd),
        coarsePeak: candidate.r, searchWidth: 2 * margin, windowLength: windowLength, referenceBand: band,
        referenceSmoothingHz: key.smoothingHz)
    }
    // 4. Robust line.
    var line = RobustLine.fit(usable, origin: origin, space: options.scales)
    // 4b. One correlation over the whole overlap at 100 Hz, around the line:
    // every sample counts at once, which beats averaging window lags when
    // the windows are noisy (sparse events, low SNR). Only when the windows
    // scatter (where they agree closely, their line is the better estimate:
    // a global peak can be biased by envelope shapes that differ between
    // the devices), while they are few (with dozens the line is already
    // precise), and for a plausible line (most windows on it).
    if line.residualRMS(origin: origin) > 0.008, line.inliers.count < 40, 2 * line.inliers.count >= windows.count,
      let better = globalRefine(
        offset: line.intercept, scale: line.slope, correlator: chosen.correlator, rate: rate,
        referenceStart: referenceStart,
        otherTimes: otherTimes, otherFeature: otherFeature, maxGap: maxGap, origin: origin,
        minimumOverlap: minimumOverlap)
    {
      line.intercept = better.intercept
      line.slope = better.slope
    }
    var finalWindows = windows
    for i in finalWindows.indices {
      let residual = abs(finalWindows[i].referenceTime - line.at(finalWindows[i].otherTime, origin: origin))
      finalWindows[i].inlier = residual <= RobustLine.agreement && finalWindows[i].inlier
    }
    let agreeing = finalWindows.filter(\.inlier)
    let plausible = ScaleSpace.isPlausible(line.slope)
    let confidence = Confidence.of(
      windows: finalWindows, agreeing: agreeing, searchWidth: 2 * margin, plausible: plausible)
    let overlap = overlapRange(line.intercept, line.slope, origin, duration, referenceStart, referenceEnd)
    let overlapLength = overlap.upperBound - overlap.lowerBound
    // The uncertainty over the other's stretch that faces the reference.
    let span =
      WindowLags.overlap(
        offset: line.intercept, scale: line.slope, origin: origin, otherEnd: origin + duration,
        referenceStart: referenceStart, referenceEnd: referenceEnd) ?? (origin...origin + duration)
    let uncertainty = line.uncertaintyMs(over: span, origin: origin)
    let verdict: Verdict
    if confidence < options.threshold {
      verdict = .rejected(
        .disagreeing(agreeing: agreeing.count, of: windows.count, confidence: confidence, pieces: 1))
    } else if overlapLength < minimumOverlap {
      verdict = .rejected(.overlapTooShort(seconds: overlapLength, minimumSeconds: minimumOverlap))
    } else if !options.scales.contains(line.slope) {
      verdict = .rejected(.scaleOutOfRange(scale: line.slope))
    } else {
      verdict = .aligned
    }
    return Estimate(
      offset: line.intercept, scale: line.slope, confidence: confidence, uncertaintyMs: uncertainty,
      verdict: verdict, windows: finalWindows, origin: origin, overlap: overlap, coarsePeak: candidate.r,
      searchWidth: 2 * margin, windowLength: windowLength, scaleNote: ScaleNote(scale: line.slope),
      referenceBand: band, referenceSmoothingHz: key.smoothingHz)
  }

  /// The median interval between the other's samples (seconds).
  static func medianInterval(_ times: [Double]) -> Double {
    let intervals = zip(times.dropFirst(), times).map { $0 - $1 }.sorted()
    return intervals.isEmpty ? 0.01 : max(intervals[intervals.count / 2], 1e-6)
  }

  /// The whole-overlap correlation searches lags within this of the line's (s)…
  static let refineSearch = 0.12
  /// …and is taken when it moves the line by less than this at both ends (s).
  static let refineTrust = 0.1

  /// Correlates the whole other signal (at 100 Hz, at scales around
  /// `scale`) with the reference for lags within ±`refineSearch` of the line's, and
  /// refines lag and scale by parabolas. Nil when the peak is not clear.
  private func globalRefine(
    offset: Double, scale: Double, correlator: Correlator, rate: Double, referenceStart: Double,
    otherTimes: [Double], otherFeature: [Double], maxGap: Double, origin: Double, minimumOverlap: Double
  ) -> (intercept: Double, slope: Double)? {
    // Only the other's stretch that faces the reference (a day-long log
    // holding a short clip is not resampled whole), plus a second each side.
    let referenceEnd = referenceStart + Double(correlator.reference.count) / rate
    guard
      let span = WindowLags.overlap(
        offset: offset, scale: scale, origin: origin, otherEnd: otherTimes.last ?? origin,
        referenceStart: referenceStart, referenceEnd: referenceEnd)
    else { return nil }
    let from = firstIndex(in: otherTimes, notBefore: span.lowerBound - 1)
    let to = firstIndex(in: otherTimes, notBefore: (span.upperBound + 1).nextUp)
    guard to - from > 10 else { return nil }
    let times = Array(otherTimes[from..<to])
    let values = Array(otherFeature[from..<to])
    let first = times[0]
    let length = max(times[times.count - 1] - first, 1)
    // A scale step that moves the far end by about 2 samples.
    let step = 2 / (rate * length)
    var peaks: [(scale: Double, r: Double, lag: Double)] = []
    for k in -2...2 {
      let s = scale + Double(k) * step
      let (grid, weights) = resample(times: times, values: values, scale: s, step: 1 / rate, maxGap: maxGap)
      guard grid.count > 10 else { return nil }
      let feature = highPass(grid, weights: weights, window: Int(5 * rate))
      let (lags, r) = correlator.correlate(
        feature, weights: weights, minimumOverlap: min(minimumOverlap * rate, 0.5 * weights.reduce(0, +)))
      // The slice's first sample on the reference, by the line at this scale.
      let expected = (offset + s * (first - origin) - referenceStart) * rate
      let lo = max(0, Int((expected - Self.refineSearch * rate).rounded(.down)) - lags.lowerBound)
      let hi = min(r.count - 1, Int((expected + Self.refineSearch * rate).rounded(.up)) - lags.lowerBound)
      guard lo < hi else { return nil }
      var best = lo
      for i in lo...hi where r[i] > r[best] { best = i }
      guard best > lo, best < hi, r[best] > 0.1 else { return nil }
      let lag = Double(lags.lowerBound + best) + parabolicPeak(r[best - 1], r[best], r[best + 1])
      peaks.append((s, r[best], lag))
    }
    guard let top = peaks.indices.max(by: { peaks[$0].r < peaks[$1].r }), top > 0, top < peaks.count - 1 else {
      return nil
    }
    let f = parabolicPeak(peaks[top - 1].r, peaks[top].r, peaks[top + 1].r)
    let bestScale = peaks[top].scale + f * step
    // Interpolate the lag between the neighbouring scales likewise.
    let lag =
      f >= 0
      ? peaks[top].lag + f * (peaks[top + 1].lag - peaks[top].lag)
      : peaks[top].lag - f * (peaks[top - 1].lag - peaks[top].lag)
    let intercept = referenceStart + lag / rate - bestScale * (first - origin)
    // Trust it only near the line over the stretch (it refines, it does not overrule).
    func line(_ t: Double) -> Double { offset + scale * (t - origin) }
    func refined(_ t: Double) -> Double { intercept + bestScale * (t - origin) }
    guard abs(refined(span.lowerBound) - line(span.lowerBound)) < Self.refineTrust,
      abs(refined(span.upperBound) - line(span.upperBound)) < Self.refineTrust
    else { return nil }
    return (intercept, bestScale)
  }

  private func overlapRange(
    _ offset: Double, _ scale: Double, _ origin: Double, _ duration: Double, _ referenceStart: Double,
    _ referenceEnd: Double
  ) -> ClosedRange<Double> {
    let lo = max(referenceStart, offset)
    let hi = min(referenceEnd, offset + scale * duration)
    return lo <= hi ? lo...hi : lo...lo
  }

}

/// Centred moving average over `window` samples (edges average what they hold).
func movingAverage(_ x: [Double], window: Int) -> [Double] {
  guard window > 1, !x.isEmpty else { return x }
  var prefix = [Double](repeating: 0, count: x.count + 1)
  for i in x.indices { prefix[i + 1] = prefix[i] + x[i] }
  let half = window / 2
  return x.indices.map { i in
    let lo = max(0, i - half)
    let hi = min(x.count, i - half + window)
    return (prefix[hi] - prefix[lo]) / Double(hi - lo)
  }
}

/// The same, ignoring NaNs (NaN where a window holds none).
func movingAverageSkippingNaN(_ x: [Double], window: Int) -> [Double] {
  guard !x.isEmpty else { return x }
  var sum = [Double](repeating: 0, count: x.count + 1)
  var count = [Double](repeating: 0, count: x.count + 1)
  for i in x.indices {
    let valid = !x[i].isNaN
    sum[i + 1] = sum[i] + (valid ? x[i] : 0)
    count[i + 1] = count[i] + (valid ? 1 : 0)
  }
  let half = window / 2
  return x.indices.map { i in
    if window <= 1 { return x[i] }
    let lo = max(0, i - half)
    let hi = min(x.count, i - half + window)
    let n = count[hi] - count[lo]
    return n > 0 ? (sum[hi] - sum[lo]) / n : .nan
  }
}

/// Every `k`-th sample from the first.
func pointSample(_ x: [Double], every k: Int) -> [Double] {
  guard k > 1 else { return x }
  return stride(from: 0, to: x.count, by: k).map { x[$0] }
}

/// The first index whose time is at or after `time` (`times` ascending).
func firstIndex(in times: [Double], notBefore time: Double) -> Int {
  var low = 0
  var high = times.count
  while low < high {
    let mid = (low + high) / 2
    if times[mid] < time { low = mid + 1 } else { high = mid }
  }
  return low
}

func median(_ x: [Double]) -> Double {
  guard !x.isEmpty else { return 0 }
  let sorted = x.sorted()
  return sorted[sorted.count / 2]
}
