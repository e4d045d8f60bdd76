internal import CFFmpeg

/// Streams one audio stream of a file as mono `Float` blocks placed on the
/// media clock: each block comes with the index of its first sample, and
/// sample `i` sits at `track.startTime + i / track.sampleRate`.
///
/// - Every sample format and channel layout is converted to mono (channels
///   averaged); the rate is kept.
/// - The codec delay is trimmed as a player trims it; MP4's edit-list end
///   bounds the samples (`track.endSample`).
/// - Gaps in the stream's timestamps are honoured: the next block's index
///   jumps (by more than one time-base tick's worth of samples).
/// - Other streams are discarded at the demuxer, so video costs nothing.
/// Memory stays flat: one frame's samples at a time.
public struct AudioReader: ~Copyable {
  public let track: AudioTrack
  private let input: FormatInput
  private var decoder: Decoder
  private var resampler: Resampler
  private let packet: Packet
  private let frame: Frame
  private var mono: [Float] = []
  /// The first decoded frame, converted at open time (to learn where sample 0 sits).
  private var pending: (index: Int64, count: Int)?
  /// Where sample 0 sits, as FFmpeg's decoder stamps it.
  private let clock: SampleClock
  private var nextIndex: Int64 = 0
  private var finished = false
  /// The packets the decoder refused so far (skipped, as `ffmpeg` skips
  /// them). The caller decides with `DecodeDamage.check` once the whole
  /// stream is read, split reads merged.
  public private(set) var damage = DecodeDamage()

  /// Opens the first audio stream, or stream `streamIndex`.
  ///
  /// - Parameter sameAs: a track this file was already opened for; with an
  ///   MP4/MOV track, the container header is trusted as complete and
  ///   FFmpeg's stream-info probing (which buffers packets) is skipped. Used
  ///   by split reads, which open the file once per range.
  public init(path: String, streamIndex: Int? = nil, sameAs: AudioTrack? = nil) throws(MediaError) {
    let size = try checkReadableFile(path)
    let quick = sameAs?.seekTimestampsAreExact == true
    let input = try failing(as: { openError(path: path, $0) }) { () throws(FFmpegError) in
      try FormatInput(path: path, readStreamInfo: !quick, audioHeaderSuffices: true)
    }
    let chosen = try Self.chooseStream(input, path: path, requested: streamIndex)
    for index in 0..<input.streamCount where index != chosen {
      input.withStream(index) { $0.pointee.discard = AVDISCARD_ALL }
    }
    let opened = try Self.openDecoder(input, stream: chosen, path: path)
    let parameters = input.withStream(chosen) { $0.pointee.codecpar.pointee }!
    let streamTimeBase = input.withStream(chosen) { $0.pointee.time_base }!
    let wrap: (FFmpegError) -> MediaError = { .readFailed(path: path, stream: chosen, underlying: $0) }
    var resampler = Resampler()
    let packet = try failing(as: wrap) { () throws(FFmpegError) in try Packet() }
    let frame = try failing(as: wrap) { () throws(FFmpegError) in try Frame() }
    let rate = Int(parameters.sample_rate)
    let codecName = String(cString: avcodec_get_name(parameters.codec_id))
    let splittable = !codecName.hasPrefix("pcm_") && (input.withStream(chosen) { packetDurationsAreExact($0) } ?? false)
    let formatName = input.context.pointee.iformat.map { String(cString: $0.pointee.name) } ?? ""
    if Timeline.hasEditListEnd(formatName), let missing = Timeline.firstMissingPacket(input, fileSize: size) {
      // The index sits at the front: say so now, not after a partial decode
      // that would depend on how the file is split.
      let declared = missing.declaredEnd.map { String(format: " but the header says %.3f s", $0) } ?? ""
      throw .truncated(
        path: path,
        detail: String(format: "stream #%d's data ends at %.3f s", missing.stream, missing.time) + declared
          + " (the packet at byte \(missing.position) lies past the file's end, \(size) bytes)")
    }
    let estimate = input.context.pointee.duration > 0 ? Double(input.context.pointee.duration) / 1e6 : nil

    // Decode up to the first frame to learn where sample 0 sits.
    var mono: [Float] = []
    var damage = DecodeDamage()
    let opening = try failing(as: wrap) { () throws(FFmpegError) in
      try Self.decodeFirstFrame(
        input: input, decoder: opened, resampler: &resampler, packet: packet, frame: frame,
        stream: chosen, into: &mono, damage: &damage)
    }
    guard let first = opening.first else {
      throw .noAudioStream(
        path: path, detail: "audio stream #\(chosen) holds no decodable samples; check the file plays")
    }
    let done = opening.ended
    let origin = first.timestamp ?? 0
    let start =
      origin - Timeline.startCorrection(formatName: formatName, skipStart: opening.skipStart, sampleRate: rate)
    var endSample: Int64? = nil
    if Timeline.hasEditListEnd(formatName), let edit = input.withStream(chosen, Timeline.declaredEnd) ?? nil {
      endSample = Int64(((edit - origin) * Double(rate)).rounded())
    }
    let declaredEnd =
      input.context.pointee.duration_estimation_method == AVFMT_DURATION_FROM_BITRATE
      ? nil : input.withStream(chosen, Timeline.declaredEnd) ?? nil
    self.input = input
    self.decoder = opened
    self.resampler = resampler
    self.packet = packet
    self.frame = frame
    self.mono = mono
    self.damage = damage
    let ticksPerSample = Int64(streamTimeBase.den) / max(1, Int64(streamTimeBase.num) * Int64(rate))
    self.clock = SampleClock(
      sampleRate: rate, timeBase: (Int64(streamTimeBase.num), Int64(streamTimeBase.den)), origin: origin,
      originTicks: ticksPerSample > 0
        ? Int64((origin * Double(streamTimeBase.den) / Double(streamTimeBase.num)).rounded()) / ticksPerSample : 0)
    self.pending = (0, first.count)
    self.nextIndex = Int64(first.count)
    self.finished = done
    self.track = AudioTrack(
      path: path, streamIndex: chosen,
      codecName: codecName,
      sampleRate: rate, channels: Int(parameters.ch_layout.nb_channels), startTime: start,
      endSample: endSample, splittable: splittable,
      seekTimestampsAreExact: splittable && Timeline.hasEditListEnd(formatName), estimatedDuration: estimate,
      declaredEnd: declaredEnd)
  }

  private static func openDecoder(
    _ input: borrowing FormatInput, stream: Int, path: String
  ) throws(MediaError) -> Decoder {
    let name =
      input.withStream(stream) { String(cString: avcodec_get_name($0.pointee.codecpar.pointee.codec_id)) } ?? "unknown"
    let decoder = try failing(as: { .readFailed(path: path, stream: stream, underlying: $0) }) {
      () throws(FFmpegError) -> Decoder?? in
      try input.withStream(stream) { (s) throws(FFmpegError) -> Decoder? in try Decoder(stream: s) }
    }
    switch consume decoder {
    case .some(.some(let opened)): return opened
    default: throw .noDecoder(path: path, stream: stream, codec: name)
    }
  }

  /// Feeds packets until the decoder presents its first frame, converted
  /// into `mono`. Returns its timestamp (seconds) and sample count, the
  /// signalled start skip, and whether the input ended.
  private static func decodeFirstFrame(
    input: borrowing FormatInput, decoder: borrowing Decoder, resampler: inout Resampler,
    packet: borrowing Packet, frame: borrowing Frame, stream: Int, into mono: inout [Float],
    damage: inout DecodeDamage
  ) throws(FFmpegError) -> (first: (timestamp: Double?, count: Int)?, skipStart: Int64, ended: Bool) {
    let timeBase = input.withStream(stream) { $0.pointee.time_base } ?? AVRational(num: 1, den: 1)
    var skipStart: Int64 = 0
    var ended = false
    while !ended {
      if try input.read(into: packet) {
        guard packet.streamIndex == stream else { continue }
        skipStart += packet.skipSamples.start
        try decoder.send(packet, timeBase: (Int64(timeBase.num), Int64(timeBase.den)), damage: &damage)
      } else {
        try decoder.sendEndOfStream()
        ended = true
      }
      if try decoder.receive(into: frame) == .frame {
        try resampler.convert(frame, into: &mono)
        let stamp = frame.bestEffortTimestamp.map { Double($0) * Double(timeBase.num) / Double(timeBase.den) }
        let count = frame.sampleCount
        frame.unref()
        return ((stamp, count), skipStart, ended)
      }
    }
    return (nil, skipStart, ended)
  }

  private static func chooseStream(_ input: borrowing FormatInput, path: String, requested: Int?) throws(MediaError)
    -> Int
  {
    var kinds: [String] = []
    var firstAudio: Int?
    for index in 0..<input.streamCount {
      let type = input.withStream(index) { $0.pointee.codecpar.pointee.codec_type } ?? AVMEDIA_TYPE_UNKNOWN
      let name = type == AVMEDIA_TYPE_AUDIO ? "audio" : type == AVMEDIA_TYPE_VIDEO ? "video" : "other"
      kinds.append("#\(index) \(name)")
      if type == AVMEDIA_TYPE_AUDIO && firstAudio == nil { firstAudio = index }
      if index == requested && type != AVMEDIA_TYPE_AUDIO {
        throw .noAudioStream(
          path: path,
          detail:
            "stream #\(index) is \(name), not audio (streams: \(kinds.joined(separator: ", "))…); pick an audio stream with --stream"
        )
      }
    }
    if let requested {
      guard requested >= 0 && requested < input.streamCount else {
        throw .noAudioStream(
          path: path,
          detail:
            "there is no stream #\(requested) (streams: \(kinds.joined(separator: ", "))); pick an audio stream with --stream"
        )
      }
      return requested
    }
    guard let firstAudio else {
      throw .noAudioStream(
        path: path,
        detail:
          "no audio stream (streams: \(kinds.isEmpty ? "none" : kinds.joined(separator: ", "))); audio-based alignment needs the recording's sound"
      )
    }
    return firstAudio
  }

  /// Decodes from the start to the end, calling `body(firstIndex, samples)`
  /// for each block in order. The buffer is valid only during the call.
  /// With `end`, stops once the samples before `end` are delivered (the
  /// last block may reach past it).
  public mutating func read(
    until end: Int64? = nil, _ body: (Int64, UnsafeBufferPointer<Float>) -> Void
  ) throws(MediaError) {
    if let pending {
      deliver(index: pending.index, count: pending.count, body)
      self.pending = nil
    }
    let path = track.path
    let stream = track.streamIndex
    let timeBase = clock.timeBase
    let tolerance = max(2, (timeBase.num * Int64(track.sampleRate) + timeBase.den - 1) / timeBase.den + 1)
    let wrap: (FFmpegError) -> MediaError = { .readFailed(path: path, stream: stream, underlying: $0) }
    while true {
      // Drain every frame the decoder holds, then feed it the next packet.
      do throws(FFmpegError) {
        while try decoder.receive(into: frame, damage: &damage) == .frame {
          try resampler.convert(frame, into: &mono)
          var index = nextIndex
          if let stamp = frame.bestEffortTimestamp {
            let seconds = Double(stamp) * Double(timeBase.num) / Double(timeBase.den)
            let stamped = Int64(((seconds - clock.origin) * Double(track.sampleRate)).rounded())
            if abs(stamped - index) > tolerance { index = stamped }  // a gap or an overlap
          }
          deliver(index: index, count: frame.sampleCount, body)
          nextIndex = index + Int64(frame.sampleCount)
          frame.unref()
        }
      } catch {
        throw wrap(error)
      }
      if finished { return }
      if let end, nextIndex >= end { return }
      do throws(FFmpegError) {
        if try input.read(into: packet) {
          if packet.streamIndex == stream { try decoder.send(packet, timeBase: timeBase, damage: &damage) }
        } else {
          try decoder.sendEndOfStream()
          finished = true
        }
      } catch {
        if error.isInvalidData || error.code == cffmpeg_averror(EIO), error.function == "av_read_frame" {
          throw .truncated(path: path, detail: "reading stopped at sample \(nextIndex) (\(error))")
        }
        throw wrap(error)
      }
    }
  }

  /// Decodes the samples with indices in `range` only, starting from a seek
  /// `preroll` seconds before the range (decoders need a few frames of
  /// history; errors in the pre-roll are expected and ignored). Each frame is
  /// placed by its packet's entry in `table`, so the samples are exactly
  /// those a read from the start gives. Needs `track.splittable`; `table`
  /// may be nil when `track.seekTimestampsAreExact` (frames are then placed
  /// by their timestamps).
  public mutating func read(
    range: Range<Int64>, table: PacketTable?, preroll: Double = 0.5,
    _ body: (Int64, UnsafeBufferPointer<Float>) -> Void
  ) throws(MediaError) {
    let path = track.path
    let stream = track.streamIndex
    let wrap: (FFmpegError) -> MediaError = { .readFailed(path: path, stream: stream, underlying: $0) }
    // Never past the presented end (MP4 edit list).
    let range = range.lowerBound..<max(range.lowerBound, min(range.upperBound, track.endSample ?? .max))
    if range.isEmpty { return }
    if range.lowerBound <= 0 {
      // The first range decodes from the start, as a whole-file read does.
      try read(until: range.upperBound) { index, samples in
        let high = min(Int64(samples.count), range.upperBound - index)
        if high > 0 { body(index, UnsafeBufferPointer(rebasing: samples[0..<Int(high)])) }
      }
      return
    }
    pending = nil
    do throws(FFmpegError) {
      finished = try decodeRange(
        range, table: table, preroll: preroll, clock: clock, decoder: decoder, resampler: &resampler,
        packet: packet, frame: frame, mono: &mono, damage: &damage,
        seek: { (tick) throws(FFmpegError) in
          FFmpegLog.clear()
          try check("av_seek_frame", av_seek_frame(input.context, Int32(stream), tick, AVSEEK_FLAG_BACKWARD))
        },
        next: { (packet) throws(FFmpegError) -> Bool in
          while try input.read(into: packet) {
            if packet.streamIndex == stream { return true }
          }
          return false
        }, body)
    } catch {
      throw wrap(error)
    }
  }

  /// A copy of the demuxer's index entries that a read of `range` needs
  /// (with the pre-roll of every retry), for an `IndexedRangeReader` to
  /// decode the range on another thread without a demuxer of its own. Nil
  /// unless the track's seek timestamps are exact (MP4/MOV) and the index
  /// covers the range. Make it before this reader reads on: FFmpeg lends
  /// index entries only until its next call on the file.
  public func packetIndex(covering range: Range<Int64>, preroll: Double = 0.5) -> PacketIndex? {
    let clock = self.clock
    let track = self.track
    guard track.seekTimestampsAreExact, clock.ticksPerSample > 0, range.lowerBound > 0 else { return nil }
    let upper = min(range.upperBound, track.endSample ?? range.upperBound)
    guard upper < Int64.max / 2 / clock.ticksPerSample - Int64(track.sampleRate) else { return nil }
    // decodeRange doubles the lead up to three times.
    let low = clock.seekTick(forSample: range.lowerBound, lead: preroll * 8)
    let high = (upper + clock.originTicks + Int64(track.sampleRate)) * clock.ticksPerSample
    return input.withStream(track.streamIndex) { stream in
      PacketIndex(stream: stream, from: low, through: high, track: track, clock: clock)
    } ?? nil
  }

  /// Clips a block to `track.endSample` and hands it over.
  private func deliver(index: Int64, count: Int, _ body: (Int64, UnsafeBufferPointer<Float>) -> Void) {
    var usable = count
    if let end = track.endSample { usable = Int(max(0, min(Int64(count), end - index))) }
    guard usable > 0 else { return }
    mono.withUnsafeBufferPointer { all in body(index, UnsafeBufferPointer(rebasing: all[0..<usable])) }
  }

  /// One demuxing pass over the stream: where every packet's first presented
  /// sample falls. Needs `track.splittable`.
  public static func packetTable(path: String, streamIndex: Int) throws(MediaError) -> PacketTable {
    let input = try failing(as: { openError(path: path, $0) }) { () throws(FFmpegError) in
      try FormatInput(path: path)
    }
    for index in 0..<input.streamCount where index != streamIndex {
      input.withStream(index) { $0.pointee.discard = AVDISCARD_ALL }
    }
    let wrap: (FFmpegError) -> MediaError = { .readFailed(path: path, stream: streamIndex, underlying: $0) }
    let packet = try failing(as: wrap) { () throws(FFmpegError) in try Packet() }
    guard
      let (num, den, rate) = input.withStream(
        streamIndex,
        { s in
          (
            Int64(s.pointee.time_base.num), Int64(s.pointee.time_base.den),
            Int64(s.pointee.codecpar.pointee.sample_rate)
          )
        })
    else { throw .noAudioStream(path: path, detail: "there is no stream #\(streamIndex)") }
    var positions: [Int64] = []
    var firstSample: [Int64] = []
    var cumulative: Int64 = 0
    var skipStart: Int64 = 0
    var skipEnd: Int64 = 0
    var sorted = true
    while true {
      let more: Bool
      do throws(FFmpegError) { more = try input.read(into: packet) } catch { throw wrap(error) }
      guard more else { break }
      guard packet.streamIndex == streamIndex, !packet.isDiscarded else { continue }
      let skip = packet.skipSamples
      if positions.isEmpty { skipStart = skip.start }
      skipEnd += skip.end
      if let last = positions.last, packet.pointer.pointee.pos <= last { sorted = false }
      positions.append(packet.pointer.pointee.pos)
      firstSample.append(cumulative - skipStart)
      cumulative += max(0, packet.duration) * num * rate / den
    }
    if !sorted {
      let order = positions.indices.sorted { positions[$0] < positions[$1] }
      positions = order.map { positions[$0] }
      firstSample = order.map { firstSample[$0] }
    }
    return PacketTable(
      positions: positions, firstSample: firstSample, totalSamples: max(0, cumulative - skipStart - skipEnd))
  }
}
