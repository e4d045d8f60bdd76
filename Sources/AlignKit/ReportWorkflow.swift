import DSP
import Foundation
import MediaIO
import Reports
import TimeSeries

/// Options for `makeReport`.
public struct ReportOptions: Sendable {
  /// The HTML file to write.
  public var output: String
  /// Also write the Markdown summary here.
  public var markdown: String?
  /// Decoders per media file for the signal plots.
  public var threads = EnvelopeOptions.defaultThreads
  /// Plot columns of the long plots (min/max per column).
  public var columns = 1000
  /// Results whose signals are recomputed at the same time.
  public var jobs = 1
  /// Envelopes kept by align (`AlignOptions.envelopeCache`), reused here.
  public var envelopeCache: String?

  public init(output: String) { self.output = output }
}

/// What `makeReport` wrote.
public struct ReportSummary: Sendable {
  public var entries: Int
  public var aligned: Int
  public var rejected: Int
  /// Result files that could not be read, with the reason.
  public var failures: [(path: String, reason: String)]
}

/// Writes the HTML report (and the Markdown summary) for align results.
/// Signals are recomputed from the media and the CSV when they can be read;
/// otherwise the section shows what the JSON holds and says why.
public func makeReport(resultPaths: [String], options: ReportOptions) async throws(AlignError) -> ReportSummary {
  var entries: [ReportEntry] = []
  var failures: [(String, String)] = []
  let reportFolder = realPath(
    (options.output as NSString).deletingLastPathComponent.isEmpty
      ? "." : (options.output as NSString).deletingLastPathComponent)
  guard let reportFolder else {
    throw AlignError("\(options.output): the report's folder does not exist; create it first")
  }
  var work: [(result: AlignResult, label: String, path: String)] = []
  for path in resultPaths {
    let results: [AlignResult]
    do { results = try readResults(path) } catch {
      failures.append((path, error.description))
      continue
    }
    for (i, result) in results.enumerated() {
      let label = results.count == 1 ? path : "\(path)[\(i)]"
      do { work.append((try result.validated(label), label, path)) } catch {
        failures.append((label, error.description))
      }
    }
  }
  // Up to `jobs` entries at a time; the report keeps the given order.
  var made = [ReportEntry?](repeating: nil, count: work.count)
  await withTaskGroup(of: (Int, ReportEntry).self) { group in
    var next = 0
    func start() {
      guard next < work.count else { return }
      let (index, item) = (next, work[next])
      next += 1
      group.addTask {
        (
          index,
          await reportEntry(
            item.result, label: item.label, resultPath: item.path, reportFolder: reportFolder, options: options)
        )
      }
    }
    for _ in 0..<max(1, options.jobs) { start() }
    while let (index, entry) = await group.next() {
      made[index] = entry
      start()
    }
  }
  entries = made.compactMap { $0 }
  guard !entries.isEmpty else {
    throw AlignError("no result to report: " + failures.map { "\($0.0): \($0.1)" }.joined(separator: "; "))
  }
  do {
    try AtomicFile.write(Data(HTMLReport.render(entries).utf8), to: options.output)
    if let markdown = options.markdown {
      try AtomicFile.write(Data(MarkdownReport.render(entries).utf8), to: markdown)
    }
  } catch {
    throw AlignError(error.description)
  }
  let aligned = entries.filter(\.aligned).count
  return ReportSummary(entries: entries.count, aligned: aligned, rejected: entries.count - aligned, failures: failures)
}

private func reportEntry(
  _ result: AlignResult, label: String, resultPath: String, reportFolder: String, options: ReportOptions
) async -> ReportEntry {
  let windows = result.windows.map {
    ReportEntry.Window(mediaTime: $0.mediaTime, lagMs: $0.lagMs, quality: $0.quality, inlier: $0.inlier)
  }
  let otherPath = result.series?.path ?? result.other?.path ?? "?"
  var entry = ReportEntry(
    resultPath: label, mediaPath: result.media.path, otherPath: otherPath, otherIsMedia: result.series == nil,
    channel: result.series?.channel, aligned: result.status == .aligned, confidence: result.confidence,
    offset: result.offset, scale: result.scale, uncertaintyMs: result.uncertaintyMs, csvOrigin: result.csvOrigin,
    overlap: result.overlap.mediaStart...max(result.overlap.mediaStart, result.overlap.mediaEnd),
    model: result.model.rawValue,
    mediaFacts: [], warnings: result.warnings, reason: result.reason, windows: windows, signals: nil, signalNote: nil,
    playerURL: nil, playerIsVideo: false)
  entry.segments = (result.segments ?? []).map {
    ReportEntry.Segment(csvStart: $0.csvStart, csvEnd: $0.csvEnd, offset: $0.offset, scale: $0.scale, jumpMs: $0.jumpMs)
  }
  let folder = (resultPath as NSString).deletingLastPathComponent
  do {
    let mediaPath = try resolveInput(result.media.path, relativeTo: folder, what: "media file")
    var probedDuration: Double?
    do {
      let info = try probeMedia(path: mediaPath)
      probedDuration = info.format.duration
      entry.mediaFacts = mediaFacts(info)
      entry.playerIsVideo = info.firstVideo != nil
    } catch {
      entry.warnings.append("\(mediaPath): its container facts could not be read (\(error)); the report shows none")
    }
    entry.playerURL = relativePath(from: reportFolder, to: mediaPath)
    let cache = options.envelopeCache.map(EnvelopeCache.init)
    let envelope = try await mediaEnvelope(
      path: mediaPath, rate: 100, streamIndex: result.media.audioStream, threads: options.threads, cache: cache)
    let sensor: (times: [Double], values: [Double])
    if let series = result.series {
      let csvPath = try resolveInput(series.path, relativeTo: folder, what: "CSV")
      let csvOptions = try series.readOptions()
      let table = try CSVReader.read(path: csvPath, options: csvOptions)
      sensor = (table.times, try table.channel(ChannelSpec(series.channel)))
    } else if let other = result.other {
      let otherPath = try resolveInput(other.path, relativeTo: folder, what: "other media file")
      let e = try await mediaEnvelope(
        path: otherPath, rate: 100, streamIndex: nil, threads: options.threads, cache: cache)
      sensor = (e.envelope.values.indices.map { e.envelope.time(at: $0) }, e.envelope.decibels().map(Double.init))
    } else {
      throw AlignError("the result names no CSV or other media")
    }
    let duration = probedDuration ?? result.media.duration ?? envelope.envelope.time(at: envelope.envelope.values.count)
    entry.signals = signals(
      envelope: envelope.envelope, sensor: sensor, map: result.clockMap,
      overlap: entry.overlap, duration: duration, columns: options.columns)
  } catch {
    entry.signalNote = "\(error)"
  }
  return entry
}

private func mediaFacts(_ info: MediaInfo) -> [(String, String)] {
  var facts: [(String, String)] = [("container", info.format.formatName)]
  if let d = info.format.duration { facts.append(("media duration", String(format: "%.3f s", d))) }
  if let v = info.firstVideo {
    var text = "\(v.codecName)"
    if let w = v.width, let h = v.height { text += " \(w)×\(h)" }
    if let r = v.frameRate { text += String(format: ", %.3f fps", r) }
    if let cfr = v.constantFrameRate { text += cfr ? " (constant)" : " (variable)" }
    facts.append(("video", text))
  }
  if let a = info.firstAudio {
    var text = "\(a.codecName)"
    if let r = a.sampleRate { text += ", \(r) Hz" }
    if let c = a.channels { text += ", \(c) ch" }
    if let s = a.startTime, s != 0 { text += String(format: ", starts at %.3f s", s) }
    facts.append(("audio", text))
  }
  for w in info.warnings { facts.append(("media warning", w)) }
  return facts
}

/// Values scaled to 0…1 between their 1st and 99th percentiles.
private func normalised(_ values: [Double]) -> [Double] {
  let finite = values.filter(\.isFinite).sorted()
  guard finite.count > 1 else { return values.map { _ in 0.5 } }
  let lo = finite[finite.count / 100]
  let hi = finite[min(finite.count - 1, finite.count * 99 / 100)]
  let span = hi > lo ? hi - lo : 1
  return values.map { $0.isFinite ? min(1.05, max(-0.05, ($0 - lo) / span)) : .nan }
}

/// The sensor at media times `grid` through the map, linearly interpolated
/// (NaN outside the sensor's span and inside gaps longer than a second).
private func sensorAt(_ grid: [Double], times: [Double], values: [Double], map: ClockMap) -> [Double] {
  var out = [Double](repeating: .nan, count: grid.count)
  var k = 0
  for (i, tm) in grid.enumerated() {
    let t = map.csvTime(tm)
    guard let first = times.first, let last = times.last, t >= first, t <= last else { continue }
    while k + 1 < times.count && times[k + 1] < t { k += 1 }
    let j = min(k + 1, times.count - 1)
    guard times[j] - times[k] <= 1.0 || j == k else { continue }
    let w = times[j] > times[k] ? (t - times[k]) / (times[j] - times[k]) : 0
    out[i] = values[k] + w * (values[j] - values[k])
  }
  return out
}

private func signals(
  envelope: Envelope, sensor: (times: [Double], values: [Double]), map: ClockMap, overlap: ClosedRange<Double>,
  duration: Double, columns: Int
) -> ReportSignals {
  let range = 0...max(duration, 1)
  let envTimes = envelope.values.indices.map { envelope.time(at: $0) }
  let envValues = normalised(envelope.decibels().map(Double.init))
  let sensorValues = normalised(sensor.values)
  let origin = sensor.times.first ?? 0
  let before = MinMaxSeries(
    times: sensor.times.map { $0 - origin }, values: sensorValues, range: range, columns: columns)
  let after = MinMaxSeries(
    times: sensor.times.map(map.mediaTime), values: sensorValues, range: range, columns: columns)
  let envSeries = MinMaxSeries(times: envTimes, values: envValues, range: range, columns: columns)

  // The sensor on the envelope's grid over the overlap.
  let lo = max(0, Int(((overlap.lowerBound - envelope.time(at: 0)) * envelope.rate).rounded(.up)))
  let hi = min(envelope.values.count, Int(((overlap.upperBound - envelope.time(at: 0)) * envelope.rate).rounded(.down)))
  let indices = lo < hi ? Array(lo..<hi) : []
  let grid = indices.map { envTimes[$0] }
  let s = sensorAt(grid, times: sensor.times, values: sensorValues, map: map)
  let e = indices.map { envValues[$0] }

  // Zoom: the 10 s of strongest envelope activity (variance) inside the overlap.
  let span = min(grid.count, Int(10 * envelope.rate))
  var zoom = 0..<0
  if span > 10 {
    var best = -1.0
    var start = 0
    let stride = max(1, Int(envelope.rate))
    while start + span <= grid.count {
      let part = e[start..<(start + span)].filter(\.isFinite)
      let mean = part.reduce(0, +) / Double(max(part.count, 1))
      let variance = part.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
      if variance > best {
        best = variance
        zoom = start..<(start + span)
      }
      start += stride
    }
  }
  let zoomTimes = Array(grid[zoom])

  // Correlation around the map: high-passed ranks, ±1 s of shift.
  var correlation = Curve(xs: [], ys: [])
  if grid.count > 200 {
    let weights = s.map { $0.isNaN ? 0.0 : 1.0 }
    let window = Int(5 * envelope.rate)
    let a = highPass(rankTransform(e, weights: weights), weights: weights, window: window)
    let b = highPass(rankTransform(s, weights: weights), weights: weights, window: window)
    let maxLag = Int(1.0 * envelope.rate)
    for lag in -maxLag...maxLag {
      var sab = 0.0
      var saa = 0.0
      var sbb = 0.0
      for i in max(0, -lag)..<min(grid.count, grid.count - lag) where weights[i] > 0 && weights[i + lag] > 0 {
        sab += a[i] * b[i + lag]
        saa += a[i] * a[i]
        sbb += b[i + lag] * b[i + lag]
      }
      correlation.xs.append(Double(lag) / envelope.rate * 1000)
      correlation.ys.append(saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : .nan)
    }
  }
  return ReportSignals(
    mediaRange: range, envelope: envSeries, before: before, after: after,
    zoomEnvelope: Curve(xs: zoomTimes, ys: Array(e[zoom])), zoomSensor: Curve(xs: zoomTimes, ys: Array(s[zoom])),
    correlation: correlation)
}

/// `to` relative to the folder `from` (both absolute, without links).
func relativePath(from folder: String, to file: String) -> String {
  let a = folder.split(separator: "/")
  let b = file.split(separator: "/")
  var common = 0
  while common < a.count && common < b.count - 1 && a[common] == b[common] { common += 1 }
  let up = Array(repeating: "..", count: a.count - common)
  return (up + b[common...].map(String.init)).joined(separator: "/")
}
