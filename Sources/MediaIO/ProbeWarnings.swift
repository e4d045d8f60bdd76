import Foundation

/// The warnings a person needs before labeling, from probed facts:
/// a header duration wrong by more than one frame, audio and video lengths
/// that differ by more than one video frame, a variable frame rate, a stream
/// that starts late, no audio stream.
func probeWarnings(_ info: MediaInfo, scanned: Bool) -> [String] {
  var warnings: [String] = []
  let format = info.format
  if format.durationEstimatedFromBitrate {
    if scanned, let exact = format.duration, let header = format.headerDuration {
      warnings.append(
        "the container's duration (\(s3(header)) s) is estimated from the bitrate (no Xing/Info header or index); the exact duration is \(s3(exact)) s"
      )
    } else {
      warnings.append(
        "the container's duration is estimated from the bitrate (no Xing/Info header or index) and may be wrong; probe without --header-only for the exact figure"
      )
    }
  }
  for stream in info.streams where stream.attachedPicture != true {
    let name = "\(stream.codecType.rawValue) stream #\(stream.index)"
    if scanned, let exact = stream.duration, let header = stream.headerDuration,
      let frame = stream.frameDuration, abs(exact - header) > frame + 1e-9
    {
      warnings.append(
        "\(name): the header claims \(s3(header)) s but the stream presents \(s3(exact)) s (\(ms(abs(header - exact))) ms \(header > exact ? "less" : "more")); use the exact duration"
      )
    }
    if scanned, let start = stream.startTime, let header = stream.headerStartTime, abs(start - header) > 0.010 {
      warnings.append(
        "\(name): the header claims a start at \(s3(header)) s but the first presented \(stream.codecType == .video ? "frame" : "sample") is at \(s3(start)) s (codec delay trimmed); tools that trust the header are \(ms(abs(start - header))) ms off"
      )
    }
    if let start = stream.startTime, let frame = stream.frameDuration, start > frame {
      warnings.append(
        "\(name) starts \(s3(start)) s late (an empty edit or a positive start time): media time 0 has no \(stream.codecType.rawValue) until then"
      )
    }
    if stream.codecType == .video, stream.constantFrameRate == false {
      var text = "\(name) has a variable frame rate"
      if let low = stream.frameIntervalMin, let high = stream.frameIntervalMax, let rate = stream.frameRate {
        text += " (frame intervals \(ms1(low))–\(ms1(high)) ms, mean \(s3(rate)) fps)"
      }
      text += "; Label Studio assumes a constant frameRate, so frame numbers will drift"
      warnings.append(text)
    }
  }
  if let audio = info.firstAudio, let video = info.firstVideo, let audioLength = audio.duration,
    let videoLength = video.duration
  {
    let frame = video.frameDuration ?? 1.0 / 30
    let difference = audioLength - videoLength
    if abs(difference) > frame + 1e-9 {
      warnings.append(
        "audio is \(ms(abs(difference))) ms \(difference > 0 ? "longer" : "shorter") than video (audio \(s3(audioLength)) s, video \(s3(videoLength)) s)"
      )
    }
  }
  if info.firstAudio == nil {
    warnings.append("no audio stream: audio-based alignment is not possible for this file")
  }
  return warnings
}

/// Seconds with three decimals.
func s3(_ seconds: Double) -> String { String(format: "%.3f", seconds) }
/// Seconds as whole milliseconds.
private func ms(_ seconds: Double) -> String { String(format: "%.0f", seconds * 1000) }
/// Seconds as milliseconds with one decimal.
private func ms1(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }
