import Foundation
import TestSupport
import Testing

@testable import DSP

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
    sensor(reference, map: { offset + scale * ($0 - start) }, rate: rate, seconds: seconds, start: start, seed: seed)
  }

  /// The same with any map from sensor time to media time.
  static func sensor(
    _ reference: [Double], map: (Double) -> Double, rate: Double, seconds: Double, start: Double, seed: UInt64
  ) -> (times: [Double], values: [Double]) {
    var rng = SplitMix64(state: seed)
    var times: [Double] = []
    var values: [Double] = []
    var t = start
    while t < start + seconds {
      let media = map(t)
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
    #expect(
      estimate.aligned,
      "offset \(offset), scale \(scale): rejected (\(estimate.verdict.rejection.map(String.init(describing:)) ?? ""))")
    // Worst sync error over the sensor's span on the media.
    let error = max(
      abs(estimate.offset - offset),
      abs((estimate.offset + estimate.scale * sensorSeconds) - (offset + scale * sensorSeconds)))
    #expect(
      error < tolerance,
      "offset \(offset) scale \(scale): got \(estimate.offset) / \(estimate.scale), worst error \(error * 1000) ms, smoothing \(estimate.referenceSmoothingHz ?? 0) Hz, confidence \(estimate.confidence)"
    )
    #expect(estimate.confidence >= 0.5)
  }

  /// 7 ms: the reference is smoothed at about 9 Hz to match this 50 Hz
  /// sensor's interpolated rows, which costs its blocky edges about 1 ms
  /// here (and saves 10–70 ms on sensors that smooth: `smoothingSensor`).
  @Test("sensor starts after the media, same rate") func lateSensor() {
    check(offset: 12.34, scale: 1, sensorSeconds: 90, mediaSeconds: 120, seed: 1, tolerance: 0.007)
  }
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
    #expect(estimate.verdict.rejection != nil)
  }

  /// A map that jumps by `jump` seconds at sensor time `at` (rows dropped
  /// while the timestamps carried on: positive; a clock stepped back:
  /// negative); with `gap`, the rows in `at..<at + gap` are missing (a clock
  /// stepped forward).
  func checkPiecewise(
    jump: Double, at: Double, offset: Double, scale: Double, sensorSeconds: Double, mediaSeconds: Double,
    seed: UInt64, gap: Double = 0
  ) {
    let reference = Self.envelope(seconds: mediaSeconds, seed: seed)
    let truth = { (t: Double) in offset + scale * t + (t >= at ? jump : 0) }
    var (times, values) = Self.sensor(reference, map: truth, rate: 50, seconds: sensorSeconds, start: 0, seed: seed + 1)
    let kept = times.indices.filter { times[$0] < at || times[$0] >= at + gap }
    times = kept.map { times[$0] }
    values = kept.map { values[$0] }
    let estimate = ClockEstimator().estimate(
      reference: reference, referenceRate: 100, referenceStart: 0, otherTimes: times, otherValues: values)
    #expect(
      estimate.aligned,
      "jump \(jump) at \(at): rejected (\(estimate.verdict.rejection.map(String.init(describing:)) ?? ""))")
    #expect(estimate.confidence >= 0.7, "jump \(jump) at \(at): confidence \(estimate.confidence)")
    #expect(estimate.segments.count == 2, "jump \(jump) at \(at): \(estimate.segments.count) segments")
    guard estimate.segments.count == 2 else { return }
    // Rows on the wrong side of the boundary: only within 0.25 s of the truth.
    let boundary = estimate.segments[1].otherStart
    let misplaced = times.filter { ($0 < at) != ($0 < boundary) }.map { abs($0 - at) }.max() ?? 0
    #expect(misplaced < 0.25, "boundary \(boundary), truth \(at)")
    // Sync error over every sensor row on the media, away from the boundary.
    var worst = 0.0
    for t in times where abs(t - at) > 0.25 && truth(t) > 0 && truth(t) < mediaSeconds {
      let segment = estimate.segments.last { $0.otherStart <= t } ?? estimate.segments[0]
      worst = max(worst, abs(segment.referenceTime(t, origin: estimate.origin) - truth(t)))
    }
    #expect(worst < 0.010, "jump \(jump) at \(at): worst sync error \(worst * 1000) ms")
    #expect(estimate.offset == estimate.segments[0].offset && estimate.scale == estimate.segments[0].scale)
  }

  @Test("rows dropped part-way (media jumps 1.5 s ahead at 70 %): two segments")
  func piecewiseLateJump() {
    checkPiecewise(jump: 1.5, at: 84, offset: 5, scale: 1.0003, sensorSeconds: 120, mediaSeconds: 140, seed: 21)
  }

  @Test("a jump of 20 s in the first third, sensor 0.05 % slow")
  func piecewiseEarlyJump() {
    checkPiecewise(jump: 20, at: 35, offset: 3, scale: 0.9995, sensorSeconds: 100, mediaSeconds: 140, seed: 22)
  }

  @Test("a clock stepped back by 0.8 s: media continues, sensor times overlap")
  func piecewiseBackwardJump() {
    checkPiecewise(jump: -0.8, at: 60, offset: 4, scale: 1, sensorSeconds: 110, mediaSeconds: 120, seed: 23)
  }

  @Test("a clock stepped forward by 3 s: a gap in the sensor's times, the data continuous")
  func piecewiseGap() {
    checkPiecewise(
      jump: -3 * 0.9998, at: 50, offset: 2, scale: 0.9998, sensorSeconds: 110, mediaSeconds: 120, seed: 24, gap: 3)
  }

  @Test("one clean line stays one line", arguments: [31, 32, 33] as [UInt64])
  func linearStaysLinear(_ seed: UInt64) {
    let reference = Self.envelope(seconds: 150, seed: seed)
    let (times, values) = Self.sensor(reference, offset: 7, scale: 1.0002, rate: 50, seconds: 130, start: 0, seed: seed)
    let estimate = ClockEstimator().estimate(
      reference: reference, referenceRate: 100, referenceStart: 0, otherTimes: times, otherValues: values)
    #expect(estimate.aligned && estimate.segments.isEmpty, "seed \(seed): \(estimate.segments.count) segments")
  }

  @Test("the chance that unrelated windows line up: small for many agreeing, 1 for two")
  func chance() {
    // 3 of 5 within ±30 ms in a 0.8 s search: likely by chance.
    #expect(chanceAgreement(count: 5, agreeing: 3, width: 0.8, tolerance: 0.03) > 0.5)
    // 12 of 15: not by chance.
    #expect(chanceAgreement(count: 15, agreeing: 12, width: 0.8, tolerance: 0.03) < 1e-6)
    #expect(chanceAgreement(count: 10, agreeing: 2, width: 0.8, tolerance: 0.03) == 1)
    // Against a direct sum: 6 of 10, p = 0.075: C(10,2)·P(Bin(8, p) ≥ 4).
    let p = 0.075
    var tail = 0.0
    let factorial = { (n: Int) in Double((1...max(1, n)).reduce(1, *)) }
    for x in 4...8 {
      tail += factorial(8) / (factorial(x) * factorial(8 - x)) * pow(p, Double(x)) * pow(1 - p, Double(8 - x))
    }
    #expect(abs(chanceAgreement(count: 10, agreeing: 6, width: 0.8, tolerance: 0.03) - 45 * tail) < 1e-12)
  }
}
