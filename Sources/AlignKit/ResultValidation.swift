import TimeSeries

extension AlignResult {
  /// The largest |time| a result may hold, s: the reader's limit
  /// (`TimeSeriesTable.maximumTime`, 300,000 years from 1970).
  static let maximumTime = TimeSeriesTable.maximumTime

  /// The first field whose value no step can compute with, as
  /// "'scale' is 0, not a positive number"; nil when every field is usable.
  /// Checked: `offset`, `csv_origin`, the overlap and every segment's times
  /// finite and within ±`maximumTime`; `scale` (and each segment's) finite,
  /// positive and within 0.5…2 (a clock off by more is not a clock);
  /// `confidence` in 0…1; `uncertainty_ms` finite and ≥ 0; windows finite.
  public var problem: String? {
    func time(_ name: String, _ value: Double) -> String? {
      guard value.isFinite else { return "'\(name)' is \(value), not a finite number" }
      guard abs(value) <= Self.maximumTime else { return "'\(name)' is \(value) s, beyond ±1e13 s" }
      return nil
    }
    func scaleProblem(_ name: String, _ value: Double) -> String? {
      guard value.isFinite, value > 0 else { return "'\(name)' is \(value), not a positive number" }
      guard (0.5...2).contains(value) else { return "'\(name)' is \(value), outside 0.5…2" }
      return nil
    }
    if let p = time("offset", offset) ?? time("csv_origin", csvOrigin) ?? scaleProblem("scale", scale) { return p }
    if let p = time("overlap.media_start", overlap.mediaStart) ?? time("overlap.media_end", overlap.mediaEnd) {
      return p
    }
    guard confidence.isFinite, (0...1).contains(confidence) else { return "'confidence' is \(confidence), not in 0…1" }
    if let u = uncertaintyMs, !(u.isFinite && u >= 0) { return "'uncertainty_ms' is \(u), not a finite number ≥ 0" }
    if let d = media.duration, let p = time("media.duration", d) { return p }
    for (i, s) in (segments ?? []).enumerated() {
      let name = "segments[\(i)]"
      if let p = time("\(name).csv_start", s.csvStart) ?? time("\(name).csv_end", s.csvEnd)
        ?? time("\(name).offset", s.offset) ?? scaleProblem("\(name).scale", s.scale)
        ?? time("\(name).media_start", s.mediaStart) ?? time("\(name).media_end", s.mediaEnd)
      {
        return p
      }
    }
    for (i, w) in windows.enumerated() {
      if let p = time("windows[\(i)].media_time", w.mediaTime) ?? time("windows[\(i)].lag_ms", w.lagMs) { return p }
      if !w.quality.isFinite { return "'windows[\(i)].quality' is \(w.quality), not a finite number" }
    }
    return nil
  }

  /// This result, or an error naming `path` and the first unusable field.
  public func validated(_ path: String) throws(AlignError) -> AlignResult {
    guard let problem else { return self }
    throw AlignError("\(path): \(problem): the result is damaged or was edited; run align again to remake it")
  }
}
