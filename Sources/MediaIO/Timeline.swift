internal import CFFmpeg
import Foundation

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
  /// MP4/MOV, the edit list's end); nil where the container does not say,
  /// or where its last indexed packet starts at or after that end: the
  /// duration was summed from packet durations and the last packet had none
  /// (ALAC in some MOVs), so the packet's samples lie past it.
  static func declaredEnd(_ stream: UnsafeMutablePointer<AVStream>) -> Double? {
    let st = stream.pointee
    guard st.start_time != cffmpeg_nopts_value, st.duration != cffmpeg_nopts_value, st.duration > 0,
      st.time_base.den != 0
    else { return nil }
    let entries = avformat_index_get_entries_count(stream)
    if entries > 0, let last = avformat_index_get_entry(stream, entries - 1)?.pointee,
      last.timestamp >= st.start_time + st.duration
    {
      return nil
    }
    return Double(st.start_time + st.duration) * Double(st.time_base.num) / Double(st.time_base.den)
  }

  /// Why a stream that ends at `end` is truncated, when it ends more than
  /// 0.5 s and 1 % of `declaredDuration` before `declaredEnd` (seconds);
  /// nil when it is complete. The rule for `probe` and for decoding alike.
  static func truncation(stream: Int, end: Double, declaredEnd: Double, declaredDuration: Double) -> String? {
    guard end + max(0.5, 0.01 * declaredDuration) < declaredEnd else { return nil }
    return String(format: "stream #%d ends at %.3f s but the header says %.3f s", stream, end, declaredEnd)
  }

  /// MP4/MOV: the earliest packet, over all streams, whose bytes lie past
  /// the end of a `fileSize`-byte file (its index sits at the front, so a
  /// cut copy still opens). Nil when every indexed packet is there.
  static func firstMissingPacket(
    _ input: borrowing FormatInput, fileSize: Int64
  ) -> (stream: Int, time: Double, position: Int64, declaredEnd: Double?)? {
    var earliest: (stream: Int, time: Double, position: Int64, declaredEnd: Double?)?
    for index in 0..<input.streamCount {
      let found =
        input.withStream(index) { stream -> (Int, Double, Int64, Double?)? in
          let timeBase = stream.pointee.time_base
          guard timeBase.den != 0 else { return nil }
          for i in 0..<avformat_index_get_entries_count(stream) {
            guard let entry = avformat_index_get_entry(stream, i)?.pointee else { break }
            if entry.pos + Int64(entry.size) > fileSize {
              let time = Double(entry.timestamp) * Double(timeBase.num) / Double(timeBase.den)
              return (index, time, entry.pos, declaredEnd(stream))
            }
          }
          return nil
        } ?? nil
      if let found, found.1 < (earliest?.time ?? .infinity) { earliest = found }
    }
    return earliest
  }
}
