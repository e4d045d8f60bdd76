import DSP
import Foundation
import MediaIO
import TimeSeries

/// Options for `alignMediaToSeries` and `alignMediaToMedia`.
public struct AlignOptions: Sendable {
  public var estimator = ClockEstimator.Options()
  public var threads = EnvelopeOptions.defaultThreads
  public var streamIndex: Int?
  /// Write the corrected CSV here (series only).
  public var writeCSV: String?
  /// A folder where envelopes are kept between runs (`batch` sets it), so a
  /// media file is decoded once for all its items and the report.
  public var envelopeCache: String?
  public init() {}
}

/// Why an alignment could not run (as opposed to ran and was rejected).
public struct AlignError: Error, CustomStringConvertible, Sendable {
  public var description: String
  public init(_ description: String) { self.description = description }
}

let envelopeRate = 100.0

/// The result's `reason` for a rejection: the estimator's sentence, with the
/// command line's advice where a narrower offset search helps.
func reasonText(_ rejection: Rejection) -> String {
  rejection.narrowingHelps ? "\(rejection); narrow the search with --max-offset" : "\(rejection)"
}

/// The envelope, the container facts and the warnings of both: damaged
/// packets, and a container that cannot be read again after its audio was
/// decoded (no facts then, rather than no result).
private func decodedMedia(_ path: String, _ options: AlignOptions) async throws -> (
  MediaEnvelope, MediaInfo?, warnings: [String]
) {
  let envelope: MediaEnvelope
  do {
    envelope = try await mediaEnvelope(
      path: path, rate: envelopeRate, streamIndex: options.streamIndex, threads: options.threads,
      cache: options.envelopeCache.map(EnvelopeCache.init))
  } catch {
    throw AlignError(error.description)
  }
  do {
    return (envelope, try probeMedia(path: path, options: ProbeOptions(scan: false)), damageWarnings(path, envelope))
  } catch {
    return (
      envelope, nil,
      damageWarnings(path, envelope) + [
        "\(path): its container facts could not be read (\(error)); media.duration is the end of its audio and the frame rate is unknown"
      ]
    )
  }
}

/// A damaged packet or two, skipped as `ffmpeg` skips them.
private func damageWarnings(_ path: String, _ envelope: MediaEnvelope) -> [String] {
  guard !envelope.damage.isEmpty else { return [] }
  return [
    "\(path): \(envelope.damage.warning(stream: envelope.streamIndex)); the alignment uses the rest"
  ]
}

private func mediaFacts(_ path: String, _ envelope: MediaEnvelope, _ info: MediaInfo?) -> AlignResult.Media {
  let values = envelope.envelope
  let end = values.time(at: max(0, values.values.count - 1))
  return AlignResult.Media(
    path: path, duration: info?.format.headerDuration ?? end, audioStream: envelope.streamIndex,
    frameRate: info?.firstVideo?.frameRate, audioStart: envelope.audioStart)
}

/// Each window against its own segment's line.
private func windowsJSON(_ estimate: ClockEstimator.Estimate) -> [AlignResult.Window] {
  estimate.windows.map { w in
    let segment = estimate.segments.isEmpty ? nil : estimate.segments[min(w.segment, estimate.segments.count - 1)]
    let mapped =
      segment?.referenceTime(w.otherTime, origin: estimate.origin)
      ?? estimate.offset + estimate.scale * (w.otherTime - estimate.origin)
    return AlignResult.Window(
      mediaTime: mapped, lagMs: (w.referenceTime - mapped) * 1000, quality: w.quality, inlier: w.inlier,
      segment: segment == nil ? nil : w.segment)
  }
}

/// The pieces of a piecewise estimate, with offsets moved to `origin`
/// (`estimate.origin` for a CSV; 0 for a second media file).
private func segmentsJSON(_ estimate: ClockEstimator.Estimate, origin: Double) -> [AlignResult.Segment]? {
  guard !estimate.segments.isEmpty else { return nil }
  var out: [AlignResult.Segment] = []
  for (k, piece) in estimate.segments.enumerated() {
    let offset = piece.offset - piece.scale * (estimate.origin - origin)
    let previous = k > 0 ? estimate.segments[k - 1] : nil
    out.append(
      AlignResult.Segment(
        csvStart: piece.otherStart, csvEnd: piece.otherEnd, offset: offset, scale: piece.scale,
        driftPpm: (piece.scale - 1) * 1e6, mediaStart: piece.referenceTime(piece.otherStart, origin: estimate.origin),
        mediaEnd: piece.referenceTime(piece.otherEnd, origin: estimate.origin),
        uncertaintyMs: piece.uncertaintyMs.isFinite ? piece.uncertaintyMs : nil, windows: piece.windows,
        jumpMs: previous.map {
          (piece.referenceTime(piece.otherStart, origin: estimate.origin)
            - $0.referenceTime(piece.otherStart, origin: estimate.origin)) * 1000
        }))
  }
  return out
}

/// Three or more consecutive windows off the map: a stretch the map does
/// not explain (with `--model linear`, maybe a jump).
private func unexplainedStretchWarnings(_ windows: [AlignResult.Window], piecewise: Bool) -> [String] {
  let ordered = windows.sorted { $0.mediaTime < $1.mediaTime }
  var longest: (from: Int, count: Int) = (0, 0)
  var start = 0
  for (k, window) in ordered.enumerated() {
    if window.inlier { start = k + 1 } else if k - start + 1 > longest.count { longest = (start, k - start + 1) }
  }
  guard longest.count >= 3 else { return [] }
  let from = ordered[longest.from].mediaTime
  let to = ordered[longest.from + longest.count - 1].mediaTime
  return [
    "\(longest.count) consecutive windows (media \(String(format: "%.1f", from))–\(String(format: "%.1f", to)) s) disagree with the map: check that stretch"
      + (piecewise ? "" : "; if the sensor's clock jumped there, align with --model auto")
  ]
}

/// A line a person reads about a scale no real clock drifts to, or a
/// wrong nominal rate.
private func scaleWarnings(_ estimate: ClockEstimator.Estimate) -> [String] {
  switch estimate.scaleNote {
  case nil: return []
  case .nominalRatio(let name)?:
    return [
      "the clock map's scale \(String(format: "%.6f", estimate.scale)) is a wrong nominal rate, \(name): the sensor's timestamps say another rate than it sampled at"
    ]
  case .implausibleDrift(let ppm)?:
    return [
      "the clock map's drift \(String(format: "%.0f", ppm)) ppm is beyond what real clocks show (±3,000 ppm) and no common wrong nominal rate; the confidence was lowered: check the time column's unit and the sensor's rate"
    ]
  }
}

/// A line a person reads about each jump.
private func segmentWarnings(_ segments: [AlignResult.Segment]?) -> [String] {
  (segments ?? []).dropFirst().map { segment in
    let jump = segment.jumpMs ?? 0
    return
      "the clock map changes at sensor time \(String(format: "%.3f", segment.csvStart)) s: the media jumps \(jump > 0 ? "ahead" : "back") by \(String(format: "%.3f", abs(jump) / 1000)) s there (\(jump > 0 ? "sensor rows are missing while its timestamps carried on" : "the sensor clock stepped forward, or rows repeat")); the map is piecewise"
  }
}

/// Aligns a sensor channel to the media's audio (docs/clock-map.md: offset is the
/// media time of the CSV's first row).
public func alignMediaToSeries(
  mediaPath: String, csvPath: String, csv: CSVOptions, channel: String, options: AlignOptions
) async throws -> AlignResult {
  let table: TimeSeriesTable
  do { table = try CSVReader.read(path: csvPath, options: csv) } catch { throw AlignError(error.description) }
  try checkAlignable(table)
  let (envelope, info, decodeWarnings) = try await decodedMedia(mediaPath, options)
  let reference = envelope.envelope.values.map(Double.init)
  let bands = envelope.envelope.bands.map { $0.map(Double.init) }
  let candidates = try channelCandidates(channel, table: table)
  // Several channels: first without the band searches (a channel that
  // aligns on the broadband envelope spares the others theirs), then, if
  // none aligned, with them.
  let passes = candidates.count > 1 && options.estimator.searchBands ? [false, true] : [options.estimator.searchBands]
  var best: (estimate: ClockEstimator.Estimate, name: String)?
  for searchBands in passes where !(best?.estimate.aligned ?? false) {
    var estimatorOptions = options.estimator
    estimatorOptions.searchBands = searchBands
    let estimator = ClockEstimator(options: estimatorOptions)
    for (name, values) in candidates {
      let estimate = estimator.estimate(
        reference: reference, referenceBands: bands, referenceRate: envelopeRate,
        referenceStart: envelope.envelope.time(at: 0), otherTimes: table.times, otherValues: values)
      if best == nil || estimate.confidence > best!.estimate.confidence { best = (estimate, name) }
    }
  }
  guard let best else { throw AlignError("\(csvPath): no numeric channel to align") }
  let estimate = best.estimate
  let seriesInfo = SeriesInfo(table)
  var warnings = table.warnings + decodeWarnings
  if candidates.count > 1 { warnings.append("--channel auto chose '\(best.name)' of \(candidates.count) candidates") }
  var result = AlignResult(
    status: estimate.aligned ? .aligned : .rejected, offset: estimate.offset, scale: estimate.scale,
    driftPpm: (estimate.scale - 1) * 1e6, confidence: estimate.confidence,
    uncertaintyMs: estimate.uncertaintyMs.isFinite ? estimate.uncertaintyMs : nil, csvOrigin: estimate.origin,
    overlap: .init(mediaStart: estimate.overlap.lowerBound, mediaEnd: estimate.overlap.upperBound),
    model: estimate.segments.isEmpty ? .linear : .piecewise, segments: segmentsJSON(estimate, origin: estimate.origin),
    media: mediaFacts(mediaPath, envelope, info),
    series: .init(
      path: csvPath, timeColumn: table.timeColumn, channel: best.name, rows: table.rowCount,
      rateHz: seriesInfo.time.rateHz, csvOptions: CSVReadOptions(csv, readIn: table.timeUnit),
      timeUnitNote: table.timeUnitInference.flatMap { $0.isWorthSaying ? $0.note : nil },
      layout: seriesInfo.layout),
    other: nil, windows: windowsJSON(estimate), warnings: warnings, reason: estimate.verdict.rejection.map(reasonText))
  if let band = estimate.referenceBand {
    let upper = AudioBands.range(band.upperBound).upper
    result.media.audioBand = .init(lowHz: AudioBands.range(band.lowerBound).lower, highHz: upper.isFinite ? upper : nil)
  }
  result.warnings += segmentWarnings(result.segments) + scaleWarnings(estimate)
  if estimate.aligned {
    result.warnings += unexplainedStretchWarnings(result.windows, piecewise: options.estimator.piecewise)
  }
  if let target = options.writeCSV, estimate.aligned {
    do {
      result.correction = try writeCorrectedCSV(table, map: result.clockMap, to: target)
      result.correctedCsv = target
    } catch {
      throw AlignError(error.description)
    }
  }
  return result
}

/// Aligns a second media file to a reference one:
/// `t_reference = offset + scale × t_other` (both media times).
public func alignMediaToMedia(referencePath: String, otherPath: String, options: AlignOptions) async throws
  -> AlignResult
{
  let (reference, referenceInfo, referenceWarnings) = try await decodedMedia(referencePath, options)
  let (other, otherInfo, otherWarnings) = try await decodedMedia(otherPath, options)
  let otherTimes = other.envelope.values.indices.map { other.envelope.time(at: $0) }
  let estimate = ClockEstimator(options: options.estimator).estimate(
    reference: reference.envelope.values.map(Double.init), referenceRate: envelopeRate,
    referenceStart: reference.envelope.time(at: 0), otherTimes: otherTimes,
    otherValues: other.envelope.values.map(Double.init))
  // Express the map from t_other = 0 rather than from the other's first envelope time.
  let offsetAtZero = estimate.offset - estimate.scale * estimate.origin
  var windows = windowsJSON(estimate)
  windows.sort { $0.mediaTime < $1.mediaTime }
  let segments = segmentsJSON(estimate, origin: 0)
  return AlignResult(
    status: estimate.aligned ? .aligned : .rejected, offset: offsetAtZero, scale: estimate.scale,
    driftPpm: (estimate.scale - 1) * 1e6, confidence: estimate.confidence,
    uncertaintyMs: estimate.uncertaintyMs.isFinite ? estimate.uncertaintyMs : nil, csvOrigin: 0,
    overlap: .init(mediaStart: estimate.overlap.lowerBound, mediaEnd: estimate.overlap.upperBound),
    model: estimate.segments.isEmpty ? .linear : .piecewise, segments: segments,
    media: mediaFacts(referencePath, reference, referenceInfo), series: nil,
    other: mediaFacts(otherPath, other, otherInfo), windows: windows,
    warnings: referenceWarnings + otherWarnings
      + segmentWarnings(segments) + scaleWarnings(estimate)
      + (estimate.aligned ? unexplainedStretchWarnings(windows, piecewise: options.estimator.piecewise) : []),
    reason: estimate.verdict.rejection.map(reasonText))
}

/// Longest sensor span `align` takes (s): a month; a longer one is a
/// misread time column (ms read as s, one row stamped years off), and
/// searching it would cost minutes and gigabytes.
let maximumSensorSpan = 31 * 86400.0
/// Slowest median row rate `align` takes (Hz).
let minimumSensorRate = 0.1

/// Refuses, at once, a sensor whose times cannot be right for media: a
/// span over `maximumSensorSpan` (naming the widest gap's rows) or rows
/// slower than `minimumSensorRate`.
func checkAlignable(_ table: TimeSeriesTable) throws {
  let times = table.times
  guard times.count >= 2, let first = times.first, let last = times.last else { return }
  let unitAdvice =
    table.timeUnit == nil
    ? "" : "; the time column was read in \(table.timeUnit!.rawValue): if that is wrong, pass --time-unit"
  if last - first > maximumSensorSpan {
    var widest = (gap: 0.0, row: 0)
    for i in 1..<times.count where times[i] - times[i - 1] > widest.gap { widest = (times[i] - times[i - 1], i) }
    let line = table.firstDataLine + widest.row
    throw AlignError(
      "\(table.path): the time column spans \(String(format: "%.0f", (last - first) / 86400)) days, more than a sensor beside a recording can (at most 31); the widest jump is \(String(format: "%.0f", widest.gap)) s between lines \(line - 1) and \(line) (about)\(unitAdvice)"
    )
  }
  var intervals = zip(times.dropFirst(), times).map { $0 - $1 }.filter { $0 > 0 }
  guard !intervals.isEmpty else { return }
  intervals.sort()
  let rate = 1 / intervals[intervals.count / 2]
  if rate < minimumSensorRate {
    throw AlignError(
      "\(table.path): its rows are \(String(format: "%.3g", 1 / rate)) s apart (\(String(format: "%.3g", rate)) Hz): too slow to align with media (at least \(minimumSensorRate) Hz)\(unitAdvice)"
    )
  }
}

/// The channels to try: one named channel, `mag(…)`, or with `auto` every
/// numeric column plus the magnitude of each axis triple
/// (`TimeSeriesTable.axisTriples`).
func channelCandidates(_ channel: String, table: TimeSeriesTable) throws -> [(String, [Double])] {
  if channel.lowercased() != "auto" {
    do {
      let spec = ChannelSpec(channel)
      return [(spec.description, try table.channel(spec))]
    } catch {
      throw AlignError(error.description)
    }
  }
  var out: [(String, [Double])] = []
  for column in table.columns {
    if let numbers = column.numbers, numbers.contains(where: { !$0.isNaN }) { out.append((column.name, numbers)) }
  }
  for axes in table.axisTriples {
    let spec = ChannelSpec.magnitude(axes)
    do {
      out.append((spec.description, try table.channel(spec)))
    } catch {
      throw AlignError(error.description)
    }
  }
  guard !out.isEmpty else { throw AlignError("\(table.path): no numeric column to align; name one with --channel") }
  return out
}
