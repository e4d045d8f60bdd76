import DSP
import Foundation
import TestSupport
import Testing

@Suite("Audio bands")
struct AudioBandsTests {
  static func tone(_ frequency: Double, amplitude: Double, count: Int, sampleRate: Double) -> [Float] {
    (0..<count).map { Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / sampleRate)) }
  }

  @Test(
    "a tone's energy lands in its band: RMS within 5 %, at least 95 % of the power, under 2 % beyond the neighbours",
    arguments: [48000.0, 44100, 22050, 8000])
  func toneInItsBand(sampleRate: Double) throws {
    for (frequency, band) in [(1131.0, 3), (2263.0, 4), (566.0, 2), (97.0, 0), (291.0, 1)]
    where frequency < sampleRate / 2 - 500 {
      let samples = Self.tone(frequency, amplitude: 0.5, count: Int(sampleRate), sampleRate: sampleRate)
      var accumulator = EnvelopeAccumulator(rate: 100, sampleRate: sampleRate, origin: 0, bands: true)
      samples.withUnsafeBufferPointer { accumulator.add($0, startingAt: 0) }
      let envelope = accumulator.envelope()
      try #require(envelope.bands.count == AudioBands.count)
      // Whole frames only (the first and last two are partial).
      for slot in 3..<(envelope.values.count - 3) {
        // A 30 ms frame resolves ±2 bins (about ±67 Hz): the neighbouring
        // bands get some of the main lobe; the others only sidelobes.
        let inBand = Double(envelope.bands[band][slot])
        #expect(abs(inBand - 0.5 / 2.squareRoot()) <= 0.05 * 0.354, "\(frequency) Hz at \(sampleRate): \(inBand)")
        let power = envelope.bands.reduce(0.0) { $0 + Double($1[slot]) * Double($1[slot]) }
        #expect(inBand * inBand >= 0.95 * power, "\(frequency) Hz at \(sampleRate): share \(inBand * inBand / power)")
        for other in 0..<AudioBands.count where abs(other - band) >= 2 {
          #expect(
            Double(envelope.bands[other][slot]) <= 0.02 * inBand, "band \(other) holds \(envelope.bands[other][slot])")
        }
      }
    }
  }

  @Test("bands are the same whatever the block sizes")
  func blockSizes() {
    let samples = EnvelopeAccumulatorTests.noise(44_100, seed: 5)
    let template = EnvelopeAccumulator(rate: 100, sampleRate: 44100, origin: 0.0131, bands: true)
    var whole = template
    samples.withUnsafeBufferPointer { whole.add($0, startingAt: 0) }
    var pieces = template
    var index = 0
    for size in [1, 1023, 441, 17, 20_000, 1024, 21_594] {
      samples[index..<index + size].withUnsafeBufferPointer { pieces.add($0, startingAt: Int64(index)) }
      index += size
    }
    #expect(index == samples.count)
    #expect(pieces.envelope() == whole.envelope())
    // A gap (a discontinuity in the indices) cuts the frames around it,
    // the same way whatever the blocks.
    var gapped = template
    var gappedPieces = template
    samples[..<20_000].withUnsafeBufferPointer { gapped.add($0, startingAt: 0) }
    samples[20_000...].withUnsafeBufferPointer { gapped.add($0, startingAt: 30_000) }
    for (from, to) in [(0, 7_000), (7_000, 20_000), (20_000, 20_001), (20_001, samples.count)] {
      samples[from..<to].withUnsafeBufferPointer {
        gappedPieces.add($0, startingAt: Int64(from < 20_000 ? from : from + 10_000))
      }
    }
    #expect(gappedPieces.envelope() == gapped.envelope())
    // Split across accumulators: EnvelopeAccumulatorTests.mergeIsIdentical(bands: true).
  }

  @Test("without bands the envelope has none; the broadband RMS is the same either way")
  func broadbandUnchanged() {
    let samples = EnvelopeAccumulatorTests.noise(16_000, seed: 9)
    var plain = EnvelopeAccumulator(rate: 100, sampleRate: 16000, origin: 0)
    var banded = EnvelopeAccumulator(rate: 100, sampleRate: 16000, origin: 0, bands: true)
    samples.withUnsafeBufferPointer {
      plain.add($0, startingAt: 0)
      banded.add($0, startingAt: 0)
    }
    #expect(plain.envelope().bands.isEmpty)
    #expect(plain.envelope().values == banded.envelope().values)
    // White noise: over the windows, the bands' mean squares sum to the
    // windows' within 3 % (window by window the Hann weighting sees the
    // noise differently from a plain mean).
    let e = banded.envelope()
    let whole = 2..<(e.values.count - 2)
    let sum = whole.reduce(0.0) { total, slot in
      total + e.bands.reduce(0.0) { $0 + Double($1[slot]) * Double($1[slot]) }
    }
    let total = whole.reduce(0.0) { $0 + Double(e.values[$1]) * Double(e.values[$1]) }
    #expect(abs(sum - total) <= 0.03 * total, "\(sum) vs \(total)")
  }
}
