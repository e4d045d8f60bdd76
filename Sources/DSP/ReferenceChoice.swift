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
/// from the best band while the correlation rises by `widening`).
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

  /// Which signal: nil is the broadband envelope, `lo...hi` a run of bands.
  typealias Key = ClosedRange<Int>?

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
    features[nil] = feature
  }


  func feature(_ key: Key) -> Feature {
    if let known = features[key] { return known }
    let made = Feature(raw: raw(key), rate: rate)
    features[key] = made
    return made
  }

  private func raw(_ key: Key) -> [Double] {
    guard let run = key else { return broadband }
    return (0..<count).map { i in run.reduce(0.0) { $0 + bands[$1][i] * bands[$1][i] }.squareRoot() }
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
  ) -> (key: Key, r: Double) {
    let f = factor
    let choiceRate = rate / Double(f)
    guard !usableBands.isEmpty,
      let grid = ChoiceGrid(
        offset: offset, scale: scale, rate: choiceRate,
        referenceStart: referenceStart + Double(f - 1) / (2 * rate), referenceCount: count / f,
        otherTimes: otherTimes, otherFeature: otherFeature, maxGap: maxGap)
    else { return (nil, 0) }
    let lags = Int((margin * choiceRate).rounded(.up))
    func r(_ key: Key) -> Double { grid.peak(choiceFeature(key), lags: lags) }
    var best: (key: Key, r: Double) = (nil, r(nil))
    var single: (band: Int, r: Double)?
    for band in usableBands {
      let value = r(band...band)
      if value > (single?.r ?? -1) { single = (band, value) }
    }
    guard let single else { return best }
    var run = single.band...single.band
    var runR = single.r
    while true {
      var next: (run: ClosedRange<Int>, r: Double)?
      for wider in [(run.lowerBound - 1)...run.upperBound, run.lowerBound...(run.upperBound + 1)]
      where usableBands.contains(wider.lowerBound) && usableBands.contains(wider.upperBound) {
        let value = r(wider)
        if value > (next?.r ?? -1) { next = (wider, value) }
      }
      guard let next, next.r > runR * Self.widening else { break }
      run = next.run
      runR = next.r
    }
    if runR > best.r { best = (run, runR) }
    return best
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

  /// The largest normalised correlation with `reference` at lags within
  /// ± `lags` grid samples.
  func peak(_ reference: [Double], lags: Int) -> Double {
    var best = 0.0
    for lag in -lags...lags {
      var xy = 0.0, xx = 0.0, yy = 0.0
      var i = 0
      while i < values.count {
        let j = start + lag + i
        if j >= 0, j < reference.count, weights[i] > 0 {
          let x = values[i], y = reference[j]
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
