import TimeSeries

/// Whether a clock map is confident enough to use (`status` in the JSON).
public enum AlignStatus: String, Sendable, Codable, Equatable {
  case aligned, rejected
}

/// The shape of a clock map (`model` in the JSON): one line, or one line per
/// stretch of the CSV's clock.
public enum MapModel: String, Sendable, Codable, Equatable {
  case linear, piecewise
}

/// The result of `align --json` (docs/formats.md, docs/schemas/align-result.schema.json), with fields added where noted.
public struct AlignResult: Sendable, Codable, Equatable {
  public struct Overlap: Sendable, Codable, Equatable {
    public var mediaStart: Double
    public var mediaEnd: Double
  }

  public struct Media: Sendable, Codable, Equatable {
    public var path: String
    public var duration: Double?
    public var audioStream: Int
    public var frameRate: Double?
    /// Added: media time of the first audio sample.
    public var audioStart: Double?
    /// Added: the audio band the sensor followed best and the windows were
    /// measured on; absent: the broadband envelope.
    public var audioBand: AudioBand? = nil
  }

  /// Added: a band of the audio, Hz (`high_hz` absent: up to the Nyquist
  /// frequency).
  public struct AudioBand: Sendable, Codable, Equatable {
    public var lowHz: Double
    public var highHz: Double?
  }

  public struct Series: Sendable, Codable, Equatable {
    public var path: String
    public var timeColumn: String?
    public var channel: String
    public var rows: Int
    public var rateHz: Double?
    /// Added: how the CSV was read, so `tasks` and `batch` read it the same way.
    public var csvOptions: CSVReadOptions?
    /// Added: how the time column's unit was inferred, when none was given
    /// and the inference is worth saying (not seconds, or a guess).
    public var timeUnitNote: String? = nil
    /// Added: how a device export or a preamble was read, and where the
    /// times came from (`layout.times_from`); nil for a plain CSV.
    public var layout: FileLayout? = nil

    /// The reader's options align used (defaults for results written before
    /// `csv_options` existed).
    public func readOptions() throws -> CSVOptions {
      try (csvOptions ?? CSVReadOptions(CSVOptions())).csvOptions(timeColumn: timeColumn)
    }
  }

  public struct Window: Sendable, Codable, Equatable {
    /// The window's centre on the media clock, seconds.
    public var mediaTime: Double
    /// Where the window's own correlation put it, minus where the map puts it, ms.
    public var lagMs: Double
    public var quality: Double
    /// Added: the window agrees with the map.
    public var inlier: Bool
    /// Added, piecewise: the index of the segment it was measured against
    /// (`lag_ms` is against that segment's line).
    public var segment: Int?
  }

  /// Added, `"model": "piecewise"`: one line per stretch of the CSV's clock
  /// (docs/clock-map.md). `offset` is the media time of `csv_origin` by this line, as
  /// for the whole map, so `t_media = offset + scale × (t_csv − csv_origin)`
  /// for `csv_start ≤ t_csv < csv_end`. Media to media: the other file's
  /// times (`csv_origin` is 0).
  public struct Segment: Sendable, Codable, Equatable {
    public var csvStart: Double
    public var csvEnd: Double
    public var offset: Double
    public var scale: Double
    public var driftPpm: Double
    /// Where the stretch lies on the media (not clipped to the media).
    public var mediaStart: Double
    public var mediaEnd: Double
    public var uncertaintyMs: Double?
    /// Windows that agree with this line.
    public var windows: Int
    /// The media-time step at the start of this segment from the previous
    /// line (positive: the media jumps ahead, e.g. rows were dropped while
    /// the timestamps carried on); nil for the first.
    public var jumpMs: Double?
  }

  public var status: AlignStatus
  public var offset: Double
  public var scale: Double
  public var driftPpm: Double
  public var confidence: Double
  public var uncertaintyMs: Double?
  public var csvOrigin: Double
  public var overlap: Overlap
  public var model: MapModel
  /// Added: the pieces when `model` is "piecewise" (offset/scale above are
  /// then the first segment's, so `offset` keeps its meaning: the media time
  /// of the CSV's first row).
  public var segments: [Segment]?
  public var media: Media
  /// The sensor CSV; absent for media-to-media (then `other` is set).
  public var series: Series?
  /// Added, media-to-media: the other file (`t_reference = offset + scale × t_other`).
  public var other: Media?
  public var windows: [Window]
  public var warnings: [String]
  /// Added: why the alignment was rejected.
  public var reason: String?
  /// Added: the corrected CSV written with `--write-csv`, and what was done.
  public var correctedCsv: String?
  public var correction: CorrectionReport?
  /// Added: set in results written by `batch` (what `--resume` compares).
  public var batch: BatchRecord?
  /// Added: the version of this format (`docs/schemas/align-result.schema.json`);
  /// absent in results written before it was added, which read as version 1.
  public var schemaVersion: Int? = AlignResult.currentSchemaVersion
  public static let currentSchemaVersion = 1

  /// The clock map, with its pieces when piecewise.
  public var clockMap: ClockMap {
    ClockMap(
      offset: offset, scale: scale, csvOrigin: csvOrigin,
      pieces: (segments ?? []).map { ClockMap.Piece(csvStart: $0.csvStart, offset: $0.offset, scale: $0.scale) })
  }
}

/// The CSV options of a result (`series.csv_options`), as given on the
/// command line; nil fields were left to detection.
public struct CSVReadOptions: Sendable, Codable, Equatable {
  /// The delimiter given with `--delimiter` (nil: detected).
  public var delimiter: String?
  public var header: Bool
  /// The unit the time column was read in: given, or inferred (so `tasks`
  /// reads the CSV as `align` did).
  public var timeUnit: TimeUnit
  public var timeFormat: String?
  /// `--rate`: no time column.
  public var rate: Double?
  public var sort: Bool
  /// Added: `--start`, epoch seconds (or seconds) of the first row with a rate.
  public var start: Double?
  /// Added: `--skip-rows`.
  public var skipRows: Int?
  /// Added: `--comment`.
  public var comment: String?

  public init(_ options: CSVOptions, readIn unit: TimeUnit? = nil) {
    delimiter = options.delimiter.map { String(UnicodeScalar($0)) }
    header = options.hasHeader
    timeUnit = unit ?? options.timeUnit ?? .s
    timeFormat = options.timeFormat?.description
    rate = options.rate
    sort = options.sort
    start = options.start
    skipRows = options.skipRows
    comment = options.comment.map { String(UnicodeScalar($0)) }
  }

  /// The reader's options again, with the time column the result names.
  public func csvOptions(timeColumn: String?) throws -> CSVOptions {
    var format: TimeFormat?
    if let timeFormat { format = try TimeFormat(timeFormat) }
    return CSVOptions(
      delimiter: delimiter.flatMap { $0.utf8.count == 1 ? $0.utf8.first : nil }, hasHeader: header,
      timeColumn: rate == nil ? timeColumn : nil, timeUnit: timeUnit, timeFormat: format, rate: rate, start: start,
      sort: sort,
      skipRows: skipRows, comment: comment.flatMap { $0.utf8.count == 1 ? $0.utf8.first : nil })
  }
}
