import Foundation

/// `TestMedia/truth.json`, written by `Scripts/make-test-media.sh`: what a
/// player presents for each fixture, from the generation parameters.
public struct MediaTruth: Decodable, Sendable {
  public struct File: Decodable, Sendable, CustomStringConvertible {
    public var file: String
    public var warnings: [String]?
    public var streams: [Stream]
    public var description: String { file }
  }

  public struct Stream: Decodable, Sendable {
    public var codecType: String
    public var codecName: String
    public var nbFrames: Int?
    public var nbSamples: Int?
    public var sampleRate: Int?
    public var channels: Int?
    public var startTime: Double
    public var frameRate: Double?
    public var constantFrameRate: Bool?
  }

  public struct Bad: Decodable, Sendable, CustomStringConvertible {
    public var file: String
    public var error: String
    public var description: String { file }
  }

  public struct Clicks: Decodable, Sendable {
    public struct File: Decodable, Sendable, CustomStringConvertible {
      public var file: String
      /// Media time of the content's time 0.
      public var offset: Double
      public var description: String { file }
    }
    public struct Gap: Decodable, Sendable {
      public var file: String
      public var gapStart: Double
      public var gapEnd: Double
      public var clicksAfterGap: [Double]
      public var toneRms: Double
    }
    /// Burst centres in content seconds.
    public var times: [Double]
    public var files: [File]
    public var gap: Gap
  }

  public struct Sample: Decodable, Sendable {
    public var media: String
    public var csv: String
    public var channel: String
    public var offset: Double
    public var scale: Double
    public var csvOrigin: Double
    public var unrelated: String
    /// A second recording: t_media = otherOffset + t_other.
    public var otherMedia: String
    public var otherOffset: Double
  }

  /// A CSV whose clock map changes part-way (TestMedia/piecewise).
  public struct Piecewise: Decodable, Sendable {
    public struct Segment: Decodable, Sendable {
      public var csvStart: Double
      public var offset: Double
      public var scale: Double
    }
    public var media: String
    public var csv: String
    public var channel: String
    public var csvOrigin: Double
    public var segments: [Segment]

    /// The true media time of sensor time `t`.
    public func mediaTime(_ t: Double) -> Double {
      let segment = segments.last { $0.csvStart <= t } ?? segments[0]
      return segment.offset + segment.scale * (t - csvOrigin)
    }
  }

  public var files: [File]
  public var bad: [Bad]
  public var clicks: Clicks
  public var sample: Sample
  public var piecewise: Piecewise

  public static let load: MediaTruth = {
    let url = TestPaths.testMedia.appendingPathComponent("truth.json")
    do {
      let decoder = JSONDecoder()
      decoder.keyDecodingStrategy = .convertFromSnakeCase
      return try decoder.decode(MediaTruth.self, from: Data(contentsOf: url))
    } catch {
      fatalError("cannot read \(url.path): \(error); run Scripts/make-test-media.sh")
    }
  }()
}
