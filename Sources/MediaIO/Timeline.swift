internal import CFFmpeg

/// The container rules that place decoded audio on the media clock, shared
/// by `probeMedia` and `AudioReader` so both give the same timeline.
enum Timeline {
  /// FFmpeg's demuxer name for MP4, MOV, M4A and their kin.
  static let mp4Family = "mov,mp4,m4a,3gp,3g2,mj2"

  /// MP4/MOV files bound what a player presents by the edit list's end.
  static func hasEditListEnd(_ formatName: String) -> Bool { formatName == mp4Family }

  /// Seconds to take off FFmpeg's time of the first presented sample.
  /// FFmpeg's MP3 demuxer, unlike MP4's edit list and Ogg's negative first
  /// timestamp, does not move the timeline back by the encoder delay it
  /// trims (LAME's 1105 samples = 25 ms at 44.1 kHz); a player presents the
  /// first sample at 0, so the delay comes off the clock.
  static func startCorrection(formatName: String, skipStart: Int64, sampleRate: Int) -> Double {
    formatName == "mp3" && sampleRate > 0 ? Double(skipStart) / Double(sampleRate) : 0
  }

  /// The stream's start plus duration on the media clock, seconds (for
  /// MP4/MOV, the edit list's end); nil where the container does not say.
  static func declaredEnd(_ stream: UnsafeMutablePointer<AVStream>) -> Double? {
    let st = stream.pointee
    guard st.start_time != cffmpeg_nopts_value, st.duration != cffmpeg_nopts_value, st.duration > 0,
      st.time_base.den != 0
    else { return nil }
    return Double(st.start_time + st.duration) * Double(st.time_base.num) / Double(st.time_base.den)
  }
}
