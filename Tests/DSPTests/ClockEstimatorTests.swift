import DSP
import Foundation
import Testing
import TestSupport

@Suite("Clock estimator")
struct ClockEstimatorTests {
  /// A loudness-like envelope at 100 Hz: bursts of random length and level
  /// over a noise floor, `seconds` long.
  static func envelope(seconds: Double, seed: UInt64) -> [Double] {
    var rng = SplitMix64(state: seed)
    let n = Int(seconds * 100)
    var x = [Double](repeating: 0.01, count: n)
    var i = 0
    while i < n {
      let gap = Int.random(in: 5...80, using: &rng)
      let length = Int.random(in: 5...60, using: &rng)
      let level = Double.random(in: 0.05...1, using: &rng)
      var k = i + gap
      while k < min(n, i + gap + length) {
        x[k] = level * Double.random(in: 0.7...1, using: &rng)
        k += 1
      }
      i += gap + length
    }
    return x.map { $0 + Double.random(in: 0...0.005, using: &rng) }
  }

  /// Samples `reference` (100 Hz from time 0) as a sensor would: rows at
  /// `rate` Hz on its own clock from `start`, where media = offset + scale·(t − start),
  /// with a monotonic distortion (square root, like dB) and noise.
  static func sensor(
    _ reference: [Double], offset: Double, scale: Double, rate: Double, seconds: Double, start: Double, seed: UInt64
  ) -> (times: [Double], values: [Double]) {
    var rng = SplitMix64(state: seed)
    var times: [Double] = []
    var values: [Double] = []
    var t = start
    while t < start + seconds {
      let media = offset + scale * (t - start)
      let index = media * 100
      let i = Int(index.rounded(.down))
      if i >= 0 && i + 1 < reference.count {
        let f = index - Double(i)
        let v = reference[i] * (1 - f) + reference[i + 1] * f
        times.append(t)
        values.append(v.squareRoot() + Double.random(in: -0.02...0.02, using: &rng))
      } else {
        times.append(t)
        values.append(Double.random(in: 0...0.05, using: &rng))
      }
      t += 1 / rate
    }
    return (times, values)
  }

  /// Worst sync error over the sensor's span: under `tolerance` (5 ms; more
  /// where fewer windows overlap).
  func check(
    offset: Double, scale: Double, sensorSeconds: Double, mediaSeconds: Double, start: Double = 0, seed: UInt64,
    tolerance: Double = 0.005
  ) {
    let reference = Self.envelope(seconds: mediaSeconds, seed: seed)
    let (times, values) = Self.sensor(
      reference, offset: offset, scale: scale, rate: 50, seconds: sensorSeconds, start: start, seed: seed + 1)
    let estimate = ClockEstimator().estimate(
      reference: reference, referenceRate: 100, referenceStart: 0, otherTimes: times, otherValues: values)
    #expect(estimate.aligned, "offset \(offset), scale \(scale): rejected (\(estimate.reason ?? ""))")
    // Worst sync error over the sensor's span on the media.
    let error = max(abs(estimate.offset - offset), abs((estimate.offset + estimate.scale * sensorSeconds) - (offset + scale * sensorSeconds)))
    #expect(error < tolerance, "offset \(offset) scale \(scale): got \(estimate.offset) / \(estimate.scale), worst error \(error * 1000) ms")
    #expect(estimate.confidence >= 0.5)
  }

  @Test("sensor starts after the media, same rate") func lateSensor() { check(offset: 12.34, scale: 1, sensorSeconds: 90, mediaSeconds: 120, seed: 1) }
  @Test("sensor starts before the media (negative offset), 0.1 % fast") func earlySensor() {
    check(offset: -7.5, scale: 0.999, sensorSeconds: 100, mediaSeconds: 100, seed: 2)
  }
  @Test("wrong nominal rate: 25 vs 24 Hz (scale 24/25)") func nominalRate() {
    check(offset: 3.0, scale: 24.0 / 25.0, sensorSeconds: 80, mediaSeconds: 100, seed: 3)
  }
  @Test("partial overlap: only 40 % of the sensor lies on the media") func partialOverlap() {
    check(offset: 60, scale: 1.0005, sensorSeconds: 100, mediaSeconds: 100, seed: 4, tolerance: 0.015)
  }
  @Test("epoch-sized sensor times") func epochTimes() {
    check(offset: 4.2, scale: 1.0002, sensorSeconds: 60, mediaSeconds: 70, start: 1_700_000_000.25, seed: 5)
  }

  @Test("unrelated signals are rejected, not confidently wrong", arguments: [11, 12, 13, 14, 15] as [UInt64])
  func unrelated(_ seed: UInt64) {
    let reference = Self.envelope(seconds: 100, seed: seed)
    let other = Self.envelope(seconds: 100, seed: seed + 100)
    let times = other.indices.map { Double($0) / 100 }
    let estimate = ClockEstimator().estimate(
      reference: reference, referenceRate: 100, referenceStart: 0, otherTimes: times, otherValues: other)
    #expect(!estimate.aligned, "seed \(seed): confidence \(estimate.confidence)")
    #expect(estimate.confidence < 0.3, "seed \(seed): confidence \(estimate.confidence)")
  }

  @Test("pure noise is rejected")
  func noise() {
    var rng = SplitMix64(state: 99)
    let reference = Self.envelope(seconds: 60, seed: 7)
    let times = (0..<3000).map { Double($0) / 50 }
    let values = times.map { _ in Double.random(in: 0...1, using: &rng) }
    let estimate = ClockEstimator().estimate(
      reference: reference, referenceRate: 100, referenceStart: 0, otherTimes: times, otherValues: values)
    #expect(!estimate.aligned && estimate.reason != nil)
  }
}
