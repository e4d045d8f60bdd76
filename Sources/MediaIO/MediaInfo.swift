/// What `probe` found in a media file: container facts, every stream, and
/// warnings a person needs before labeling. Encodes to docs/formats.md's JSON with
/// snake_case keys; absent facts are left out.
public struct MediaInfo: Sendable, Codable, Equatable {
  public var format: FormatInfo
  public var streams: [StreamInfo]
  public var warnings: [String]

  /// The first audio stream, which `align` and `envelope` use by default.
  public var firstAudio: StreamInfo? { streams.first { $0.codecType == .audio } }
  /// The first video stream that is not a cover picture.
  public var firstVideo: StreamInfo? {
    streams.first { $0.codecType == .video && $0.attachedPicture != true }
  }
}

public struct FormatInfo: Sendable, Codable, Equatable {
  public var path: String
  /// FFmpeg's demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
  public var formatName: String
  public var formatLongName: String?
  public var sizeBytes: Int64
  /// The container's start time (earliest stream start), seconds.
  public var startTime: Double?
  /// The duration the container claims, seconds.
  public var headerDuration: Double?
  /// FFmpeg guessed `headerDuration` from the bitrate (no index, no Xing header).
  public var durationEstimatedFromBitrate: Bool
  /// Exact: the latest end of any stream's presented media, seconds. Absent
  /// with `--header-only`.
  public var duration: Double?
  public var bitRate: Int?
}

public enum StreamKind: String, Sendable, Codable, Equatable {
  case audio, video, subtitle, data, attachment, unknown
}

/// How an exact duration was obtained.
public enum DurationMethod: String, Sendable, Codable, Equatable {
  /// Summed from packet durations, less the signalled codec delay and padding.
  case packets
  /// Counted from decoded samples.
  case decode
  /// From the presented video frames' timestamps.
  case timestamps
}

public struct StreamInfo: Sendable, Codable, Equatable {
  public var index: Int
  public var codecType: StreamKind
  public var codecName: String
  public var codecLongName: String?
  /// The stream's time base as `num/den`.
  public var timeBase: String
  /// Where the first presented sample or frame sits on the media clock, seconds.
  public var startTime: Double?
  /// What the container says the start is, seconds.
  public var headerStartTime: Double?
  /// Exact presented duration, seconds.
  public var duration: Double?
  /// What the container claims, seconds.
  public var headerDuration: Double?
  public var durationMethod: DurationMethod?

  // Video
  public var width: Int?
  public var height: Int?
  /// Presented frames, counted.
  public var nbFrames: Int?
  /// What the container claims.
  public var headerNbFrames: Int?
  /// Frames per second: the constant rate, or the mean rate when variable.
  public var frameRate: Double?
  public var constantFrameRate: Bool?
  /// Shortest and longest interval between presented frames, seconds.
  public var frameIntervalMin: Double?
  public var frameIntervalMax: Double?
  /// A cover picture (e.g. MP3 album art), not a video track.
  public var attachedPicture: Bool?

  // Audio
  public var sampleRate: Int?
  public var channels: Int?
  public var channelLayout: String?
  public var sampleFormat: String?
  /// Presented samples per channel, counted.
  public var nbSamples: Int?
  /// Samples per codec frame, when the codec has a fixed frame size.
  public var frameSize: Int?

  public init(index: Int, codecType: StreamKind, codecName: String, timeBase: String) {
    self.index = index
    self.codecType = codecType
    self.codecName = codecName
    self.timeBase = timeBase
  }

  /// End of the presented media on the media clock, seconds.
  public var endTime: Double? {
    guard let startTime, let duration else { return nil }
    return startTime + duration
  }

  /// One frame of this stream (video frame, or audio codec frame), seconds.
  var frameDuration: Double? {
    switch codecType {
    case .video:
      return frameRate.flatMap { $0 > 0 ? 1 / $0 : nil }
    case .audio:
      guard let sampleRate, sampleRate > 0 else { return nil }
      return Double(frameSize.flatMap { $0 > 0 ? $0 : nil } ?? 1024) / Double(sampleRate)
    default:
      return nil
    }
  }
}

/// What `probe` should measure.
public struct ProbeOptions: Sendable, Equatable {
  /// Read every packet for exact durations and frame counts. Off: container
  /// facts only (fast, header figures).
  public var scan: Bool
  /// Decode every audio stream and count samples, even where packet
  /// durations are exact (a cross-check; slower).
  public var decodeAudio: Bool

  public init(scan: Bool = true, decodeAudio: Bool = false) {
    self.scan = scan
    self.decodeAudio = decodeAudio
  }
}
