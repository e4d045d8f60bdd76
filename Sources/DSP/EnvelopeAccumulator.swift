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
/// With `bands`, each window also gets `AudioBands` energies
/// (`BandSpectrum`: one FFT per window, `AudioBands.count` more `Float`s a
/// window). The band frame of window `k` is a Hann-weighted stretch of
/// `AudioBands.frameWindows` windows centred on `k` (30 ms at 100 Hz, so
/// bins of about 33 Hz: a sensor that hears 40–130 Hz has bands that follow
/// it). Frames overlap, so the samples of the windows around `k` are kept
/// until its frame is whole; a frame cut by a discontinuity in the sample
/// indices, or by the ends of the audio, is analysed from the samples it
/// has. An accumulator can own only some windows (`owned`): the samples of
/// the others are context for its frames and add nothing. A part that owns
/// windows `a..<b` and is given the samples of `contextRange(owning:)`
/// computes those windows' frames from exactly the samples a single
/// accumulator would, so the bands are bit-identical too.
public struct EnvelopeAccumulator: Sendable {
  public let rate: Double
  public let sampleRate: Double
  public let origin: Double
  public let bands: Bool
  /// The windows whose sums and bands this accumulator keeps.
  public let owned: Range<Int>
  private var firstWindow: Int?
  private var sums: [Float] = []
  private var counts: [Int32] = []
  /// `AudioBands.count` mean squares per window, window after window.
  private var bandSums: [Float] = []
  private var spectrum: BandSpectrum?
  /// Contiguous samples from index `recentStart`, kept for the band frames
  /// not yet analysed (from the window before `nextFrame` on).
  private var recent: [Float] = []
  private var recentStart: Int64 = 0
  /// The next window whose band frame is to be analysed.
  private var nextFrame = 0

  /// - Parameters:
  ///   - rate: grid points per second (Hz), > 0.
  ///   - sampleRate: audio samples per second.
  ///   - origin: media time of sample 0, seconds.
  ///   - expectedDuration: seconds of audio expected, to size the storage
  ///     once (an hour at 100 Hz is 360,000 windows).
  ///   - bands: also measure the `AudioBands` energies.
  ///   - owned: the windows kept (all by default).
  public init(
    rate: Double, sampleRate: Double, origin: Double, expectedDuration: Double = 0, bands: Bool = false,
    owned: Range<Int> = Int.min..<Int.max
  ) {
    precondition(rate > 0 && sampleRate > 0, "rates must be positive")
    self.rate = rate
    self.sampleRate = sampleRate
    self.origin = origin
    self.bands = bands
    self.owned = owned
    let windows = Int(min(max(0, expectedDuration * rate), 1e9)) + 2
    sums.reserveCapacity(windows)
    counts.reserveCapacity(windows)
    if bands {
      bandSums.reserveCapacity(windows * AudioBands.count)
      let longest = Int((AudioBands.frameWindows * sampleRate / rate).rounded(.up)) + 2
      spectrum = BandSpectrum(maximumLength: longest, sampleRate: sampleRate)
      recent.reserveCapacity(longest + 1)
    }
  }

  /// An empty accumulator with this one's grid and settings that keeps
  /// only the windows `owned`.
  public func emptyCopy(expectedDuration: Double, owned: Range<Int>? = nil) -> EnvelopeAccumulator {
    EnvelopeAccumulator(
      rate: rate, sampleRate: sampleRate, origin: origin, expectedDuration: expectedDuration, bands: bands,
      owned: owned ?? self.owned)
  }

  /// The sample indices an accumulator that owns `windows` needs: theirs
  /// and, with bands, the context their frames reach.
  public func contextRange(owning windows: Range<Int>) -> Range<Int64> {
    guard !windows.isEmpty else { return 0..<0 }
    var lower = windows.lowerBound == .min ? 0 : firstSample(ofWindow: windows.lowerBound)
    var upper = windows.upperBound == .max ? Int64.max : firstSample(ofWindow: windows.upperBound)
    if bands {
      if windows.lowerBound != .min { lower = Swift.min(lower, frameStart(windows.lowerBound)) }
      if windows.upperBound != .max { upper = Swift.max(upper, frameEnd(windows.upperBound - 1)) }
    }
    return Swift.max(0, lower)..<upper
  }

  /// The first sample index that belongs to window `k`.
  public func firstSample(ofWindow k: Int) -> Int64 { edgeSample(Double(k) - 0.5) }

  /// The first sample at or after grid position `x` (media time `x/rate`).
  private func edgeSample(_ x: Double) -> Int64 {
    let edge = (x / rate - origin) * sampleRate
    // A hair below an integer is that integer: keeps exact boundaries exact.
    return Int64((edge - 1e-7).rounded(.up))
  }

  /// Window `k`'s band frame: samples from `frameStart(k)` to before
  /// `frameEnd(k)`, `AudioBands.frameWindows` windows centred on `k/rate`.
  private func frameStart(_ k: Int) -> Int64 { edgeSample(Double(k) - AudioBands.frameWindows / 2) }
  private func frameEnd(_ k: Int) -> Int64 { edgeSample(Double(k) + AudioBands.frameWindows / 2) }

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
    var position = 0
    var k = window(ofSample: startIndex)
    while position < samples.count {
      let windowEnd = firstSample(ofWindow: k + 1) - startIndex
      let end = Int(Swift.min(Int64(samples.count), windowEnd))
      if end > position, owned.contains(k) {
        let sum = sumOfSquares(base + position, count: end - position)
        addWindow(k, sum: sum, count: Int32(end - position))
      }
      position = Swift.max(position, end)
      k += 1
    }
    if bands { addToFrames(samples, startingAt: startIndex) }
  }

  /// Keeps `samples` for the band frames and analyses every frame they
  /// complete.
  private mutating func addToFrames(_ samples: UnsafeBufferPointer<Float>, startingAt startIndex: Int64) {
    if recent.isEmpty || startIndex != recentStart + Int64(recent.count) {
      finishFrames()
      recentStart = startIndex
      nextFrame = window(ofSample: startIndex)
    }
    recent.append(contentsOf: samples)
    let end = recentStart + Int64(recent.count)
    var analysed = false
    while frameEnd(nextFrame) <= end {
      analyseFrame(nextFrame, end: frameEnd(nextFrame))
      nextFrame += 1
      analysed = true
    }
    if analysed { dropSamples(before: frameStart(nextFrame)) }
  }

  /// Analyses the frames that the kept samples touch, with the samples
  /// there are (at a discontinuity or the end), and forgets the samples.
  private mutating func finishFrames() {
    guard !recent.isEmpty else { return }
    let end = recentStart + Int64(recent.count)
    while firstSample(ofWindow: nextFrame) < end {
      analyseFrame(nextFrame, end: Swift.min(end, frameEnd(nextFrame)))
      nextFrame += 1
    }
    recent.removeAll(keepingCapacity: true)
  }

  private mutating func dropSamples(before index: Int64) {
    let drop = Int(Swift.min(Int64(recent.count), Swift.max(0, index - recentStart)))
    guard drop > 0 else { return }
    recent.removeFirst(drop)
    recentStart += Int64(drop)
  }

  /// Window `k`'s frame: the kept samples from `frameStart(k)` (or the
  /// first kept sample) to `end`.
  private mutating func analyseFrame(_ k: Int, end: Int64) {
    guard owned.contains(k), let first = firstWindow, k >= first, k - first < counts.count, counts[k - first] > 0
    else { return }
    let start = Swift.max(recentStart, frameStart(k))
    guard end > start else { return }
    if !isKnownUniquelyReferenced(&spectrum!) { spectrum = spectrum!.copy() }
    let spectrum = spectrum!
    let slot = (k - first) * AudioBands.count
    recent.withUnsafeBufferPointer { kept in
      bandSums.withUnsafeMutableBufferPointer { sums in
        spectrum.meanSquares(
          of: kept.baseAddress! + Int(start - recentStart), count: Int(end - start), into: sums.baseAddress! + slot)
      }
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
  /// and bands setting). Their frames are analysed first; a window both
  /// hold gets the sum of their band energies.
  public mutating func merge(_ other: EnvelopeAccumulator) {
    precondition(other.rate == rate && other.sampleRate == sampleRate && other.origin == origin && other.bands == bands)
    var other = other
    other.finishFrames()
    finishFrames()
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
    finished.finishFrames()
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
          return Float(max(0, Double(finished.bandSums[slot * b + band])).squareRoot())
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
  var s0 = 0.0
  var s1 = 0.0
  var s2 = 0.0
  var s3 = 0.0
  var i = 0
  while i + 4 <= count {
    let a = Double(x[i])
    let b = Double(x[i + 1])
    let c = Double(x[i + 2])
    let d = Double(x[i + 3])
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
