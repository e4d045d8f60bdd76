/// Builds an `Envelope` from blocks of mono samples, each placed by the
/// index of its first sample.
///
/// Sample `i` sits at media time `origin + i / sampleRate`. It belongs to the
/// grid window `k` whose span `[(k − ½)/rate, (k + ½)/rate)` holds that time;
/// the first sample of window `k` is `ceil(((k − ½)/rate − origin)·sampleRate)`,
/// computed the same way wherever it is needed, so accumulators that cover
/// adjacent sample ranges split at window boundaries merge into exactly the
/// envelope one accumulator over the whole range gives (same values, bit for
/// bit: each window is summed by one accumulator, in the same order).
///
/// Each block's share of a window is summed in `Double` and kept per window
/// as a `Float` sum of squares with an `Int32` count (8 bytes a window: an
/// hour at 100 Hz is 2.9 MB; the RMS is a `Float` anyway, and every window
/// gets the same operations in the same order however the work is split).
/// Blocks may arrive in any order and overlap (overlapping samples count
/// twice: the caller places them).
///
/// With `bands`, each window's samples are also split into `AudioBands`
/// energies (`BandSpectrum`: one small FFT per window, 7 more `Float`s a
/// window). A window that arrives in pieces is analysed once it is whole
/// (its samples wait in `pending`); one broken by a discontinuity in the
/// sample indices, or at the end, is analysed piece by piece. The split
/// at window boundaries keeps the bands bit-identical too.
public struct EnvelopeAccumulator: Sendable {
  public let rate: Double
  public let sampleRate: Double
  public let origin: Double
  public let bands: Bool
  private var firstWindow: Int?
  private var sums: [Float] = []
  private var counts: [Int32] = []
  /// `AudioBands.count` energies per window, window after window.
  private var bandSums: [Float] = []
  private var spectrum: BandSpectrum?
  /// Samples of window `pendingWindow` not yet analysed into bands.
  private var pending: [Float] = []
  private var pendingWindow = 0
  /// The index after the last sample added (a block starting elsewhere is
  /// a discontinuity).
  private var nextSample: Int64 = .min

  /// - Parameters:
  ///   - rate: grid points per second (Hz), > 0.
  ///   - sampleRate: audio samples per second.
  ///   - origin: media time of sample 0, seconds.
  ///   - expectedDuration: seconds of audio expected, to size the storage
  ///     once (an hour at 100 Hz is 360,000 windows).
  ///   - bands: also measure the `AudioBands` energies.
  public init(rate: Double, sampleRate: Double, origin: Double, expectedDuration: Double = 0, bands: Bool = false) {
    precondition(rate > 0 && sampleRate > 0, "rates must be positive")
    self.rate = rate
    self.sampleRate = sampleRate
    self.origin = origin
    self.bands = bands
    let windows = Int(min(max(0, expectedDuration * rate), 1e9)) + 2
    sums.reserveCapacity(windows)
    counts.reserveCapacity(windows)
    if bands {
      bandSums.reserveCapacity(windows * AudioBands.count)
      let longest = Int((sampleRate / rate).rounded(.up)) + 1
      spectrum = BandSpectrum(maximumLength: longest, sampleRate: sampleRate)
      pending.reserveCapacity(longest)
    }
  }

  /// An empty accumulator with this one's grid and settings.
  public func emptyCopy(expectedDuration: Double) -> EnvelopeAccumulator {
    EnvelopeAccumulator(
      rate: rate, sampleRate: sampleRate, origin: origin, expectedDuration: expectedDuration, bands: bands)
  }

  /// The first sample index that belongs to window `k`.
  public func firstSample(ofWindow k: Int) -> Int64 {
    let edge = ((Double(k) - 0.5) / rate - origin) * sampleRate
    // A hair below an integer is that integer: keeps exact boundaries exact.
    return Int64((edge - 1e-7).rounded(.up))
  }

  /// The window that sample `index` belongs to.
  public func window(ofSample index: Int64) -> Int {
    var k = Int(((origin + Double(index) / sampleRate) * rate + 0.5).rounded(.down))
    while firstSample(ofWindow: k) > index { k -= 1 }
    while firstSample(ofWindow: k + 1) <= index { k += 1 }
    return k
  }

  /// Adds `samples`, whose first sample has index `startIndex`.
  public mutating func add(_ samples: UnsafeBufferPointer<Float>, startingAt startIndex: Int64) {
    guard !samples.isEmpty, let base = samples.baseAddress else { return }
    if bands, startIndex != nextSample { flushPending() }
    var position = 0
    var k = window(ofSample: startIndex)
    while position < samples.count {
      let windowStart = firstSample(ofWindow: k) - startIndex
      let windowEnd = firstSample(ofWindow: k + 1) - startIndex
      let end = Int(Swift.min(Int64(samples.count), windowEnd))
      if end > position {
        let sum = sumOfSquares(base + position, count: end - position)
        addWindow(k, sum: sum, count: Int32(end - position))
        if bands {
          if Int64(position) == windowStart, Int64(end) == windowEnd, pending.isEmpty {
            addBands(k, base + position, count: end - position)  // whole in this block
          } else {
            if pendingWindow != k { flushPending() }
            pendingWindow = k
            pending.append(contentsOf: UnsafeBufferPointer(start: base + position, count: end - position))
            if Int64(end) == windowEnd { flushPending() }
          }
        }
        position = end
      }
      k += 1
    }
    nextSample = startIndex + Int64(samples.count)
  }

  /// Analyses the pending samples into their window's bands.
  private mutating func flushPending() {
    guard !pending.isEmpty else { return }
    var samples: [Float] = []
    swap(&samples, &pending)  // its buffer is reused, not copied
    samples.withUnsafeBufferPointer { addBands(pendingWindow, $0.baseAddress!, count: $0.count) }
    samples.removeAll(keepingCapacity: true)
    swap(&samples, &pending)
  }

  private mutating func addBands(_ k: Int, _ x: UnsafePointer<Float>, count: Int) {
    guard let first = firstWindow else { return }  // addWindow(k) ran first
    if !isKnownUniquelyReferenced(&spectrum!) { spectrum = spectrum!.copy() }
    let slot = (k - first) * AudioBands.count
    let spectrum = spectrum!
    bandSums.withUnsafeMutableBufferPointer { sums in
      spectrum.addEnergies(of: x, count: count, to: sums.baseAddress! + slot)
    }
  }

  private mutating func addWindow(_ k: Int, sum: Double, count: Int32) {
    if firstWindow == nil {
      firstWindow = k
    }
    guard var first = firstWindow else { return }
    if k < first {
      let grow = first - k
      sums.insert(contentsOf: repeatElement(0, count: grow), at: 0)
      counts.insert(contentsOf: repeatElement(0, count: grow), at: 0)
      if bands { bandSums.insert(contentsOf: repeatElement(0, count: grow * AudioBands.count), at: 0) }
      first = k
      firstWindow = k
    }
    let slot = k - first
    if slot >= sums.count {
      let grow = slot - sums.count + 1
      sums.append(contentsOf: repeatElement(0, count: grow))
      counts.append(contentsOf: repeatElement(0, count: grow))
      if bands { bandSums.append(contentsOf: repeatElement(0, count: grow * AudioBands.count)) }
    }
    sums[slot] = Float(Double(sums[slot]) + sum)
    counts[slot] += count
  }

  /// Adds another accumulator's windows (same rate, sample rate, origin
  /// and bands setting).
  public mutating func merge(_ other: EnvelopeAccumulator) {
    precondition(other.rate == rate && other.sampleRate == sampleRate && other.origin == origin && other.bands == bands)
    var other = other
    other.flushPending()
    flushPending()
    guard let otherFirst = other.firstWindow else { return }
    let b = AudioBands.count
    for slot in other.sums.indices where other.counts[slot] > 0 {
      addWindow(otherFirst + slot, sum: Double(other.sums[slot]), count: other.counts[slot])
      guard bands, let first = firstWindow else { continue }
      let mine = (otherFirst + slot - first) * b
      for band in 0..<b { bandSums[mine + band] += other.bandSums[slot * b + band] }
    }
  }

  /// The envelope from the first to the last window that holds samples.
  public func envelope() -> Envelope {
    guard let first = firstWindow else { return Envelope(rate: rate, firstIndex: 0, values: []) }
    var finished = self
    finished.flushPending()
    var values = [Float](repeating: 0, count: sums.count)
    for slot in sums.indices where counts[slot] > 0 {
      values[slot] = Float((Double(sums[slot]) / Double(counts[slot])).squareRoot())
    }
    var envelope = Envelope(rate: rate, firstIndex: first, values: values)
    if bands {
      let b = AudioBands.count
      envelope.bands = (0..<b).map { band in
        (0..<sums.count).map { slot -> Float in
          guard counts[slot] > 0 else { return 0 }
          return Float((max(0, Double(finished.bandSums[slot * b + band])) / Double(counts[slot])).squareRoot())
        }
      }
    }
    return envelope
  }
}

/// Σ x², in Double, with four independent partial sums so the loop
/// vectorises; the order is fixed by `count`, so equal inputs give equal sums.
@inline(__always)
func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
  var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
  var i = 0
  while i + 4 <= count {
    let a = Double(x[i]), b = Double(x[i + 1]), c = Double(x[i + 2]), d = Double(x[i + 3])
    s0 += a * a
    s1 += b * b
    s2 += c * c
    s3 += d * d
    i += 4
  }
  while i < count {
    let a = Double(x[i])
    s0 += a * a
    i += 1
  }
  return (s0 + s1) + (s2 + s3)
}
