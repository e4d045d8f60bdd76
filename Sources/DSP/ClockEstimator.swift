/// Estimates the clock map between a reference signal (the media's energy
/// envelope, uniformly sampled) and another signal (a sensor channel at its
/// own irregular times, or a second envelope):
///
///     t_reference = offset + scale · (t_other − t_other[0])
///
/// Implementation, in order:
/// 1. Features: both signals are rank-transformed (any monotonic relation —
///    dB vs linear, a compressed sensor — becomes linear) and high-passed
///    (5 s moving average removed).
/// 2. Coarse search over scales in `scaleRange`: at a coarse rate (10 Hz,
///    lower for long recordings so a pass stays cheap), for each scale on a
///    grid fine enough that the far end moves by under half a coarse sample,
///    the overlap-normalised cross-correlation over all lags (FFT, FFTW)
///    gives the best lag; the three best candidates half a second apart at
///    either end are kept.
/// 3. Local lags: the other signal is cut into windows (10–30 s); each is
///    correlated at 100 Hz against the reference around where the candidate
///    map puts it, and its peak refined to a fraction of a sample
///    (parabola). Windows whose peak is weak, ambiguous or at the edge of
///    the searched lags are dropped.
/// 4. A line through the window positions: the pair of windows whose line
///    the most windows agree with, then least squares (outliers beyond
///    max(3·MAD, 15 ms) removed, three rounds).
/// 5. Confidence = the share of windows that agree with the line, times how
///    well they correlate, times one minus the chance that unrelated
///    windows (peaks anywhere in the search range) line up as well.
///    `uncertaintyMs` is twice the line's standard error at the ends of the
///    overlap.
/// 6. Piecewise (`Piecewise.swift`): when the most confident line leaves
///    two or more consecutive windows unexplained (a clock jump, or rows
///    dropped while the timestamps carried on), each such stretch is
///    estimated again on its own (any offset, the line's scale ± 500 ppm).
///    A confident map there more than 50 ms off the line becomes a piece;
///    the boundary is the change point that best explains the samples
///    between the neighbouring pieces' agreeing windows, moved into a gap in
///    the other's times when one lies within a second. Pieces shorter than
///    about two windows (20 s) cannot be found.
public struct ClockEstimator {
  public struct Options: Sendable, Equatable {
    public var scaleRange: ClosedRange<Double> = 0.95...1.05
    /// Minimum overlap as a fraction of the shorter recording.
    public var minimumOverlapFraction: Double = 0.3
    /// Largest |offset| to consider, seconds (nil: any that leaves the overlap).
    public var maximumOffset: Double?
    /// `status` is aligned at or above this confidence.
    public var threshold: Double = 0.5
    /// Look for a change of offset part-way (step 6); false: one line only.
    public var piecewise = true
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
    public var aligned: Bool
    /// Why it was rejected, when it was.
    public var reason: String?
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
  }

  public let options: Options
  public init(options: Options = Options()) { self.options = options }

  /// - Parameters:
  ///   - reference: uniformly sampled values at `referenceRate` Hz; sample
  ///     `i` sits at `referenceStart + i / referenceRate`.
  ///   - otherTimes: strictly the other signal's times (seconds, ascending).
  ///   - otherValues: its values (NaN: missing).
  public func estimate(
    reference: [Double], referenceRate: Double, referenceStart: Double, otherTimes: [Double], otherValues: [Double]
  ) -> Estimate {
    estimate(
      reference: reference, shared: nil, referenceRate: referenceRate, referenceStart: referenceStart,
      otherTimes: otherTimes, otherValues: otherValues)
  }

  /// The reference's feature and its full-length correlator, computed once
  /// per reference and shared with the piecewise step's searches.
  struct ReferenceFeature {
    let values: [Double]
    let correlator: Correlator
  }

  func estimate(
    reference: [Double], shared: ReferenceFeature?, referenceRate: Double, referenceStart: Double,
    otherTimes: [Double], otherValues: [Double]
  ) -> Estimate {
    let rate = referenceRate
    let origin = otherTimes.first ?? 0
    let otherDuration = (otherTimes.last ?? 0) - origin
    let referenceDuration = Double(reference.count) / rate
    func rejected(_ reason: String) -> Estimate {
      Estimate(
        offset: referenceStart, scale: 1, confidence: 0, uncertaintyMs: .infinity, aligned: false, reason: reason,
        windows: [], origin: origin, overlap: referenceStart...referenceStart, coarsePeak: 0)
    }
    guard otherDuration >= 2, referenceDuration >= 2, otherTimes.count >= 20 else {
      return rejected("too short to align (under 2 s or 20 samples)")
    }
    let shorter = min(otherDuration, referenceDuration)
    let minimumOverlap = max(2, options.minimumOverlapFraction * shorter)

    // 1. Features.
    let shared = shared ?? {
      let values = highPass(rankTransform(reference), weights: [Double](repeating: 1, count: reference.count), window: Int(5 * rate))
      return ReferenceFeature(values: values, correlator: Correlator(reference: values))
    }()
    let referenceFeature = shared.values
    // Ranks, with NaN kept where the value is missing.
    let otherFeature = zip(rankTransform(otherValues), otherValues).map { $1.isNaN ? Double.nan : $0 }
    let intervals = zip(otherTimes.dropFirst(), otherTimes).map { $0 - $1 }.sorted()
    let medianInterval = intervals.isEmpty ? 0.01 : max(intervals[intervals.count / 2], 1e-6)
    let maxGap = max(0.25, 5 * medianInterval)

    // 2. Coarse search.
    var coarseRate = 10.0
    for candidate in [10.0, 5, 2, 1] {
      coarseRate = candidate
      if candidate * max(otherDuration, referenceDuration) <= 3000 { break }
    }
    let k = max(1, Int((rate / coarseRate).rounded()))
    coarseRate = rate / Double(k)
    let coarseReference = pointSample(movingAverage(referenceFeature, window: k), every: k)
    let smoothingSamples = max(1, Int((1 / coarseRate / medianInterval).rounded()))
    let smoothedOther = movingAverageSkippingNaN(otherFeature, window: smoothingSamples)
    let correlator = Correlator(reference: coarseReference)
    let scaleStep = 0.5 / (coarseRate * max(otherDuration, 1))
    var candidates: [(r: Double, scale: Double, lag: Double)] = []
    var results: [(r: Double, scale: Double, lag: Double)] = []
    var s = options.scaleRange.lowerBound
    var scales: [Double] = []
    while s <= options.scaleRange.upperBound + 1e-12 {
      scales.append(s)
      s += scaleStep
    }
    if options.scaleRange.contains(1) && !scales.contains(1) { scales.append(1) }
    scales.sort()
    let minimumCoarse = minimumOverlap * coarseRate
    for scale in scales {
      let (values, weights) = resample(times: otherTimes, values: smoothedOther, scale: scale, step: 1 / coarseRate, maxGap: maxGap)
      guard !values.isEmpty else { continue }
      let feature = highPass(values, weights: weights, window: Int(5 * coarseRate))
      let (lags, r) = correlator.correlate(feature, weights: weights, minimumOverlap: minimumCoarse)
      var best = (r: -2.0, index: 0)
      for (index, value) in r.enumerated() where value > best.r {
        let lag = Double(lags.lowerBound + index)
        if let maximum = options.maximumOffset, abs(referenceStart + lag / coarseRate) > maximum { continue }
        best = (value, index)
      }
      guard best.r > -1 else { continue }
      var lag = Double(lags.lowerBound + best.index)
      if best.index > 0 && best.index < r.count - 1 {
        lag += parabolicPeak(r[best.index - 1], r[best.index], r[best.index + 1])
      }
      results.append((best.r, scale, lag))
    }
    for result in results.sorted(by: { $0.r > $1.r }) {
      // Distinct: half a second apart at either end of the other signal (a
      // ridge of scales through one peak is one candidate, not three).
      if candidates.allSatisfy({
        abs($0.lag - result.lag) / coarseRate > 0.5
          || abs(($0.lag / coarseRate + $0.scale * otherDuration) - (result.lag / coarseRate + result.scale * otherDuration)) > 0.5
      }) {
        candidates.append(result)
      }
      if candidates.count == 3 { break }
    }
    guard !candidates.isEmpty else {
      return rejected("the recordings do not overlap by the minimum (\(Int(minimumOverlap)) s) at any offset and scale")
    }

    // 3–5 for each candidate.
    let fine = shared.correlator
    var refined = candidates.map { candidate in
      refine(
        candidate: candidate, coarseRate: coarseRate, scaleStep: scaleStep, reference: referenceFeature,
        correlator: fine, rate: rate, referenceStart: referenceStart, otherTimes: otherTimes,
        otherFeature: otherFeature, maxGap: maxGap, origin: origin, minimumOverlap: minimumOverlap)
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
          chanceAgreement(count: estimate.windows.count, agreeing: agreeing, width: estimate.searchWidth, tolerance: 0.030)
            < 0.05,
          let pieces = piecewise(
            estimate, reference: reference, shared: shared, rate: rate,
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
    if best.aligned,
      let rival = refined.dropFirst().first(where: { other in
        // (A piecewise candidate with a piece on the best line is that line
        // found again, not a rival.)
        // (Nor is a map that explains far fewer windows, e.g. over a short
        // overlap.)
        other.confidence >= 0.8 * best.confidence && abs(other.offset - best.offset) > 0.5
          && other.windows.filter(\.inlier).count >= (best.windows.filter(\.inlier).count * 4 + 4) / 5
          && !other.segments.contains(where: { piece in
            let middle = (piece.otherStart + piece.otherEnd) / 2
            return abs(piece.referenceTime(middle, origin: origin) - (best.offset + best.scale * (middle - origin))) < 0.05
          })
      })
    {
      best.aligned = false
      best.confidence *= 1 - rival.confidence / max(best.confidence, 1e-9) * 0.5
      best.reason =
        "two clock maps fit almost equally well (offsets \(Double(Int(best.offset * 1000)) / 1000) s and \(Double(Int(rival.offset * 1000)) / 1000) s): the signal repeats; narrow the search with --max-offset"
    }
    return best
  }

  private func refine(
    candidate: (r: Double, scale: Double, lag: Double), coarseRate: Double, scaleStep: Double, reference: [Double],
    correlator: Correlator, rate: Double, referenceStart: Double, otherTimes: [Double], otherFeature: [Double],
    maxGap: Double, origin: Double, minimumOverlap: Double
  ) -> Estimate {
    let scale = candidate.scale
    // Coarse map: other time t -> reference time.
    let coarseOffset = referenceStart + candidate.lag / coarseRate
    func predicted(_ t: Double) -> Double { coarseOffset + scale * (t - origin) }
    let duration = (otherTimes.last ?? origin) - origin
    let referenceEnd = referenceStart + Double(reference.count) / rate
    // Windows over the part of the other signal that the coarse map puts on the reference.
    let windowLength = Self.windowLength(duration)
    let margin = 1.5 / coarseRate + scaleStep * duration + 0.25
    var windows: [Window] = []
    var start = origin
    while start + windowLength <= origin + duration + 1e-9 {
      defer { start += windowLength * 0.5 }
      let centre = start + windowLength / 2
      let at = predicted(start)
      guard at - margin >= referenceStart, predicted(start + windowLength) + margin <= referenceEnd else { continue }
      // The window's samples on a 100 Hz grid (reference seconds at this scale).
      // The rows from the window start to a second past its end (binary search: times ascend).
      let from = firstIndex(in: otherTimes, notBefore: start)
      let to = firstIndex(in: otherTimes, notBefore: (start + windowLength + 1).nextUp)
      guard to - from >= 10 else { continue }
      let shifted = (from..<to).map { (otherTimes[$0] - start, otherFeature[$0]) }
      var (a, w) = resample(
        times: shifted.map(\.0), values: shifted.map(\.1), scale: scale, step: 1 / rate, maxGap: maxGap)
      let wanted = Int(windowLength * scale * rate)
      if a.count > wanted {
        a.removeLast(a.count - wanted)
        w.removeLast(w.count - wanted)
      }
      guard Double(w.reduce(0, +)) >= 0.7 * Double(wanted) else { continue }
      let firstGridTime = (shifted.first?.0 ?? 0) + start
      let feature = highPass(a, weights: w, window: Int(5 * rate))
      // The reference segment around the prediction.
      let lo = max(0, Int(((predicted(firstGridTime) - margin) - referenceStart) * rate))
      let hi = min(reference.count, Int(((predicted(firstGridTime) + margin) - referenceStart) * rate) + a.count + 1)
      guard hi - lo > a.count else { continue }
      let segment = Array(reference[lo..<hi])
      let local = Correlator(reference: segment)
      let (lags, r) = local.correlate(feature, weights: w, minimumOverlap: 0.9 * w.reduce(0, +))
      guard let peakIndex = r.indices.max(by: { r[$0] < r[$1] }), r[peakIndex] > 0 else { continue }
      let peak = r[peakIndex]
      // Ambiguity: the best value at least 0.3 s away from the peak.
      let exclusion = Int(0.3 * rate)
      var rival = -1.0
      for i in r.indices where abs(i - peakIndex) > exclusion { rival = max(rival, r[i]) }
      var lag = Double(lags.lowerBound + peakIndex)
      if peakIndex > 0 && peakIndex < r.count - 1 {
        lag += parabolicPeak(r[peakIndex - 1], r[peakIndex], r[peakIndex + 1])
      }
      let referenceTime = referenceStart + (Double(lo) + lag) / rate
      // Window centre on the reference clock: its first grid point plus the
      // centre's distance at this scale.
      let centreOnReference = referenceTime + (centre - firstGridTime) * scale
      let distinct = peak - max(rival, 0)
      windows.append(
        Window(
          otherTime: centre, referenceTime: centreOnReference, quality: peak,
          // A peak at the edge of the searched lags is no peak (unrelated
          // windows pile up there, on a line of their own).
          inlier: distinct > 0.05 && peak > 0.15 && peakIndex > 0 && peakIndex < r.count - 1))
    }
    let usable = windows.filter(\.inlier)
    guard usable.count >= 3 else {
      return Estimate(
        offset: coarseOffset, scale: scale, confidence: 0, uncertaintyMs: .infinity, aligned: false,
        reason: "too few windows correlate clearly (\(usable.count) of \(windows.count)); the signals may be unrelated",
        windows: windows.map { var w = $0; w.inlier = false; return w }, origin: origin,
        overlap: overlapRange(coarseOffset, scale, origin, duration, referenceStart, referenceEnd),
        coarsePeak: candidate.r)
    }
    // 4. Robust line: the line through two windows that the most windows
    // agree with (a jump part-way must not give a line between the two
    // parts), then least squares with outliers trimmed.
    var inliers = consensus(usable, origin: origin)
    var fit = lineFit(inliers, origin: origin)
    for _ in 0..<3 {
      let residuals = inliers.map { abs($0.referenceTime - (fit.intercept + fit.slope * ($0.otherTime - origin))) }
      let mad = median(residuals)
      let limit = max(3 * mad * 1.4826, 0.015)
      let kept = inliers.filter { abs($0.referenceTime - (fit.intercept + fit.slope * ($0.otherTime - origin))) <= limit }
      if kept.count == inliers.count || kept.count < 3 { break }
      inliers = kept
      fit = lineFit(inliers, origin: origin)
    }
    // 4b. One correlation over the whole overlap at 100 Hz, around the line:
    // every sample counts at once, which beats averaging window lags when
    // the windows are noisy (sparse events, low SNR).
    // Only when the windows scatter: where they agree closely, their line is
    // the better estimate (a global peak can be biased by envelope shapes
    // that differ between the devices).
    let lineResiduals = inliers.map { $0.referenceTime - (fit.intercept + fit.slope * ($0.otherTime - origin)) }
    let lineRMS = (lineResiduals.reduce(0) { $0 + $1 * $1 } / Double(max(1, lineResiduals.count - 2))).squareRoot()
    // (Also only while the windows are few: with dozens the line is already
    // precise, and an hour-long correlation at 100 Hz costs memory.)
    // (And only for a plausible line: most windows on it. A wrong candidate
    // would pay for an hour-long correlation for nothing.)
    if lineRMS > 0.008, inliers.count < 40, 2 * inliers.count >= windows.count, let refined = globalRefine(
      offset: fit.intercept, scale: fit.slope, correlator: correlator, rate: rate, referenceStart: referenceStart,
      otherTimes: otherTimes, otherFeature: otherFeature, maxGap: maxGap, origin: origin,
      minimumOverlap: minimumOverlap)
    {
      fit = refined
    }
    let tolerance = 0.030
    var finalWindows = windows
    var agreeing = 0
    var qualitySum = 0.0
    for i in finalWindows.indices {
      let residual = abs(finalWindows[i].referenceTime - (fit.intercept + fit.slope * (finalWindows[i].otherTime - origin)))
      finalWindows[i].inlier = residual <= tolerance && finalWindows[i].inlier
      if finalWindows[i].inlier {
        agreeing += 1
        qualitySum += finalWindows[i].quality
      }
    }
    let share = Double(agreeing) / Double(max(windows.count, 1))
    let meanQuality = agreeing > 0 ? qualitySum / Double(agreeing) : 0
    // Calibrated on the public bench (positives and unrelated pairs): see README.
    // Discounted by the chance that unrelated windows line up this well.
    let chance = chanceAgreement(count: windows.count, agreeing: agreeing, width: 2 * margin, tolerance: tolerance)
    let confidence = min(1, max(0, share * min(1, 0.4 + meanQuality) * (1 - chance)))
    let residuals = inliers.map { $0.referenceTime - (fit.intercept + fit.slope * ($0.otherTime - origin)) }
    let rms = (residuals.reduce(0) { $0 + $1 * $1 } / Double(max(1, residuals.count - 2))).squareRoot()
    let uncertainty = 2 * rms / Double(inliers.count).squareRoot() * 2 * 1000
    let overlap = overlapRange(fit.intercept, fit.slope, origin, duration, referenceStart, referenceEnd)
    let overlapLength = overlap.upperBound - overlap.lowerBound
    var reason: String? = nil
    var aligned = confidence >= options.threshold
    if !aligned {
      reason = "only \(agreeing) of \(windows.count) windows agree on one clock map (confidence \(Double(Int(confidence * 1000)) / 1000))"
    } else if overlapLength < minimumOverlap {
      aligned = false
      reason = "the overlap (\(Int(overlapLength)) s) is under the minimum (\(Int(minimumOverlap)) s)"
    } else if !options.scaleRange.contains(fit.slope) {
      aligned = false
      reason = "the fitted scale \(fit.slope) is outside --scale-range"
    }
    return Estimate(
      offset: fit.intercept, scale: fit.slope, confidence: confidence, uncertaintyMs: uncertainty, aligned: aligned,
      reason: reason, windows: finalWindows, origin: origin, overlap: overlap, coarsePeak: candidate.r,
      searchWidth: 2 * margin)
  }

  /// Correlates the whole other signal (at 100 Hz, at scales around
  /// `scale`) with the reference for lags within ±60 ms of the line's, and
  /// refines lag and scale by parabolas. Nil when the peak is not clear.
  private func globalRefine(
    offset: Double, scale: Double, correlator: Correlator, rate: Double, referenceStart: Double,
    otherTimes: [Double], otherFeature: [Double], maxGap: Double, origin: Double, minimumOverlap: Double
  ) -> (intercept: Double, slope: Double)? {
    let duration = (otherTimes.last ?? origin) - origin
    // A scale step that moves the far end by about 2 samples.
    let step = 2 / (rate * max(duration, 1))
    var peaks: [(scale: Double, r: Double, lag: Double)] = []
    for k in -2...2 {
      let s = scale + Double(k) * step
      let (values, weights) = resample(times: otherTimes, values: otherFeature, scale: s, step: 1 / rate, maxGap: maxGap)
      guard values.count > 10 else { return nil }
      let feature = highPass(values, weights: weights, window: Int(5 * rate))
      let (lags, r) = correlator.correlate(feature, weights: weights, minimumOverlap: minimumOverlap * rate)
      let expected = (offset - referenceStart) * rate
      let lo = max(0, Int((expected - 0.06 * rate).rounded(.down)) - lags.lowerBound)
      let hi = min(r.count - 1, Int((expected + 0.06 * rate).rounded(.up)) - lags.lowerBound)
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
    let lag = f >= 0
      ? peaks[top].lag + f * (peaks[top + 1].lag - peaks[top].lag)
      : peaks[top].lag - f * (peaks[top - 1].lag - peaks[top].lag)
    let intercept = referenceStart + lag / rate
    // Trust it only near the line (it refines, it does not overrule).
    let far = offset + scale * duration
    guard abs(intercept - offset) < 0.05, abs((intercept + bestScale * duration) - far) < 0.05 else { return nil }
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

  /// Step 3's window length for an other signal `duration` seconds long.
  static func windowLength(_ duration: Double) -> Double { min(30, max(10, duration / 8)) }

  /// The windows within 30 ms of the line through the pair of windows whose
  /// line the most (by quality²) windows agree with. Pairs closer than a
  /// fifth of the windows' span are skipped (their slope is loose); with many
  /// windows a spread subset of the pairs is tried.
  private func consensus(_ windows: [Window], origin: Double) -> [Window] {
    let n = windows.count
    guard n >= 3, let first = windows.first?.otherTime, let last = windows.last?.otherTime else { return windows }
    let minimumSpan = 0.2 * (last - first)
    let stride = max(1, n / 60)
    var best: (score: Double, members: [Window]) = (0, windows)
    for i in Swift.stride(from: 0, to: n, by: stride) {
      for j in Swift.stride(from: i + 1, to: n, by: stride) {
        let a = windows[i]
        let b = windows[j]
        let dt = b.otherTime - a.otherTime
        guard dt >= minimumSpan else { continue }
        let slope = (b.referenceTime - a.referenceTime) / dt
        guard options.scaleRange.contains(slope) else { continue }
        var score = 0.0
        for w in windows where abs(w.referenceTime - (a.referenceTime + slope * (w.otherTime - a.otherTime))) <= 0.030 {
          score += w.quality * w.quality
        }
        if score > best.score {
          best = (score, windows.filter {
            abs($0.referenceTime - (a.referenceTime + slope * ($0.otherTime - a.otherTime))) <= 0.030
          })
        }
      }
    }
    return best.members.count >= 3 ? best.members : windows
  }

  /// Least squares `y = intercept + slope · (x − origin)`, each window
  /// weighted by its peak correlation squared.
  func lineFit(_ windows: [Window], origin: Double) -> (intercept: Double, slope: Double) {
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
    let slope = sxx > 0 ? sxy / sxx : 1
    return (my - slope * (mx - origin), slope)
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
