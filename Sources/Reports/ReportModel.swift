import Foundation

/// A signal reduced to one (min, max) pair per column, for plots that stay
/// small however long the recording: column `i` covers
/// `[start + i·step, start + (i+1)·step)` seconds.
public struct MinMaxSeries: Sendable, Equatable {
  public var start: Double
  public var step: Double
  public var mins: [Double]
  public var maxs: [Double]

  public init(start: Double, step: Double, mins: [Double], maxs: [Double]) {
    self.start = start
    self.step = step
    self.mins = mins
    self.maxs = maxs
  }

  /// Reduces `values` sampled at `times` into `columns` columns over `range`;
  /// NaNs are skipped, empty columns are NaN (gaps stay gaps).
  public init(times: [Double], values: [Double], range: ClosedRange<Double>, columns: Int) {
    let step = (range.upperBound - range.lowerBound) / Double(max(columns, 1))
    var mins = [Double](repeating: .infinity, count: columns)
    var maxs = [Double](repeating: -.infinity, count: columns)
    for (t, v) in zip(times, values) where v.isFinite {
      // The column as a Double first: a time far outside the range (or
      // not finite) must not reach Int(_:).
      let column = ((t - range.lowerBound) / step).rounded(.down)
      guard column >= 0 && column < Double(columns) else { continue }
      let c = Int(column)
      if v < mins[c] { mins[c] = v }
      if v > maxs[c] { maxs[c] = v }
    }
    for c in 0..<columns where mins[c] > maxs[c] {
      mins[c] = .nan
      maxs[c] = .nan
    }
    self.init(start: range.lowerBound, step: step, mins: mins, maxs: maxs)
  }
}

/// Points of a line plot.
public struct Curve: Sendable, Equatable {
  public var xs: [Double]
  public var ys: [Double]

  public init(xs: [Double], ys: [Double]) {
    self.xs = xs
    self.ys = ys
  }
}

/// The signals behind the plots of one result, on the media clock and
/// scaled to 0…1 (1st–99th percentile) so different units overlay.
public struct ReportSignals: Sendable, Equatable {
  /// Media seconds shown (0 … the media's duration).
  public var mediaRange: ClosedRange<Double>
  public var envelope: MinMaxSeries
  /// The sensor with its first row at media time 0 and no scale: what Label
  /// Studio's native sync shows without correction.
  public var before: MinMaxSeries
  /// The sensor through the clock map.
  public var after: MinMaxSeries
  /// A window of strong activity, full resolution (100 Hz).
  public var zoomEnvelope: Curve
  public var zoomSensor: Curve
  /// Correlation of the corrected sensor with the envelope against a shift
  /// (ms) of the sensor: the peak should sit at 0.
  public var correlation: Curve

  public init(
    mediaRange: ClosedRange<Double>, envelope: MinMaxSeries, before: MinMaxSeries, after: MinMaxSeries,
    zoomEnvelope: Curve, zoomSensor: Curve, correlation: Curve
  ) {
    self.mediaRange = mediaRange
    self.envelope = envelope
    self.before = before
    self.after = after
    self.zoomEnvelope = zoomEnvelope
    self.zoomSensor = zoomSensor
    self.correlation = correlation
  }
}

/// One alignment result as the report shows it.
public struct ReportEntry: Sendable {
  public struct Window: Sendable, Equatable {
    public var mediaTime: Double
    public var lagMs: Double
    public var quality: Double
    public var inlier: Bool

    public init(mediaTime: Double, lagMs: Double, quality: Double, inlier: Bool) {
      self.mediaTime = mediaTime
      self.lagMs = lagMs
      self.quality = quality
      self.inlier = inlier
    }
  }

  public var resultPath: String
  public var mediaPath: String
  /// The sensor CSV, or the second media file.
  public var otherPath: String
  public var otherIsMedia: Bool
  public var channel: String?
  public var aligned: Bool
  public var confidence: Double
  public var offset: Double
  public var scale: Double
  public var uncertaintyMs: Double?
  public var csvOrigin: Double
  public var overlap: ClosedRange<Double>
  public var model: String
  public var mediaFacts: [(String, String)]
  public var warnings: [String]
  public var reason: String?
  public var windows: [Window]
  public var signals: ReportSignals?
  /// Why the signal plots are missing.
  public var signalNote: String?
  /// The media relative to the report, for the review player.
  public var playerURL: String?
  public var playerIsVideo: Bool
  /// A piecewise map's pieces (empty: the line above).
  public var segments: [Segment] = []

  public struct Segment: Sendable, Equatable {
    public var csvStart: Double
    public var csvEnd: Double
    public var offset: Double
    public var scale: Double
    /// The media-time step from the previous piece, ms.
    public var jumpMs: Double?
    public init(csvStart: Double, csvEnd: Double, offset: Double, scale: Double, jumpMs: Double?) {
      self.csvStart = csvStart
      self.csvEnd = csvEnd
      self.offset = offset
      self.scale = scale
      self.jumpMs = jumpMs
    }
  }

  public init(
    resultPath: String, mediaPath: String, otherPath: String, otherIsMedia: Bool, channel: String?, aligned: Bool,
    confidence: Double, offset: Double, scale: Double, uncertaintyMs: Double?, csvOrigin: Double,
    overlap: ClosedRange<Double>, model: String, mediaFacts: [(String, String)], warnings: [String], reason: String?,
    windows: [Window], signals: ReportSignals?, signalNote: String?, playerURL: String?, playerIsVideo: Bool
  ) {
    self.resultPath = resultPath
    self.mediaPath = mediaPath
    self.otherPath = otherPath
    self.otherIsMedia = otherIsMedia
    self.channel = channel
    self.aligned = aligned
    self.confidence = confidence
    self.offset = offset
    self.scale = scale
    self.uncertaintyMs = uncertaintyMs
    self.csvOrigin = csvOrigin
    self.overlap = overlap
    self.model = model
    self.mediaFacts = mediaFacts
    self.warnings = warnings
    self.reason = reason
    self.windows = windows
    self.signals = signals
    self.signalNote = signalNote
    self.playerURL = playerURL
    self.playerIsVideo = playerIsVideo
  }

  public var driftPpm: Double { (scale - 1) * 1e6 }

  /// The clock map in plain words.
  public var plainWords: String {
    let other = otherIsMedia ? "the second recording" : "the sensor"
    let start: String
    if abs(offset) < 0.0005 {
      start = "\(other) started together with the media"
    } else if otherIsMedia {
      start = "\(other)'s time 0 is at \(fixed(offset, 3)) s of the reference"
    } else {
      start = "\(other) started \(fixed(abs(offset), 3)) s \(offset > 0 ? "after" : "before") the media"
    }
    let drift = driftPpm
    let clock =
      abs(drift) < 0.5
      ? "its clock runs at the media's rate"
      : "its clock runs \(fixed(abs(drift), 0)) ppm \(drift > 0 ? "slow" : "fast")"
    var words = "\(start.prefix(1).uppercased() + start.dropFirst()) and \(clock)."
    for segment in segments.dropFirst() {
      let jump = (segment.jumpMs ?? 0) / 1000
      words +=
        " At \(otherIsMedia ? "its" : "sensor") time \(fixed(segment.csvStart - csvOrigin, 3)) s (from its start) the media jumps \(jump >= 0 ? "ahead" : "back") by \(fixed(abs(jump), 3)) s."
    }
    return words
  }

  /// 0: rejected, 1: aligned with warnings, 2: aligned.
  public var rank: Int { !aligned ? 0 : (warnings.isEmpty ? 2 : 1) }
}

func fixed(_ value: Double, _ digits: Int) -> String {
  guard value.isFinite else { return "–" }
  let text = String(format: "%.\(digits)f", value)
  return text == "-0" || text.hasPrefix("-0.") && Double(text) == 0 ? String(text.dropFirst()) : text
}
