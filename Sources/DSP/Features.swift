import Foundation

/// Signal preparation for correlation.

/// Ranks scaled to −0.5…0.5 (ties share their mean rank), so any monotonic
/// relation between two signals (linear RMS vs dB, a compressed sensor)
/// correlates like a linear one. Values with weight 0 get rank 0.
public func rankTransform(_ x: [Double], weights: [Double]? = nil) -> [Double] {
  let valid = x.indices.filter { (weights?[$0] ?? 1) > 0 && !x[$0].isNaN }
  guard !valid.isEmpty else { return [Double](repeating: 0, count: x.count) }
  let order = valid.sorted { x[$0] < x[$1] }
  var out = [Double](repeating: 0, count: x.count)
  var i = 0
  let n = Double(order.count)
  while i < order.count {
    var j = i
    while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
    let rank = (Double(i + j) / 2 + 0.5) / n - 0.5
    for k in i...j { out[order[k]] = rank }
    i = j + 1
  }
  return out
}

/// `x` minus its weighted moving average over `window` samples (a high-pass
/// that removes slow level changes), times the weights.
public func highPass(_ x: [Double], weights w: [Double], window: Int) -> [Double] {
  let n = x.count
  guard n > 0 else { return [] }
  var cx = [Double](repeating: 0, count: n + 1)
  var cw = [Double](repeating: 0, count: n + 1)
  for i in 0..<n {
    cx[i + 1] = cx[i] + x[i] * w[i]
    cw[i + 1] = cw[i] + w[i]
  }
  let half = max(1, window / 2)
  var out = [Double](repeating: 0, count: n)
  for i in 0..<n {
    let lo = max(0, i - half)
    let hi = min(n, i + half + 1)
    let weight = cw[hi] - cw[lo]
    let mean = weight > 0 ? (cx[hi] - cx[lo]) / weight : 0
    out[i] = (x[i] - mean) * w[i]
  }
  return out
}

/// Means of consecutive blocks of `k` samples (the last partial block dropped).
public func blockMean(_ x: [Double], _ k: Int) -> [Double] {
  guard k > 1 else { return x }
  let n = x.count / k
  var out = [Double](repeating: 0, count: n)
  for b in 0..<n {
    var s = 0.0
    for i in (b * k)..<(b * k + k) { s += x[i] }
    out[b] = s / Double(k)
  }
  return out
}

/// A signal sampled at irregular times, resampled by linear interpolation
/// onto the grid `0, step, 2·step, …` of `scale · t` (t relative to the
/// first sample). Weights are 0 inside gaps longer than `maxGap` and where
/// a neighbouring value is NaN.
public func resample(
  times: [Double], values: [Double], scale: Double, step: Double, maxGap: Double
) -> (values: [Double], weights: [Double]) {
  guard let first = times.first, let last = times.last, last > first else { return ([], []) }
  let count = Int(((last - first) * scale / step).rounded(.down)) + 1
  var out = [Double](repeating: 0, count: count)
  var weights = [Double](repeating: 0, count: count)
  var k = 0
  for g in 0..<count {
    let t = first + Double(g) * step / scale
    while k + 1 < times.count && times[k + 1] <= t { k += 1 }
    if k + 1 >= times.count {
      if !values[k].isNaN {
        out[g] = values[k]
        weights[g] = 1
      }
      continue
    }
    let t0 = times[k]
    let t1 = times[k + 1]
    let v0 = values[k]
    let v1 = values[k + 1]
    guard t1 - t0 <= maxGap, !v0.isNaN, !v1.isNaN else { continue }
    let f = t1 > t0 ? (t - t0) / (t1 - t0) : 0
    out[g] = v0 + f * (v1 - v0)
    weights[g] = 1
  }
  return (out, weights)
}

/// `x` (sampled at `rate` Hz) through a 2nd-order Butterworth low-pass at
/// `cutoff` Hz run forward and then backward: zero phase (a symmetric pulse
/// stays centred where it was, so smoothing never shifts a lag), gain 1 at
/// DC, −6 dB at `cutoff`, and −24 dB an octave above it. Each pass starts
/// in the steady state of its first value, so the ends do not ring.
/// `cutoff` at or above 0.45·`rate` returns `x` unchanged.
public func zeroPhaseLowPass(_ x: [Double], cutoff: Double, rate: Double) -> [Double] {
  guard x.count > 2, cutoff > 0, cutoff < 0.45 * rate else { return x }
  // Bilinear transform of the analogue Butterworth prototype.
  let k = tan(Double.pi * cutoff / rate)
  let norm = 1 / (1 + 2.squareRoot() * k + k * k)
  let b0 = k * k * norm
  let b1 = 2 * b0
  let a1 = 2 * (k * k - 1) * norm
  let a2 = (1 - 2.squareRoot() * k + k * k) * norm
  func pass(_ input: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: input.count)
    // Steady state for a constant input x0: y = x0 (unit DC gain).
    var (x1, x2, y1, y2) = (input[0], input[0], input[0], input[0])
    for i in input.indices {
      let y = b0 * input[i] + b1 * x1 + b0 * x2 - a1 * y1 - a2 * y2
      (x2, x1, y2, y1) = (x1, input[i], y1, y)
      out[i] = y
    }
    return out
  }
  return Array(pass(Array(pass(x).reversed())).reversed())
}
