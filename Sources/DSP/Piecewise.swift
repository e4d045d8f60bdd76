extension ClockEstimator {
  /// Step 6 of `estimate`: looks for stretches of the other signal that
  /// follow another map than `linear`'s line, and returns the piecewise
  /// estimate, or nil when the line explains the signal (or nothing better
  /// was found).
  func piecewise(
    _ linear: Estimate, reference shared: ReferenceSignals.Feature, rate: Double, referenceStart: Double,
    otherTimes: [Double], otherValues: [Double], otherFeature: [Double], medianInterval: Double
  ) -> Estimate? {
    let windows = linear.windows
    let origin = linear.origin
    guard windows.count >= 4, let lastTime = otherTimes.last else { return nil }
    let half = linear.windowLength / 2
    let referenceFeature = shared.values
    func main(_ t: Double) -> Double { linear.offset + linear.scale * (t - origin) }

    // Runs of two or more consecutive windows that disagree with the line;
    // each is re-estimated from the agreeing windows' centres around it.
    var runs: [(lo: Double, hi: Double, left: Bool, right: Bool)] = []
    var i = 0
    while i < windows.count {
      guard !windows[i].inlier else {
        i += 1
        continue
      }
      var j = i
      while j < windows.count && !windows[j].inlier { j += 1 }
      defer { i = j }
      guard j - i >= 2 else { continue }
      let lo = i > 0 ? windows[i - 1].otherTime : max(origin, windows[i].otherTime - half)
      let hi = j < windows.count ? windows[j].otherTime : min(lastTime, windows[j - 1].otherTime + half)
      if hi - lo >= 15 { runs.append((lo, hi, i > 0, j < windows.count)) }
    }
    // The six longest at most (each is a search of its own).
    runs = Array(runs.sorted { $0.hi - $0.lo > $1.hi - $1.lo }.prefix(6)).sorted { $0.lo < $1.lo }
    var subs: [(region: ClosedRange<Double>, estimate: Estimate, left: Bool, right: Bool)] = []
    for run in runs {
      let from = firstIndex(in: otherTimes, notBefore: run.lo)
      let to = firstIndex(in: otherTimes, notBefore: run.hi.nextUp)
      guard to - from >= 20 else { continue }
      var options = self.options
      options.piecewise = false
      options.maximumOffset = nil
      options.minimumOverlapFraction = 0.8
      let width = 500e-6
      options.scales = .range((linear.scale * (1 - width))...(linear.scale * (1 + width)))
      let sub = ClockEstimator(options: options).estimate(
        references: ReferenceSignals(only: shared, rate: rate),
        referenceRate: rate, referenceStart: referenceStart,
        otherTimes: Array(otherTimes[from..<to]), otherValues: Array(otherValues[from..<to]))
      let middle = (run.lo + run.hi) / 2
      let subAt = sub.offset + sub.scale * (middle - sub.origin)
      guard sub.aligned, sub.windows.filter(\.inlier).count >= 3, abs(subAt - main(middle)) > 0.05 else { continue }
      subs.append((run.lo...run.hi, sub, run.left, run.right))
    }
    guard !subs.isEmpty else { return nil }

    // The maps: 0 is the line, k the k-th stretch's; expressed from `origin`.
    var maps: [(offset: Double, scale: Double, uncertaintyMs: Double)] = [
      (linear.offset, linear.scale, linear.uncertaintyMs)
    ]
    for sub in subs {
      maps.append(
        (
          sub.estimate.offset - sub.estimate.scale * (sub.estimate.origin - origin), sub.estimate.scale,
          sub.estimate.uncertaintyMs
        ))
    }
    func at(_ map: Int, _ t: Double) -> Double { maps[map].offset + maps[map].scale * (t - origin) }

    // Where each map takes over: the change point between the line and a
    // stretch's map, searched from the previous stretch's last agreeing
    // window (or the start) to this one's first, and from this one's last
    // to the next one's first (or the end). Not just between the nearest
    // windows: a window can agree with a line by chance.
    var starts: [(time: Double, map: Int)] = [(-.infinity, 0)]
    let subAgreeing = subs.map { $0.estimate.windows.filter(\.inlier).map(\.otherTime) }
    var searchFrom = origin
    for (k, sub) in subs.enumerated() {
      let next = k + 1 < subs.count ? subAgreeing[k + 1].first! : lastTime
      if sub.left {
        let boundary = changePoint(
          from: { at(0, $0) }, to: { at(k + 1, $0) }, between: searchFrom, and: subAgreeing[k].first!,
          referenceFeature: referenceFeature, rate: rate, referenceStart: referenceStart, otherTimes: otherTimes,
          otherFeature: otherFeature, medianInterval: medianInterval)
        starts.append((boundary, k + 1))
      } else {
        starts[0].map = k + 1
      }
      searchFrom = subAgreeing[k].last!
      if sub.right {
        let boundary = changePoint(
          from: { at(k + 1, $0) }, to: { at(0, $0) }, between: searchFrom, and: next,
          referenceFeature: referenceFeature, rate: rate, referenceStart: referenceStart, otherTimes: otherTimes,
          otherFeature: otherFeature, medianInterval: medianInterval)
        starts.append((boundary, 0))
        searchFrom = boundary
      }
    }
    starts.sort { $0.time < $1.time }
    var merged: [(time: Double, map: Int)] = []
    for start in starts where merged.last?.map != start.map { merged.append(start) }
    func piece(containing t: Double) -> Int {
      var index = 0
      for (k, start) in merged.enumerated() where start.time <= t { index = k }
      return index
    }

    // Windows: each piece keeps the windows measured against its own map
    // (with their half-lengths: the line's, or the stretch's own).
    var measured: [(window: Window, map: Int, half: Double)] = []
    for w in windows where merged[piece(containing: w.otherTime)].map == 0 { measured.append((w, 0, half)) }
    for (k, sub) in subs.enumerated() {
      let subHalf = sub.estimate.windowLength / 2
      for w in sub.estimate.windows where merged[piece(containing: w.otherTime)].map == k + 1 {
        measured.append((w, k + 1, subHalf))
      }
    }
    // Each map again from the agreeing windows wholly inside its pieces (a
    // window across a boundary measures a mix of two maps).
    for m in maps.indices {
      let inside = measured.filter { item in
        guard item.map == m, item.window.inlier,
          abs(item.window.referenceTime - at(m, item.window.otherTime)) <= RobustLine.agreement
        else { return false }
        let k = piece(containing: item.window.otherTime)
        let start = k == 0 ? origin : merged[k].time
        let end = k + 1 < merged.count ? merged[k + 1].time : lastTime
        return item.window.otherTime - item.half >= start - 1e-9 && item.window.otherTime + item.half <= end + 1e-9
      }.map(\.window)
      guard inside.count >= 3 else { continue }
      let fit = RobustLine(fitting: inside, origin: origin)
      let pieceSpan = inside.map(\.otherTime)
      maps[m] = (
        fit.intercept, fit.slope,
        fit.uncertaintyMs(
          over: (pieceSpan.min()! - half)...(pieceSpan.max()! + half), origin: origin)
      )
    }
    var finalWindows: [Window] = measured.map { item in
      var w = item.window
      w.segment = piece(containing: w.otherTime)
      w.inlier = w.inlier && abs(w.referenceTime - at(item.map, w.otherTime)) <= RobustLine.agreement
      return w
    }
    finalWindows.sort { $0.otherTime < $1.otherTime }

    var segments: [Segment] = []
    for (k, start) in merged.enumerated() {
      let map = maps[start.map]
      let end = k + 1 < merged.count ? merged[k + 1].time : lastTime
      segments.append(
        Segment(
          otherStart: k == 0 ? origin : start.time, otherEnd: end, offset: map.offset, scale: map.scale,
          uncertaintyMs: map.uncertaintyMs, windows: finalWindows.filter { $0.segment == k && $0.inlier }.count))
    }
    // A piece no window agrees with is not measured: give up on pieces.
    guard segments.allSatisfy({ $0.windows > 0 }) else { return nil }

    let agreeing = finalWindows.filter(\.inlier)
    let width = max(linear.searchWidth, subs.map(\.estimate.searchWidth).max() ?? 0)
    let confidence = Confidence.of(
      windows: finalWindows, agreeing: agreeing, searchWidth: width, pieces: maps.count,
      plausible: segments.allSatisfy { ScaleSpace.isPlausible($0.scale) })
    let referenceEnd = referenceStart + Double(shared.values.count) / rate
    var lo = Double.infinity
    var hi = -Double.infinity
    for segment in segments {
      let a = max(referenceStart, min(segment.referenceTime(segment.otherStart, origin: origin), referenceEnd))
      let b = max(referenceStart, min(segment.referenceTime(segment.otherEnd, origin: origin), referenceEnd))
      lo = min(lo, a)
      hi = max(hi, b)
    }
    let uncertainty = segments.map(\.uncertaintyMs).max() ?? linear.uncertaintyMs
    let verdict: Verdict =
      confidence >= options.threshold
      ? .aligned
      : .rejected(
        .disagreeing(agreeing: agreeing.count, of: finalWindows.count, confidence: confidence, pieces: segments.count))
    return Estimate(
      offset: segments[0].offset, scale: segments[0].scale, confidence: confidence, uncertaintyMs: uncertainty,
      verdict: verdict, windows: finalWindows, origin: origin,
      overlap: lo <= hi ? lo...hi : referenceStart...referenceStart, coarsePeak: linear.coarsePeak,
      segments: segments, searchWidth: width, windowLength: linear.windowLength,
      scaleNote: ScaleNote(scale: segments[0].scale), referenceBand: linear.referenceBand,
      referenceSmoothingHz: linear.referenceSmoothingHz)
  }

  /// The other time where `from` hands over to `to` between `lo` and `hi`:
  /// the split that maximises the agreement of the other signal's samples
  /// with the reference under the map each side of it.
  private func changePoint(
    from: (Double) -> Double, to: (Double) -> Double, between lo: Double, and hi: Double, referenceFeature: [Double],
    rate: Double, referenceStart: Double, otherTimes: [Double], otherFeature: [Double], medianInterval: Double
  ) -> Double {
    let first = firstIndex(in: otherTimes, notBefore: lo)
    let end = firstIndex(in: otherTimes, notBefore: hi)
    guard end - first >= 2 else { return (lo + hi) / 2 }
    let slice = Array(otherFeature[first..<end])
    let trend = movingAverageSkippingNaN(slice, window: max(1, Int((5 / medianInterval).rounded())))
    func referenceValue(_ time: Double) -> Double {
      let x = (time - referenceStart) * rate
      let i = Int(x.rounded(.down))
      guard i >= 0, i + 1 < referenceFeature.count else { return 0 }
      let f = x - Double(i)
      return referenceFeature[i] * (1 - f) + referenceFeature[i + 1] * f
    }
    // Each sample's values: the other's (trend removed) and the reference's
    // under either map, each standardised over the stretch; the split
    // minimises the squared difference to the map each side of it.
    var x: [Double] = []
    var a: [Double] = []
    var b: [Double] = []
    var index: [Int] = []
    for k in first..<end {
      let value = slice[k - first] - trend[k - first]
      guard !value.isNaN else { continue }
      x.append(value)
      a.append(referenceValue(from(otherTimes[k])))
      b.append(referenceValue(to(otherTimes[k])))
      index.append(k)
    }
    guard x.count >= 2 else { return (lo + hi) / 2 }
    func standardise(_ v: inout [Double]) {
      let mean = v.reduce(0, +) / Double(v.count)
      let sd = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)).squareRoot()
      for i in v.indices { v[i] = sd > 0 ? (v[i] - mean) / sd : 0 }
    }
    standardise(&x)
    standardise(&a)
    standardise(&b)
    var sum = 0.0
    var best = 0.0
    var split = first
    for i in x.indices {
      sum += (x[i] - b[i]) * (x[i] - b[i]) - (x[i] - a[i]) * (x[i] - a[i])
      if sum > best {
        best = sum
        split = index[i] + 1
      }
    }
    let boundary = split == first ? lo : split == end ? hi : (otherTimes[split - 1] + otherTimes[split]) / 2
    // A gap in the other's times within a second is where its clock stepped
    // (quiet samples next to it cannot tell the maps apart).
    let near = firstIndex(in: otherTimes, notBefore: boundary - 1)
    let far = firstIndex(in: otherTimes, notBefore: boundary + 1)
    var widest = (gap: max(0.25, 5 * medianInterval), at: boundary)
    // Pairs of neighbours with either end within the second.
    if max(1, near) <= min(far, otherTimes.count - 1) {
      for k in max(1, near)...min(far, otherTimes.count - 1) where otherTimes[k] - otherTimes[k - 1] > widest.gap {
        widest = (otherTimes[k] - otherTimes[k - 1], (otherTimes[k] + otherTimes[k - 1]) / 2)
      }
    }
    return widest.at
  }
}
