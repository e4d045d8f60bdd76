internal import CFFmpeg

/// Where decoded samples sit: sample `i` of a track is the sample a decoder
/// stamps `origin + i / sampleRate` seconds (`originTicks` in the stream's
/// time base when that base counts whole samples).
struct SampleClock: Sendable {
  var sampleRate: Int
  var timeBase: (num: Int64, den: Int64)
  /// Decoder timestamp of sample 0, seconds.
  var origin: Double
  /// The same in samples, where the time base is whole samples.
  var originTicks: Int64

  /// Time-base ticks per sample (0 when the base is not whole samples).
  var ticksPerSample: Int64 { timeBase.den / max(1, timeBase.num * Int64(sampleRate)) }

  /// The tick at or before which a seek for a range starting at `sample`
  /// with `lead` seconds of pre-roll lands.
  func seekTick(forSample sample: Int64, lead: Double) -> Int64 {
    let target = max(origin, origin + Double(sample) / Double(sampleRate) - lead)
    return Int64((target * Double(timeBase.den) / Double(timeBase.num)).rounded(.down))
  }
}

/// Decodes the samples with indices in `range` (`range.lowerBound > 0`)
/// from a seek `preroll` seconds before it, calling `body(firstIndex,
/// samples)` in order. Decoders need a few frames of history; errors in
/// the pre-roll are expected and ignored; later ones are counted in `damage`
/// and the packet skipped. Each frame is placed by its
/// packet's entry in `table`, or, without one, by its timestamp (which the
/// caller knows to be exact: a time base of whole samples). When the first
/// frame lands after the range starts, the seek is retried from earlier.
///
/// `seek(tick)` positions the packet source at or before `tick` (stream
/// time base); `next(packet)` fills the next packet of the stream and
/// returns false at its end. Returns whether the stream ended.
func decodeRange(
  _ range: Range<Int64>, table: PacketTable?, preroll: Double, clock: SampleClock,
  decoder: borrowing Decoder, resampler: inout Resampler, packet: borrowing Packet, frame: borrowing Frame,
  mono: inout [Float], damage: inout DecodeDamage,
  seek: (Int64) throws(FFmpegError) -> Void,
  next: (borrowing Packet) throws(FFmpegError) -> Bool,
  _ body: (Int64, UnsafeBufferPointer<Float>) -> Void
) throws(FFmpegError) -> Bool {
  var lead = preroll
  attempt: for _ in 0..<4 {
    try seek(clock.seekTick(forSample: range.lowerBound, lead: lead))
    avcodec_flush_buffers(decoder.context)
    var placedFirst = false
    var finished = false
    while !finished {
      if try next(packet) {
        if placedFirst {
          try decoder.send(packet, timeBase: clock.timeBase, damage: &damage)
        } else {
          do throws(FFmpegError) {
            try decoder.send(packet)
          } catch  where error.isPacketDamage {
            continue  // pre-roll: a frame whose history was skipped
          }
        }
      } else {
        try decoder.sendEndOfStream()
        finished = true
      }
      while try decoder.receive(into: frame, damage: &damage) == .frame {
        defer { frame.unref() }
        let index: Int64
        if let table {
          let position = frame.pointer.pointee.pkt_pos
          guard let placed = table.sample(atPosition: position) else {
            throw FFmpegError(
              code: cffmpeg_invaliddata, function: "av_read_frame",
              logged: "packet at byte \(position) is not in the packet table")
          }
          index = placed
        } else {
          guard let stamp = frame.bestEffortTimestamp else {
            throw FFmpegError(
              code: cffmpeg_invaliddata, function: "avcodec_receive_frame",
              logged: "a frame without a timestamp after a seek")
          }
          index = stamp / clock.ticksPerSample - clock.originTicks
        }
        if !placedFirst {
          placedFirst = true
          if index > range.lowerBound {
            lead *= 2  // the seek landed after the range: start earlier
            continue attempt
          }
        }
        if index >= range.upperBound {
          return false
        }
        try resampler.convert(frame, into: &mono)
        let count = Int64(frame.sampleCount)
        let low = max(index, range.lowerBound)
        let high = min(index + count, range.upperBound)
        if high > low {
          mono.withUnsafeBufferPointer { all in
            body(low, UnsafeBufferPointer(rebasing: all[Int(low - index)..<Int(high - index)]))
          }
        }
      }
    }
    return true
  }
  throw FFmpegError(
    code: cffmpeg_invaliddata, function: "av_seek_frame", logged: "could not seek before sample \(range.lowerBound)")
}
