import DSP
import Foundation
import TestSupport
import Testing

/// The pieces the estimator is built of, each against a direct computation.
@Suite("DSP building blocks")
struct BuildingBlocksTests {
  static func noise(_ count: Int, seed: UInt64) -> [Double] {
    var rng = SplitMix64(state: seed)
    return (0..<count).map { _ in Double.random(in: -1...1, using: &rng) }
  }

  @Test("RealFFT.forward equals the direct DFT; inverse(forward(x)) = n·x (1e-9), sizes 2, 12, 15, 64")
  func fftAgainstDirectSum() {
    for size in [2, 12, 15, 64] {
      let x = Self.noise(size, seed: UInt64(size))
      let fft = RealFFT(size: size)
      let spectrum = fft.forward(x)
      #expect(spectrum.count == 2 * (size / 2 + 1))
      for k in 0...(size / 2) {
        var re = 0.0
        var im = 0.0
        for (j, value) in x.enumerated() {
          let angle = -2 * Double.pi * Double(k * j) / Double(size)
          re += value * cos(angle)
          im += value * sin(angle)
        }
        #expect(abs(spectrum[2 * k] - re) < 1e-9, "size \(size) bin \(k) re")
        #expect(abs(spectrum[2 * k + 1] - im) < 1e-9, "size \(size) bin \(k) im")
      }
      let back = fft.inverse(spectrum)
      for j in 0..<size { #expect(abs(back[j] - Double(size) * x[j]) < 1e-9, "size \(size) sample \(j)") }
    }
  }

  @Test("RealFFT.goodSize: the smallest 2·3·5-smooth size ≥ n")
  func goodSizes() {
    func smooth(_ n: Int) -> Bool {
      var m = n
      for p in [2, 3, 5] { while m % p == 0 { m /= p } }
      return m == 1
    }
    for n in [1, 7, 11, 97, 1000, 1001, 4097, 100_003] {
      let size = RealFFT.goodSize(atLeast: n)
      #expect(size >= n && smooth(size), "\(n) -> \(size)")
      #expect(!(n..<size).contains(where: smooth), "\(n) -> \(size) is not the smallest")
    }
  }

  @Test(
    "Correlator: each lag's r is the weighted Pearson correlation over the overlap (1e-9); a copy peaks at its lag with r = 1"
  )
  func correlatorAgainstPearson() {
    let reference = Self.noise(300, seed: 7)
    let lag = 37
    var a = Array(reference[lag..<(lag + 120)])
    var weights = [Double](repeating: 1, count: a.count)
    for j in stride(from: 5, to: a.count, by: 17) { weights[j] = 0 }  // missing samples
    for j in a.indices where weights[j] == 0 { a[j] = 99 }  // their values must not count
    let correlator = Correlator(reference: reference)
    let (lags, r) = correlator.correlate(a, weights: weights, minimumOverlap: 10)
    #expect(lags == -(a.count - 1)..<reference.count)
    let best = r.indices.max { r[$0] < r[$1] }!
    #expect(lags.lowerBound + best == lag)
    #expect(abs(r[best] - 1) < 1e-9)

    func pearson(_ shift: Int) -> Double? {
      var sw = 0.0
      var sa = 0.0
      var sm = 0.0
      let pairs = a.indices.filter { j in weights[j] > 0 && reference.indices.contains(j + shift) }
      guard Double(pairs.count) >= 10 else { return nil }
      for j in pairs {
        sw += weights[j]
        sa += weights[j] * a[j]
        sm += weights[j] * reference[j + shift]
      }
      let ma = sa / sw
      let mm = sm / sw
      var cov = 0.0
      var va = 0.0
      var vm = 0.0
      for j in pairs {
        cov += weights[j] * (a[j] - ma) * (reference[j + shift] - mm)
        va += weights[j] * (a[j] - ma) * (a[j] - ma)
        vm += weights[j] * (reference[j + shift] - mm) * (reference[j + shift] - mm)
      }
      return cov / (va * vm).squareRoot()
    }
    for shift in [-100, -20, 0, 1, 36, 38, 150, 250] {
      let value = r[shift - lags.lowerBound]
      if let expected = pearson(shift) {
        #expect(abs(value - expected) < 1e-9, "lag \(shift): \(value) vs \(expected)")
      } else {
        #expect(value <= 0, "lag \(shift) has too little overlap but r = \(value)")
      }
    }
  }

  @Test("parabolicPeak finds the vertex of a sampled parabola exactly (1e-12)")
  func parabolaVertex() {
    for vertex in [-0.49, -0.2, 0, 0.3, 0.45] {
      let y = { (x: Double) in 5 - 3 * (x - vertex) * (x - vertex) }
      #expect(abs(parabolicPeak(y(-1), y(0), y(1)) - vertex) < 1e-12, "vertex \(vertex)")
    }
  }

  @Test(
    "rankTransform: ranks in −0.5…0.5, ties share their mean rank, weight 0 gives 0, any increasing map gives the same ranks"
  )
  func ranks() {
    let x = [3.0, 1, 4, 1, 5, 9, 2, 6]
    let r = rankTransform(x)
    // Sorted: 1, 1, 2, 3, 4, 5, 6, 9 → ranks (i + 0.5)/8 − 0.5, the two 1s sharing the mean of 0.5 and 1.5.
    let expected = [3.5, 1.0, 4.5, 1.0, 5.5, 7.5, 2.5, 6.5].map { $0 / 8 - 0.5 }
    for i in x.indices { #expect(abs(r[i] - expected[i]) < 1e-12, "index \(i)") }
    #expect(rankTransform(x.map { 20 * log10($0) + 7 }) == r)
    let weighted = rankTransform(x, weights: [1, 1, 0, 1, 1, 1, 1, 1])
    #expect(weighted[2] == 0)
    #expect(abs(weighted[5] - (6.5 / 7 - 0.5)) < 1e-12)
  }

  @Test("resample: a line sampled at irregular times comes back exactly on the grid; gaps beyond maxGap get weight 0")
  func resampleLine() {
    var rng = SplitMix64(state: 3)
    var times: [Double] = [10]
    while times.last! < 20 { times.append(times.last! + Double.random(in: 0.005...0.02, using: &rng)) }
    times += [23] + (1...100).map { 23 + Double($0) * 0.01 }  // a 3 s gap, then 1 s more
    let line = { (t: Double) in 2 + 0.5 * t }
    let scale = 1.001
    let step = 0.01
    let (values, weights) = resample(times: times, values: times.map(line), scale: scale, step: step, maxGap: 0.5)
    #expect(values.count == Int(((times.last! - 10) * scale / step).rounded(.down)) + 1)
    for g in values.indices {
      let t = 10 + Double(g) * step / scale
      if t > times[times.count - 102] + 1e-9 && t < 23 - 1e-9 {
        #expect(weights[g] == 0, "grid point at \(t) s is inside the gap")
      } else {
        #expect(weights[g] == 1, "grid point at \(t) s")
        #expect(abs(values[g] - line(t)) < 1e-9, "grid point at \(t) s")
      }
    }
  }
}
