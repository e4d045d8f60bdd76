import DSP
import TestSupport
import Testing

@Suite("Envelope accumulator")
struct EnvelopeAccumulatorTests {
  static func noise(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(state: seed)
    return (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }
  }

  @Test("windows are centred on multiples of 1/rate and hold the right samples")
  func windowBoundaries() {
    // 1000 Hz audio, 10 Hz grid, origin 0: window k holds samples [100k − 50, 100k + 50).
    let accumulator = EnvelopeAccumulator(rate: 10, sampleRate: 1000, origin: 0)
    #expect(accumulator.firstSample(ofWindow: 0) == -50)
    #expect(accumulator.firstSample(ofWindow: 1) == 50)
    #expect(accumulator.window(ofSample: 49) == 0)
    #expect(accumulator.window(ofSample: 50) == 1)
    #expect(accumulator.window(ofSample: 149) == 1)
    // Origin 0.0123 s: sample i sits at 0.0123 + i/1000, window 1 starts at 0.05 s = sample 37.7 -> 38.
    let shifted = EnvelopeAccumulator(rate: 10, sampleRate: 1000, origin: 0.0123)
    #expect(shifted.firstSample(ofWindow: 1) == 38)
    #expect(shifted.window(ofSample: 37) == 0 && shifted.window(ofSample: 38) == 1)
  }

  @Test("RMS per window equals a direct computation")
  func directRMS() {
    let samples = Self.noise(10_000, seed: 7)
    var accumulator = EnvelopeAccumulator(rate: 100, sampleRate: 8000, origin: 0.25)
    // Feed in uneven blocks.
    var index = 0
    for size in [1, 333, 80, 4000, 17, 5569] {
      samples[index..<index + size].withUnsafeBufferPointer { accumulator.add($0, startingAt: Int64(index)) }
      index += size
    }
    let envelope = accumulator.envelope()
    // Sample i at 0.25 + i/8000; window k spans [(k−0.5)/100, (k+0.5)/100) -> 80 samples, first window 25.
    #expect(envelope.firstIndex == 25)
    #expect(envelope.values.count == 126)  // 10000 samples = 125 windows + a partial one at each end
    for (slot, value) in envelope.values.enumerated() {
      // In samples: window k spans [80k − 40, 80k + 40) minus the origin's 2000.
      let k = envelope.firstIndex + slot
      let low = max(0, 80 * k - 40 - 2000)
      let high = min(samples.count, 80 * k + 40 - 2000)
      let direct = (samples[low..<high].reduce(0.0) { $0 + Double($1) * Double($1) } / Double(high - low)).squareRoot()
      #expect(abs(Double(value) - direct) <= 1e-6 * max(1, direct), "window \(k): \(value) vs \(direct)")
    }
  }

  /// With bands, the parts are copies of one template, sharing its FFT
  /// workspace until one writes; each owns its windows and is given the
  /// context its band frames reach (`contextRange(owning:)`).
  @Test("accumulators that own adjacent windows merge bit-identically", arguments: [false, true])
  func mergeIsIdentical(bands: Bool) {
    let samples = Self.noise(48_000, seed: 11)
    let template = EnvelopeAccumulator(rate: 1000, sampleRate: 48000, origin: -0.0213, bands: bands)
    var whole = template
    samples.withUnsafeBufferPointer { whole.add($0, startingAt: 0) }
    let cuts = [template.window(ofSample: 20_000), template.window(ofSample: 31_000)]
    let owned = zip([Int.min] + cuts, cuts + [Int.max]).map { $0..<$1 }
    var merged = template
    for windows in owned.reversed() {
      var part = template.emptyCopy(expectedDuration: 0, owned: windows)
      let range = template.contextRange(owning: windows)
      let upper = Int(min(Int64(samples.count), range.upperBound))
      if bands {
        #expect(
          range.lowerBound == 0 || Int(range.lowerBound) < Int(template.firstSample(ofWindow: windows.lowerBound)))
      }
      samples[Int(range.lowerBound)..<upper].withUnsafeBufferPointer { part.add($0, startingAt: range.lowerBound) }
      merged.merge(part)
    }
    #expect(merged.envelope() == whole.envelope())
  }

  @Test("a gap in the samples gives silent windows, not a closed-up timeline")
  func gap() {
    var accumulator = EnvelopeAccumulator(rate: 10, sampleRate: 100, origin: 0)
    let ones = [Float](repeating: 1, count: 100)
    ones.withUnsafeBufferPointer { accumulator.add($0, startingAt: 0) }  // 0 – 1 s
    ones.withUnsafeBufferPointer { accumulator.add($0, startingAt: 300) }  // 3 – 4 s
    let envelope = accumulator.envelope()
    #expect(envelope.firstIndex == 0)
    #expect(envelope.values.count == 41)
    #expect(envelope.values[5] == 1)
    #expect(envelope.values[20] == 0, "2.0 s is inside the gap")
    #expect(envelope.values[35] == 1)
  }

  @Test("decibels floor silence")
  func decibels() {
    let envelope = Envelope(rate: 10, firstIndex: 0, values: [1, 0.5, 0])
    let db = envelope.decibels()
    #expect(abs(db[0]) < 1e-6)
    #expect(abs(db[1] - (-6.0206)) < 1e-3)
    #expect(db[2] == -120)
  }
}
