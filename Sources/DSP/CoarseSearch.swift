/// Stage 2 of `ClockEstimator`: where, and at what scale, the other signal
/// can lie on the reference, at a coarse rate.
///
/// For each scale of the `ScaleSpace` grid (spaced so that the overlap's
/// far end moves by under half a coarse sample, `step = 0.5 / (rate ·
/// overlap)`, the overlap being the shorter recording: the position is
/// found per scale, so only the scale's effect across the overlap counts),
/// the overlap-normalised cross-correlation over every lag (FFT) gives the
/// best offset. Two orientations, one result:
/// - **the other is shorter** (or about as long): the other is resampled
///   per scale and slid along the reference (whose spectra are cached);
/// - **the other is much longer** (a clip inside a day-long log): the
///   other is resampled once onto a uniform grid of its own clock and
///   becomes the fixed side, and the short reference is resampled per
///   scale (`step · scale`) and slid along it. The cost is then one FFT of
///   the log per scale, and the log's length enters only through it.
///
/// The coarse rate keeps the longer side under `maximumSamples` and the
/// whole search under `maximumWork` (10 Hz down to 0.5 Hz).
struct CoarseSearch {
  struct Candidate: Sendable, Equatable {
    /// Peak correlation.
    var r: Double
    var scale: Double
    /// Reference time of the other's first sample (`origin`).
    var offset: Double
  }

  /// Coarse samples of the longer side, at most (one FFT of about twice
  /// this per scale).
  static let maximumSamples = 400_000.0
  /// Scales times coarse samples, at most (the search's cost): the coarse
  /// rate is the highest of 10, 5, 2, 1, 0.5 Hz within it — 5 Hz for a
  /// minute inside 4 hours, 1 Hz for an hour against an hour (1 s per case
  /// less than 2 Hz, no accuracy lost on the stress cases), 1 Hz for 5
  /// minutes inside a day.
  static let maximumWork = 5e6
  /// The other must be this much longer than the reference (in reference
  /// seconds) to be the fixed side.
  static let longOtherRatio = 1.5
  /// Candidates are distinct when their maps differ by this much (s) at
  /// either end of the overlap (a ridge of scales through one peak is one
  /// candidate, not three).
  static let distinctSeconds = 0.5
  /// How many candidates go on to the windows.
  static let candidateCount = 3

  let rate: Double
  let step: Double
  let scales: [Double]
  let longOther: Bool

  /// - Parameters:
  ///   - otherDuration, referenceDuration: seconds on each clock.
  init(space: ScaleSpace, otherDuration: Double, referenceDuration: Double, referenceRate: Double) {
    longOther = otherDuration > Self.longOtherRatio * referenceDuration
    let longer = max(otherDuration, referenceDuration)
    let overlap = max(1, min(otherDuration, referenceDuration))
    let width = space.bands.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) }
    // Scales × samples: (width / step) · rate · longer = 2 · width · rate² · overlap · longer.
    func work(_ rate: Double) -> Double { 2 * width * rate * rate * overlap * longer }
    var coarse = 0.5
    for candidate in [10.0, 5, 2, 1, 0.5]
    where candidate * longer <= Self.maximumSamples && work(candidate) <= Self.maximumWork {
      coarse = candidate
      break
    }
    // Whole reference samples per coarse sample.
    let k = max(1, Int((referenceRate / coarse).rounded()))
    rate = referenceRate / Double(k)
    step = 0.5 / (rate * overlap)
    scales = space.grid(step: step)
  }

  /// The best candidates, most correlated first.
  /// - Parameters:
  ///   - referenceFeature: the reference's feature at `referenceRate` Hz,
  ///     its sample 0 at `referenceStart`.
  ///   - otherTimes, otherFeature: the other's samples (NaN: missing).
  func candidates(
    referenceFeature: [Double], referenceRate: Double, referenceStart: Double, otherTimes: [Double],
    otherFeature: [Double], medianInterval: Double, maxGap: Double, minimumOverlap: Double, maximumOffset: Double?
  ) -> [Candidate] {
    let k = max(1, Int((referenceRate / rate).rounded()))
    let coarseReference = pointSample(movingAverage(referenceFeature, window: k), every: k)
    let smoothing = max(1, Int((1 / rate / medianInterval).rounded()))
    let smoothedOther = movingAverageSkippingNaN(otherFeature, window: smoothing)
    let origin = otherTimes.first ?? 0
    let minimumSamples = minimumOverlap * rate
    var results: [Candidate] = []
    func allowed(_ offset: Double) -> Bool { maximumOffset.map { abs(offset) <= $0 } ?? true }

    if longOther {
      // The other, once, on a uniform grid of its own clock.
      let (values, weights) = resample(
        times: otherTimes, values: smoothedOther, scale: 1, step: 1 / rate, maxGap: maxGap)
      guard !values.isEmpty else { return [] }
      let fixed = Correlator(reference: highPass(values, weights: weights, window: Int(5 * rate)))
      for scale in scales {
        // The reference at media times referenceStart + j · scale / rate.
        let count = Int(Double(coarseReference.count - 1) / scale) + 1
        guard count > 2 else { continue }
        var template = [Double](repeating: 0, count: count)
        for j in 0..<count {
          let x = Double(j) * scale
          let i = min(Int(x), coarseReference.count - 2)
          let f = x - Double(i)
          template[j] = coarseReference[i] * (1 - f) + coarseReference[i + 1] * f
        }
        let ones = [Double](repeating: 1, count: count)
        let feature = highPass(template, weights: ones, window: Int(5 * rate))
        let (lags, r) = fixed.correlate(feature, weights: ones, minimumOverlap: min(minimumSamples, Double(count)))
        guard let best = bestLag(r, lags: lags, offset: { referenceStart - scale * $0 / rate }, allowed: allowed)
        else { continue }
        results.append(Candidate(r: best.r, scale: scale, offset: referenceStart - scale * best.lag / rate))
      }
    } else {
      let correlator = Correlator(reference: coarseReference)
      // The smoothed other holds nothing faster than the coarse rate: four
      // of its samples per coarse sample are enough to resample it at each
      // scale (a 100 Hz hour at 0.5 Hz: 360,000 rows become 1,800, for each
      // of some 170 scales).
      let thin = max(1, smoothing / 4)
      let thinTimes = thin > 1 ? pointSample(otherTimes, every: thin) : otherTimes
      let thinValues = thin > 1 ? pointSample(smoothedOther, every: thin) : smoothedOther
      let thinGap = max(maxGap, 2.5 * Double(thin) * medianInterval)
      for scale in scales {
        let (values, weights) = resample(
          times: thinTimes, values: thinValues, scale: scale, step: 1 / rate, maxGap: thinGap)
        guard !values.isEmpty else { continue }
        let feature = highPass(values, weights: weights, window: Int(5 * rate))
        let (lags, r) = correlator.correlate(feature, weights: weights, minimumOverlap: minimumSamples)
        guard let best = bestLag(r, lags: lags, offset: { referenceStart + $0 / rate }, allowed: allowed) else {
          continue
        }
        results.append(Candidate(r: best.r, scale: scale, offset: referenceStart + best.lag / rate))
      }
    }
    // Distinct candidates: compared at the ends of the other's stretch that
    // faces the reference.
    let otherEnd = otherTimes.last ?? origin
    let referenceEnd = referenceStart + Double(referenceFeature.count) / referenceRate
    var chosen: [Candidate] = []
    for result in results.sorted(by: { $0.r > $1.r }) {
      let a = max(origin, origin + (referenceStart - result.offset) / result.scale)
      let b = min(otherEnd, origin + (referenceEnd - result.offset) / result.scale)
      func at(_ c: Candidate, _ t: Double) -> Double { c.offset + c.scale * (t - origin) }
      if chosen.allSatisfy({
        abs(at($0, a) - at(result, a)) > Self.distinctSeconds || abs(at($0, b) - at(result, b)) > Self.distinctSeconds
      }) {
        chosen.append(result)
      }
      if chosen.count == Self.candidateCount { break }
    }
    return chosen
  }

  /// The highest correlation whose offset is allowed, refined by a parabola.
  private func bestLag(
    _ r: [Double], lags: Range<Int>, offset: (Double) -> Double, allowed: (Double) -> Bool
  ) -> (r: Double, lag: Double)? {
    var best = (r: -2.0, index: 0)
    for (index, value) in r.enumerated() where value > best.r {
      guard allowed(offset(Double(lags.lowerBound + index))) else { continue }
      best = (value, index)
    }
    guard best.r > -1 else { return nil }
    var lag = Double(lags.lowerBound + best.index)
    if best.index > 0 && best.index < r.count - 1 {
      lag += parabolicPeak(r[best.index - 1], r[best.index], r[best.index + 1])
    }
    return (best.r, lag)
  }
}
