import Foundation
import MediaIO
import TestSupport
import Testing

/// Probe results against the truth recorded when the fixtures were made.
@Suite("Probe truth")
struct ProbeTruthTests {
  /// Start times: 1 ms (the containers' own rounding, e.g. Matroska's 1 ms
  /// time base and the 478 ms empty edit).
  static let startTolerance = 0.001

  @Test("exact counts, start times and warnings", arguments: MediaTruth.load.files)
  func truth(_ expected: MediaTruth.File) throws {
    let info = try probeMedia(path: TestPaths.media(expected.file))
    try check(info, against: expected)
    let warnings = expected.warnings ?? []
    for phrase in warnings {
      #expect(
        info.warnings.contains { $0.contains(phrase) },
        "\(expected.file): expected a warning containing '\(phrase)', got \(info.warnings)")
    }
    #expect(
      info.warnings.count == warnings.count,
      "\(expected.file): expected \(warnings.count) warnings, got \(info.warnings)")
  }

  @Test("decoding agrees with packet counting", arguments: MediaTruth.load.files)
  func decodedAgrees(_ expected: MediaTruth.File) throws {
    let decoded = try probeMedia(path: TestPaths.media(expected.file), options: ProbeOptions(decodeAudio: true))
    try check(decoded, against: expected)
    for stream in decoded.streams where stream.codecType == .audio {
      #expect(stream.durationMethod == .decode)
    }
  }

  @Test("header-only probing reads no packets but keeps header figures")
  func headerOnly() throws {
    let info = try probeMedia(path: TestPaths.media("vbr_noxing.mp3"), options: ProbeOptions(scan: false))
    let audio = try #require(info.firstAudio)
    #expect(audio.nbSamples == nil && audio.duration == nil)
    let header = try #require(audio.headerDuration)
    #expect(abs(header - 5.112826) < 0.001, "header duration \(header)")
    #expect(info.format.durationEstimatedFromBitrate)
    #expect(info.warnings.contains { $0.contains("may be wrong") }, "\(info.warnings)")
  }

  @Test("a late-starting stream ends at its start plus its duration")
  func lateAudioTimeline() throws {
    let info = try probeMedia(path: TestPaths.media("late_audio.mp4"))
    let audio = try #require(info.firstAudio)
    let video = try #require(info.firstVideo)
    let audioEnd = try #require(audio.endTime)
    let videoEnd = try #require(video.endTime)
    // The empty edit (478 ms) plus 73024 samples at 48 kHz ends 1.3 ms before 2 s.
    #expect(abs(audioEnd - (0.478 + 73024.0 / 48000)) < 1e-9, "audio end \(audioEnd)")
    #expect(abs(videoEnd - 2.0) < 1e-9, "video end \(videoEnd)")
  }

  private func check(_ info: MediaInfo, against expected: MediaTruth.File) throws {
    let streams = info.streams.filter { $0.codecType == .audio || $0.codecType == .video }
    try #require(
      streams.count == expected.streams.count,
      "\(expected.file): \(streams.count) streams, expected \(expected.streams.count)")
    for (stream, truth) in zip(streams, expected.streams) {
      let label = "\(expected.file) #\(stream.index)"
      #expect(stream.codecType.rawValue == truth.codecType, "\(label)")
      #expect(stream.codecName == truth.codecName, "\(label): codec \(stream.codecName)")
      let start = try #require(stream.startTime, "\(label): no start time")
      #expect(
        abs(start - truth.startTime) <= Self.startTolerance,
        "\(label): start \(start), expected \(truth.startTime)")
      if let samples = truth.nbSamples {
        #expect(stream.nbSamples == samples, "\(label): \(stream.nbSamples ?? -1) samples, expected \(samples)")
        #expect(stream.sampleRate == truth.sampleRate, "\(label): rate \(stream.sampleRate ?? -1)")
        let duration = try #require(stream.duration)
        let rate = Double(try #require(truth.sampleRate))
        #expect(abs(duration - Double(samples) / rate) < 1e-9, "\(label): duration \(duration)")
      }
      if let channels = truth.channels { #expect(stream.channels == channels, "\(label)") }
      if let frames = truth.nbFrames {
        #expect(stream.nbFrames == frames, "\(label): \(stream.nbFrames ?? -1) frames, expected \(frames)")
      }
      if let rate = truth.frameRate {
        let measured = try #require(stream.frameRate)
        #expect(abs(measured - rate) < 0.001, "\(label): \(measured) fps, expected \(rate)")
      }
      if let constant = truth.constantFrameRate {
        #expect(stream.constantFrameRate == constant, "\(label): CFR \(String(describing: stream.constantFrameRate))")
      }
    }
  }
}
