import Foundation
import TestSupport
import Testing

@testable import DSP

/// The shapes real recordings come in: short clips, a clip inside a long
/// log, wrong nominal rates; and the stated uncertainty over seeded cases.
@Suite("Recording shapes")
struct RecordingShapesTests {
  typealias Shapes = ClockEstimatorTests

  /// Worst sync error (s) over the overlap of the truth `offset + scale·(t − start)`.
  func worstError(
    _ estimate: ClockEstimator.Estimate, offset: Double, scale: Double, start: Double, overlap: ClosedRange<Double>
  )
    -> Double
  {
    [overlap.lowerBound, overlap.upperBound].map { t in
      abs(estimate.offset + estimate.scale * (t - estimate.origin) - (offset + scale * (t - start)))
    }.max()!
  }

  @Test("a 14 s overlap is aligned within 10 ms", arguments: [41, 42, 43] as [UInt64])
  func shortOverlap(_ seed: UInt64) {
    let reference = Shapes.envelope(seconds: 14, seed: seed)
    let (times, values) = Shapes.sensor(
      reference, offset: 0.4, scale: 1.0004, rate: 50, seconds: 13, start: 100, seed: seed + 1)
    let estimate = ClockEstimator().estimate(
      reference: reference, referenceRate: 100, referenceStart: 0, otherTimes: times, otherValues: values)
    #expect(estimate.aligned, "seed \(seed): \(estimate.verdict.rejection.map(String.init(describing:)) ?? "")")
    let error = worstError(estimate, offset: 0.4, scale: 1.0004, start: 100, overlap: 100...113)
    #expect(error < 0.010, "seed \(seed): worst error \(error * 1000) ms")
    // Windows come from the overlap: at least 5 of 3 s.
    #expect(estimate.windows.count >= 5 && estimate.windowLength <= 3.5)
  }

  @Test(
    "a sensor that hears one band under a louder other one: found on that band, within 10 ms",
    arguments: [71, 72, 73] as [UInt64])
  func bandLimitedSensor(_ seed: UInt64) throws {
    // The media's broadband energy is a loud low band (speech, say) plus a
    // quiet high band of its own events; the sensor (a contact microphone)
    // hears only the high band.
    let seconds = 40.0
    let low = Shapes.envelope(seconds: seconds, seed: seed).map { $0 * 10 }
    let high = Shapes.envelope(seconds: seconds, seed: seed + 100)
    var bands = [[Double]](repeating: [Double](repeating: 0.001, count: low.count), count: AudioBands.count)
    bands[1] = low
    bands[4] = high
    let broadband = low.indices.map { (low[$0] * low[$0] + high[$0] * high[$0] + 5 * 0.001 * 0.001).squareRoot() }
    let (times, values) = Shapes.sensor(
      high, offset: 3.2, scale: 0.9995, rate: 50, seconds: 34, start: 20, seed: seed + 1)
    let estimate = ClockEstimator().estimate(
      reference: broadband, referenceBands: bands, referenceRate: 100, referenceStart: 0, otherTimes: times,
      otherValues: values)
    #expect(estimate.aligned, "seed \(seed): \(estimate.verdict.rejection.map(String.init(describing:)) ?? "")")
    let band = try #require(estimate.referenceBand, "seed \(seed): measured on the broadband envelope")
    #expect(band.contains(4) && band.count <= 2, "seed \(seed): band \(band)")
    let error = worstError(estimate, offset: 3.2, scale: 0.9995, start: 20, overlap: 20...54)
    #expect(error < 0.010, "seed \(seed): worst error \(error * 1000) ms")
  }

  /// Events that rise at once and decay over 0.3 s, heard by a sensor that
  /// smooths at 3 Hz (zero phase, so the truth is defined) and samples at
  /// 25 Hz. Against the sharp reference the map is 60–70 ms off, with
  /// confidence 1; against the reference smoothed alike (the cut-off found
  /// within about 15 %) within a few ms.
  @Test(
    "a smoothing sensor is measured on a reference smoothed alike, within 15 ms", arguments: [81, 82, 83] as [UInt64])
  func smoothingSensor(_ seed: UInt64) throws {
    var rng = SplitMix64(state: seed)
    let n = 120 * 100
    var reference = [Double](repeating: 0.01, count: n)
    var i = 0
    while true {
      i += Int.random(in: 40...250, using: &rng)
      guard i < n else { break }
      let level = Double.random(in: 0.2...1, using: &rng)
      for k in i..<min(n, i + 150) { reference[k] += level * exp(-Double(k - i) / 30) }
    }
    // (Clamped: the filter undershoots after each event, and an energy is ≥ 0.)
    let smooth = zeroPhaseLowPass(reference, cutoff: 3, rate: 100).map { max($0, 0) }
    let (times, values) = Shapes.sensor(
      smooth, offset: 1.7, scale: 1.0002, rate: 25, seconds: 110, start: 50, seed: seed + 1)
    let estimate = ClockEstimator().estimate(
      reference: reference, referenceRate: 100, referenceStart: 0, otherTimes: times, otherValues: values)
    #expect(estimate.aligned, "seed \(seed): \(estimate.verdict.rejection.map(String.init(describing:)) ?? "")")
    let cutoff = try #require(estimate.referenceSmoothingHz, "seed \(seed): the reference was not smoothed")
    #expect((2.2...4).contains(cutoff), "seed \(seed): smoothed at \(cutoff) Hz")
    let error = worstError(estimate, offset: 1.7, scale: 1.0002, start: 50, overlap: 50...160)
    #expect(error < 0.015, "seed \(seed): worst error \(error * 1000) ms, smoothed at \(cutoff) Hz")
  }

  @Test("a 60 s clip 3 h into a log at 20 Hz is found, within 10 ms", arguments: [51, 52] as [UInt64])
  func clipInsideLongLog(_ seed: UInt64) {
    // The world the sensor hears for 4 h; the media recorded 60 s of it at 3 h.
    let world = Shapes.envelope(seconds: 4 * 3600, seed: seed)
    let clipStart = 3 * 3600.0
    let reference = Array(world[Int(clipStart * 100)..<Int((clipStart + 60) * 100)])
    let scale = 1.0003
    // Media time = sensor world time − clipStart; the sensor's clock starts at 5000 s.
    let (times, values) = Shapes.sensor(
      world, offset: 0, scale: scale, rate: 20, seconds: 4 * 3600 / scale - 1, start: 5000, seed: seed + 1)
    let estimate = ClockEstimator().estimate(
      reference: reference, referenceRate: 100, referenceStart: 0, otherTimes: times, otherValues: values)
    #expect(estimate.aligned, "seed \(seed): \(estimate.verdict.rejection.map(String.init(describing:)) ?? "")")
    // The truth: media = −clipStart + scale·(t − 5000).
    let inside = (5000 + clipStart / scale)...(5000 + (clipStart + 60) / scale)
    let error = worstError(estimate, offset: -clipStart, scale: scale, start: 5000, overlap: inside)
    #expect(error < 0.010, "seed \(seed): worst error \(error * 1000) ms, offset \(estimate.offset)")
  }

  @Test("wrong nominal rate 48000/44100 is found and named")
  func nominalRatio() {
    let reference = Shapes.envelope(seconds: 120, seed: 61)
    let scale = 48000.0 / 44100 * 1.0001
    let (times, values) = Shapes.sensor(reference, offset: 2, scale: scale, rate: 50, seconds: 100, start: 0, seed: 62)
    let estimate = ClockEstimator().estimate(
      reference: reference, referenceRate: 100, referenceStart: 0, otherTimes: times, otherValues: values)
    #expect(estimate.aligned)
    #expect(abs(estimate.scale / scale - 1) < 20e-6, "scale \(estimate.scale)")
    guard case .nominalRatio? = estimate.scaleNote else {
      Issue.record("no nominal-ratio note: \(String(describing: estimate.scaleNote))")
      return
    }
  }

  @Test("a drift no real clock shows is searched only on request")
  func implausibleScale() {
    #expect(!ScaleSpace.plausible.contains(1.025))
    #expect(ScaleSpace.plausible.contains(1.01) && ScaleSpace.plausible.contains(25.0 / 24))
    #expect(
      !ScaleSpace.isPlausible(1.008) && ScaleSpace.isPlausible(1.002) && ScaleSpace.isPlausible(24.0 / 25 * 1.001))
    #expect(ScaleSpace.range(0.9...1.1).contains(1.025))
  }

  @Test("a metronome is rejected as repeating, not confidently wrong")
  func periodic() {
    // A click every 0.8 s, the same in media and sensor.
    let n = 60 * 100
    let reference = (0..<n).map { i in i % 80 < 5 ? 1.0 : 0.01 }
    let (times, values) = Shapes.sensor(reference, offset: 3.3, scale: 1, rate: 50, seconds: 50, start: 0, seed: 71)
    let estimate = ClockEstimator().estimate(
      reference: reference, referenceRate: 100, referenceStart: 0, otherTimes: times, otherValues: values)
    let error = worstError(estimate, offset: 3.3, scale: 1, start: 0, overlap: 0...50)
    #expect(!estimate.aligned || error < 0.04, "aligned \(error * 1000) ms off")
  }

  /// Coverage of `uncertaintyMs` over seeded cases with 20 % sensor noise
  /// and random offsets and drifts: the true worst error within the stated
  /// bound in at least 95 % of aligned cases (here 19 of 20).
  @Test("uncertainty_ms covers the true error")
  func uncertaintyCoverage() {
    var rng = SplitMix64(state: 81)
    var covered = 0
    var aligned = 0
    for seed in 0..<20 as Range<UInt64> {
      let offset = Double.random(in: -20...20, using: &rng)
      let scale = 1 + Double.random(in: -1500...1500, using: &rng) * 1e-6
      let reference = Shapes.envelope(seconds: 90, seed: 200 + seed)
      var (times, values) = Shapes.sensor(
        reference, offset: offset, scale: scale, rate: 50, seconds: 80, start: 10, seed: 300 + seed)
      values = values.map { $0 + Double.random(in: -0.2...0.2, using: &rng) }
      let estimate = ClockEstimator().estimate(
        reference: reference, referenceRate: 100, referenceStart: 0, otherTimes: times, otherValues: values)
      guard estimate.aligned else { continue }
      aligned += 1
      let overlap = (max(10, 10 + (0 - offset) / scale))...(min(90, 10 + (90 - offset) / scale))
      let error = worstError(estimate, offset: offset, scale: scale, start: 10, overlap: overlap) * 1000
      if estimate.uncertaintyMs >= error { covered += 1 }
    }
    #expect(aligned >= 15, "aligned \(aligned) of 20")
    #expect(Double(covered) >= 0.95 * Double(aligned), "covered \(covered) of \(aligned)")
  }
}
