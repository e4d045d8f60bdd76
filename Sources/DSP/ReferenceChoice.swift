import Foundation

/// The media signals a sensor may follow, and the choice among them.
///
/// A sensor hears the world through its own physics: a loudness meter
/// follows the broadband energy, a contact microphone or a band-limited
/// level meter the energy of its band. Under the broadband envelope the
/// loudest band (speech's 200–800 Hz, say) dominates, so the windows of a
/// sensor that hears 2–4 kHz correlate weakly and their lags are biased by
/// tens of milliseconds. So each coarse candidate picks, by correlation
/// around its map, the signal the sensor follows best: the broadband
/// envelope, one `AudioBands` band, or a run of neighbouring bands (grown
/// from the best band while the correlation rises by `widening`), and then
/// how much to smooth it: a sensor that smooths what it hears (a level
/// meter's time constant, a rectify-and-smooth circuit) correlates with a
/// reference smoothed alike, zero-phase (`zeroPhaseLowPass` at one of
/// `smoothings`). Unsmoothed, the rank correlation of a sharp reference
/// with a smooth sensor peaks 10–25 ms off the truth on envelopes that rise
/// fast and decay slowly (measured on the stress benchmark against an
/// independent numpy correlation), and correlates less.
final class ReferenceSignals {
  /// The feature of one reference signal (rank-transformed, high-passed)
  /// and, made when first needed, its full-length correlator.
  final class Feature {
    let values: [Double]
    private(set) lazy var correlator = Correlator(reference: values)
    init(values: [Double]) { self.values = values }

    convenience init(raw: [Double], rate: Double) {
      let ones = [Double](repeating: 1, count: raw.count)
      self.init(values: highPass(rankTransform(raw), weights: ones, window: Int(5 * rate)))
    }
  }

  /// Which signal: the broadband envelope (`bands` nil) or a run of bands
  /// `lo...hi`, smoothed at `smoothingHz` (nil: not smoothed).
  struct Key: Hashable {
    var bands: ClosedRange<Int>?
    var smoothingHz: Double?
    static let broadband = Key(bands: nil, smoothingHz: nil)
  }

  /// Low-pass cut-offs tried for a smooth sensor (Hz), in descending
  /// octaves, from barely smoothed to a level meter's "slow" (1 s) time
  /// constant; the best is refined between its neighbours.
  static let smoothings = [32.0, 16.0, 8.0, 4.0, 2.0, 1.0]
  /// A smoothing is tried only where the overlap holds at least this many
  /// periods of its cut-off: a smoothed reference has fewer independent
  /// samples, and over a short overlap the extra choice fitted unrelated
  /// signals (two negatives of the stress benchmark, 8 and 14 s long).
  static let minimumSmoothedCycles = 150.0
  /// A smoothing is taken when it raises the full-rate correlation by this
  /// factor.
  static let smoothingGain = 1.02

  /// A widened band run is taken when its correlation is at least this
  /// factor above the narrower one's (1 %: more bands add their noise too).
  static let widening = 1.01
  /// The choice correlates at most this many grid samples (a stride over
  /// longer overlaps: the choice needs the correlation's level, not its
  /// finest lag).
  static let maximumChoiceSamples = 20_000

  let rate: Double
  let count: Int
  private let broadband: [Double]
  private let bands: [[Double]]
  /// Bands that carry a signal (a band above the Nyquist frequency is all zeros).
  let usableBands: [Int]
  private var features: [Key: Feature] = [:]

  /// - Parameters:
  ///   - broadband: the broadband envelope.
  ///   - bands: the `AudioBands` envelopes on the same grid, or none.
  init(broadband: [Double], bands: [[Double]], rate: Double) {
    self.rate = rate
    self.broadband = broadband
    count = broadband.count
    let bands = bands.allSatisfy { $0.count == broadband.count } ? bands : []
    self.bands = bands
    // At least a tenth of the windows hold energy in the band.
    usableBands = bands.indices.filter { bands[$0].count { $0 > 0 } * 10 >= max(1, broadband.count) }
  }

  /// One signal only, whose feature is made already (the piecewise step
  /// searches its stretches on the signal its line was measured on).
  init(only feature: Feature, rate: Double) {
    self.rate = rate
    broadband = []
    count = feature.values.count
    bands = []
    usableBands = []
    features[.broadband] = feature
  }

  func feature(_ key: Key) -> Feature {
    if let known = features[key] { return known }
    let made = Feature(raw: raw(key), rate: rate)
    features[key] = made
    return made
  }

  private var raws: [ClosedRange<Int>?: [Double]] = [:]

  private func raw(_ key: Key) -> [Double] {
    let signal: [Double]
    if let known = raws[key.bands] {
      signal = known
    } else if let run = key.bands {
      signal = (0..<count).map { i in run.reduce(0.0) { $0 + bands[$1][i] * bands[$1][i] }.squareRoot() }
      raws[key.bands] = signal
    } else {
      signal = broadband
    }
    guard let cutoff = key.smoothingHz else { return signal }
    return zeroPhaseLowPass(signal, cutoff: cutoff, rate: rate)
  }

  /// The choice compares signals at about this rate (Hz): block means of
  /// the reference, a fifth of the work per signal and a 25th per
  /// correlation at 100 Hz; the level of a correlation, which is all the
  /// choice needs, is the same.
  static let choiceRate = 20.0
  private var factor: Int { max(1, Int((rate / Self.choiceRate).rounded(.down))) }
  private var choiceFeatures: [Key: [Double]] = [:]

  /// The signal's feature on the choice grid (block means of `factor`
  /// reference samples; block `k` is centred on reference sample
  /// `k·factor + (factor − 1)/2`).
  private func choiceFeature(_ key: Key) -> [Double] {
    if let known = choiceFeatures[key] { return known }
    let means = blockMean(raw(key), factor)
    let rate = self.rate / Double(factor)
    let ones = [Double](repeating: 1, count: means.count)
    let made = highPass(rankTransform(means), weights: ones, window: Int(5 * rate))
    choiceFeatures[key] = made
    return made
  }

  /// The signal the other follows best near the map `offset + scale·(t −
  /// origin)` (lags within ± `margin` seconds), with its peak correlation.
  func choose(
    offset: Double, scale: Double, margin: Double, referenceStart: Double, otherTimes: [Double],
    otherFeature: [Double], maxGap: Double
  ) -> (key: Key, r: Double, smoothed: Key?) {
    let f = factor
    let choiceRate = rate / Double(f)
    guard
      let grid = ChoiceGrid(
        offset: offset, scale: scale, rate: choiceRate,
        referenceStart: referenceStart + Double(f - 1) / (2 * rate), referenceCount: count / f,
        otherTimes: otherTimes, otherFeature: otherFeature, maxGap: maxGap)
    else { return (.broadband, 0, nil) }
    let lags = Int((margin * choiceRate).rounded(.up))
    func r(_ key: Key) -> Double { grid.peak(choiceFeature(key), lags: lags) }
    var best: (key: Key, r: Double) = (.broadband, r(.broadband))
    var single: (band: Int, r: Double)?
    for band in usableBands {
      let value = r(Key(bands: band...band))
      if value > (single?.r ?? -1) { single = (band, value) }
    }
    if let single {
      var run = single.band...single.band
      var runR = single.r
      while true {
        var next: (run: ClosedRange<Int>, r: Double)?
        for wider in [(run.lowerBound - 1)...run.upperBound, run.lowerBound...(run.upperBound + 1)]
        where usableBands.contains(wider.lowerBound) && usableBands.contains(wider.upperBound) {
          let value = r(Key(bands: wider))
          if value > (next?.r ?? -1) { next = (wider, value) }
        }
        guard let next, next.r > runR * Self.widening else { break }
        run = next.run
        runR = next.r
      }
      if runR > best.r { best = (Key(bands: run), runR) }
    }
    // Then the smoothing, on the chosen signal, judged at the full rate
    // (on the choice grid a smoothed reference correlates better with any
    // sensor, a sharp one too, whose lags it then blurs): the cut-off that
    // correlates best, if it beats the unsmoothed signal by `smoothingGain`. The
    // best cut-off matches the sensor's, and a mismatch biases the lags (by
    // about 20 ms for a third of an octave at 3 Hz), so the best octave is
    // refined by a parabola through its neighbours in log frequency.
    guard
      let fine = ChoiceGrid(
        offset: offset, scale: scale, rate: rate, referenceStart: referenceStart, referenceCount: count,
        otherTimes: otherTimes, otherFeature: otherFeature, maxGap: maxGap)
    else { return (best.key, best.r, nil) }
    let fineLags = Int((margin * rate).rounded(.up))
    // Judged on at most `maximumChoiceSamples` of the overlap's middle, on a
    // feature of the reference there (7 s more each side for the filter
    // and the high-pass to settle), so each cut-off costs a few
    // milliseconds however long the recordings are.
    let window = fine.middle(Self.maximumChoiceSamples)
    let pad = Int(7 * rate) + fineLags
    let lo = max(0, window.start - pad)
    let hi = min(count, window.start + window.values.count + pad)
    // (`init(only:)` holds a feature and no raw signal to smooth.)
    let base = raw(Key(bands: best.key.bands))
    guard hi - lo > 2 * pad, base.count == count else { return (best.key, best.r, nil) }
    let slice = Array(base[lo..<hi])
    func correlation(_ cutoff: Double?) -> Double {
      let smoothed = cutoff.map { zeroPhaseLowPass(slice, cutoff: $0, rate: rate) } ?? slice
      return window.peak(Feature(raw: smoothed, rate: rate).values, lags: fineLags, referenceOffset: lo)
    }
    let unsmoothed = correlation(nil)
    let seconds = Double(fine.values.count) / rate
    func allowed(_ cutoff: Double) -> Bool {
      cutoff * seconds >= Self.minimumSmoothedCycles && cutoff < 0.45 * rate
    }
    let cutoffs = Self.smoothings.filter(allowed)
    let values = cutoffs.map { correlation($0) }
    guard let top = values.indices.max(by: { values[$0] < values[$1] }) else { return (best.key, best.r, nil) }
    var smoothed = (cutoff: cutoffs[top], r: values[top])
    // Half an octave either side (where the overlap allows), then the
    // vertex of the parabola through the three, in log frequency.
    let (upper, lower) = (smoothed.cutoff * 2.squareRoot(), smoothed.cutoff / 2.squareRoot())
    if allowed(upper), allowed(lower) {
      let (a, b, c) = (correlation(upper), smoothed.r, correlation(lower))
      for (cutoff, value) in [(upper, a), (lower, c)] where value > smoothed.r { smoothed = (cutoff, value) }
      let denominator = a - 2 * b + c
      if denominator < 0 {
        // In half-octaves from the middle one, towards the larger cut-off.
        let steps = max(-1, min(1, -0.5 * (a - c) / denominator))
        let refined = cutoffs[top] * pow(2, steps / 2)
        let value = correlation(refined)
        if value > smoothed.r { smoothed = (refined, value) }
      }
    }
    let key = Key(bands: best.key.bands, smoothingHz: smoothed.cutoff)
    return (best.key, best.r, smoothed.r > unsmoothed * Self.smoothingGain ? key : nil)
  }
}

/// The other's feature over the stretch a map puts on the reference,
/// resampled onto the reference grid and high-passed, for correlations at
/// small lags around that map.
private struct ChoiceGrid {
  let values: [Double]
  let weights: [Double]
  /// The reference index of `values[0]` under the map.
  let start: Int
  let stride: Int

  init?(
    offset: Double, scale: Double, rate: Double, referenceStart: Double, referenceCount: Int, otherTimes: [Double],
    otherFeature: [Double], maxGap: Double
  ) {
    guard let origin = otherTimes.first,
      let stretch = WindowLags.facingStretch(
        offset: offset, scale: scale, rate: rate, referenceStart: referenceStart,
        referenceEnd: referenceStart + Double(referenceCount) / rate, otherTimes: otherTimes,
        otherFeature: otherFeature, maxGap: maxGap),
      stretch.grid.count > 10
    else { return nil }
    values = highPass(stretch.grid, weights: stretch.weights, window: Int(5 * rate))
    weights = stretch.weights
    start = Int(((offset + scale * (stretch.firstTime - origin) - referenceStart) * rate).rounded())
    stride = max(1, stretch.grid.count / ReferenceSignals.maximumChoiceSamples)
  }

  private init(values: [Double], weights: [Double], start: Int, stride: Int) {
    self.values = values
    self.weights = weights
    self.start = start
    self.stride = stride
  }

  /// The middle `maximum` samples (all when fewer), correlated one by one.
  func middle(_ maximum: Int) -> ChoiceGrid {
    let skip = max(0, (values.count - maximum) / 2)
    let range = skip..<min(values.count, skip + maximum)
    return ChoiceGrid(values: Array(values[range]), weights: Array(weights[range]), start: start + skip, stride: 1)
  }

  /// The largest normalised correlation with `reference` at lags within
  /// ± `lags` grid samples; `reference[0]` is reference sample
  /// `referenceOffset`.
  func peak(_ reference: [Double], lags: Int, referenceOffset: Int = 0) -> Double {
    var best = 0.0
    for lag in -lags...lags {
      var xy = 0.0
      var xx = 0.0
      var yy = 0.0
      var i = 0
      while i < values.count {
        let j = start + lag + i - referenceOffset
        if j >= 0, j < reference.count, weights[i] > 0 {
          let x = values[i]
          let y = reference[j]
          xy += x * y
          xx += x * x
          yy += y * y
        }
        i += stride
      }
      if xx > 0, yy > 0 { best = max(best, xy / (xx * yy).squareRoot()) }
    }
    return best
  }
}
