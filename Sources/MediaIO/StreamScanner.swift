internal import CFFmpeg

/// One pass over every packet of a file, measuring exact durations, frame
/// counts and start times per stream (see `probeMedia`).
struct StreamScanner {
  private var info: MediaInfo
  /// Tallies by stream index (nil: a stream that is not measured).
  private var audio: [AudioTally?]
  private var video: [VideoTally?]
  /// Audio streams that are decoded, by stream index.
  private var decoders: [Int: AudioDecoding] = [:]
  /// Streams counted by packet durations whose packets without a duration
  /// (ALAC's last packet in some MOVs) are decoded to count their samples.
  private var spotDecoders: [Int: AudioDecoding] = [:]
  private let decodeAudio: Bool

  init(input: borrowing FormatInput, info: MediaInfo, decodeAudio: Bool) {
    self.info = info
    self.decodeAudio = decodeAudio
    audio = Array(repeating: nil, count: input.streamCount)
    video = Array(repeating: nil, count: input.streamCount)
  }

  mutating func run(_ input: borrowing FormatInput, path: String) throws(MediaError) -> MediaInfo {
    try prepare(input, path: path)
    let packet = try failing(as: { .readFailed(path: path, stream: nil, underlying: $0) }) {
      () throws(FFmpegError) in try Packet()
    }
    let frame = try failing(as: { .readFailed(path: path, stream: nil, underlying: $0) }) {
      () throws(FFmpegError) in try Frame()
    }
    var packetsRead = 0
    while true {
      do {
        guard try input.read(into: packet) else { break }
      } catch {
        if packetsRead > 0 && (error.isInvalidData || error.code == cffmpeg_averror(EIO)) {
          throw .truncated(path: path, detail: "reading stopped after \(packetsRead) packets (\(error))")
        }
        throw .readFailed(path: path, stream: nil, underlying: error)
      }
      packetsRead += 1
      let index = packet.streamIndex
      guard index >= 0 && index < audio.count else { continue }
      if audio[index] != nil {
        audio[index]?.add(packet)  // in place: no copy of the tally
        if decoders[index] == nil && packet.duration <= 0 && !packet.isDiscarded {
          try countUndated(packet, input, path: path, frame: frame)
        }
        if let decoding = decoders[index] {
          do {
            try decoding.send(packet)
            try decoding.drain(frame)
          } catch {
            throw .readFailed(path: path, stream: index, underlying: error)
          }
        }
      } else if video[index] != nil {
        video[index]?.add(packet)
      }
    }
    for (index, decoding) in decoders.merging(spotDecoders, uniquingKeysWith: { first, _ in first }) {
      do {
        try decoding.decoder.sendEndOfStream()
        try decoding.drain(frame)
      } catch {
        throw .readFailed(path: path, stream: index, underlying: error)
      }
    }
    finish(input)
    try checkTruncation(path: path)
    for (index, decoding) in decoders.sorted(by: { $0.key < $1.key }) where !decoding.damage.isEmpty {
      try decoding.damage.check(path: path, stream: index)
      damageWarnings.append("audio \(decoding.damage.warning(stream: index))")
    }
    return info
  }

  /// One line per decoded stream with packets the decoder refused (within
  /// `DecodeDamage.tolerableShare`; more is an error).
  private(set) var damageWarnings: [String] = []

  /// Decodes a packet that carries no duration on its stream's spot
  /// decoder, adding the samples it presents to that stream's count.
  private mutating func countUndated(
    _ packet: borrowing Packet, _ input: borrowing FormatInput, path: String, frame: borrowing Frame
  ) throws(MediaError) {
    let index = packet.streamIndex
    if spotDecoders[index] == nil {
      let opened = try failing(as: { .readFailed(path: path, stream: index, underlying: $0) }) {
        () throws(FFmpegError) -> AudioDecoding? in
        try input.withStream(index) { (avStream) throws(FFmpegError) -> AudioDecoding? in
          guard let decoder = try Decoder(stream: avStream) else { return nil }
          return AudioDecoding(decoder, timeBase: avStream.pointee.time_base)
        } ?? nil
      }
      guard let opened else {
        let codec = info.streams.first { $0.index == index }?.codecName ?? "unknown"
        throw .noDecoder(path: path, stream: index, codec: codec)
      }
      spotDecoders[index] = opened
    }
    let spot = spotDecoders[index]!
    try failing(as: { .readFailed(path: path, stream: index, underlying: $0) }) { () throws(FFmpegError) in
      try spot.decoder.send(packet)
      try spot.drain(frame)
    }
  }

  /// Chooses per audio stream whether packet durations are exact or the
  /// stream must be decoded, and opens those decoders.
  private mutating func prepare(_ input: borrowing FormatInput, path: String) throws(MediaError) {
    for stream in info.streams {
      switch stream.codecType {
      case .audio:
        audio[stream.index] = AudioTally()
        let needsDecode =
          input.withStream(stream.index) { (avStream) -> Bool in
            !decodeAudio && packetDurationsAreExact(avStream) ? false : true
          } ?? false
        guard needsDecode else { continue }
        let opened: AudioDecoding?
        do {
          opened =
            try input.withStream(stream.index) { (avStream) throws(FFmpegError) -> AudioDecoding? in
              guard let decoder = try Decoder(stream: avStream) else { return nil }
              return AudioDecoding(decoder, timeBase: avStream.pointee.time_base)
            } ?? nil
        } catch {
          throw .readFailed(path: path, stream: stream.index, underlying: error)
        }
        guard let opened else {
          throw .noDecoder(path: path, stream: stream.index, codec: stream.codecName)
        }
        decoders[stream.index] = opened
      case .video where stream.attachedPicture != true:
        video[stream.index] = VideoTally()
      default:
        input.withStream(stream.index) { $0.pointee.discard = AVDISCARD_ALL }
      }
    }
  }

  /// Turns the tallies into exact figures on `info.streams`.
  private mutating func finish(_ input: borrowing FormatInput) {
    let isMP4Family = Timeline.hasEditListEnd(info.format.formatName)
    for position in info.streams.indices {
      let index = info.streams[position].index
      guard let facts = input.withStream(index, { StreamClock($0) }) else { continue }
      if let tally = audio[index] {
        measureAudio(&info.streams[position], tally: tally, clock: facts, clipToEditList: isMP4Family)
      } else if let tally = video[index] {
        measureVideo(&info.streams[position], tally: tally, clock: facts)
      }
    }
    let ends = info.streams.compactMap { $0.endTime }
    info.format.duration = ends.max().map { max(0, $0) }
  }

  private func measureAudio(
    _ stream: inout StreamInfo, tally: AudioTally, clock: StreamClock, clipToEditList: Bool
  ) {
    guard let rate = stream.sampleRate, rate > 0 else { return }
    var samples: Int64
    var start: Double?
    if let decoded = decoders[stream.index] {
      // A refused packet's samples still take their place on the clock.
      samples = decoded.samples + Int64((decoded.damage.lostSeconds * Double(rate)).rounded())
      start = decoded.firstTimestamp.map { clock.seconds($0) }
      stream.durationMethod = .decode
    } else {
      samples =
        clock.samples(tally.ticks, rate: rate) - tally.skipStart - tally.skipEnd
        + (spotDecoders[stream.index]?.samples ?? 0)
      start = tally.firstPts.map { clock.seconds($0) + Double(tally.skipStart) / Double(rate) }
      stream.durationMethod = .packets
    }
    if let shifted = start {
      start =
        shifted
        - Timeline.startCorrection(formatName: info.format.formatName, skipStart: tally.skipStart, sampleRate: rate)
    }
    // MP4/MOV: the edit list's end bounds what a player presents.
    if clipToEditList, let start, let editEnd = clock.editEnd {
      let limit = Int64(((editEnd - start) * Double(rate)).rounded())
      if limit > 0 && limit < samples { samples = limit }
    }
    samples = max(0, samples)
    stream.nbSamples = Int(samples)
    stream.startTime = start ?? stream.headerStartTime
    stream.duration = Double(samples) / Double(rate)
  }

  private func measureVideo(_ stream: inout StreamInfo, tally: VideoTally, clock: StreamClock) {
    var stamps = tally.timestamps
    guard !stamps.isEmpty else {
      stream.nbFrames = 0
      stream.duration = 0
      stream.durationMethod = .timestamps
      return
    }
    stamps.sort()
    stream.nbFrames = stamps.count
    stream.startTime = clock.seconds(stamps[0])
    stream.durationMethod = .timestamps
    var intervals: [Int64] = []
    intervals.reserveCapacity(stamps.count)
    for i in 1..<stamps.count { intervals.append(stamps[i] - stamps[i - 1]) }
    let sortedIntervals = intervals.sorted()
    let median = sortedIntervals.isEmpty ? tally.lastDuration : sortedIntervals[sortedIntervals.count / 2]
    let lastFrame = tally.lastDuration > 0 ? tally.lastDuration : median
    let span = stamps[stamps.count - 1] - stamps[0]
    stream.duration = clock.seconds(span + lastFrame) - clock.seconds(0)
    guard let shortest = sortedIntervals.first, let longest = sortedIntervals.last, median > 0 else {
      stream.constantFrameRate = true
      if lastFrame > 0 { stream.frameRate = 1 / (clock.seconds(lastFrame) - clock.seconds(0)) }
      return
    }
    stream.frameIntervalMin = clock.seconds(shortest) - clock.seconds(0)
    stream.frameIntervalMax = clock.seconds(longest) - clock.seconds(0)
    // Constant: every interval within one tick (time-base rounding, e.g.
    // 33/34 ms in Matroska) plus 0.5 % of the median.
    let tolerance = 1 + Double(median) * 0.005
    let constant = Double(longest - median) <= tolerance && Double(median - shortest) <= tolerance
    stream.constantFrameRate = constant
    let measured = Double(stamps.count - 1) / (clock.seconds(span) - clock.seconds(0))
    if constant, let header = stream.frameRate, abs(header - measured) / measured < 0.005 {
      // Keep the container's exact rational (e.g. 30000/1001) when it agrees.
      stream.frameRate = header
    } else {
      stream.frameRate = measured
    }
  }

  /// A file whose packets stop well before the container's index says they
  /// should is truncated (an MP4 with its index at the front opens fine).
  private func checkTruncation(path: String) throws(MediaError) {
    guard !info.format.durationEstimatedFromBitrate else { return }
    for stream in info.streams where stream.codecType == .audio || stream.codecType == .video {
      guard stream.attachedPicture != true, let end = stream.endTime,
        let headerStart = stream.headerStartTime, let headerDuration = stream.headerDuration
      else { continue }
      if let detail = Timeline.truncation(
        stream: stream.index, end: end, declaredEnd: headerStart + headerDuration, declaredDuration: headerDuration)
      {
        throw .truncated(path: path, detail: detail)
      }
    }
  }
}

/// Whether a stream's packet durations count its samples exactly: a codec
/// with exact packet durations, in a time base that is a whole number of
/// ticks per sample.
func packetDurationsAreExact(_ stream: UnsafeMutablePointer<AVStream>) -> Bool {
  guard let parameters = stream.pointee.codecpar?.pointee else { return false }
  let timeBase = stream.pointee.time_base
  let rate = Int64(parameters.sample_rate)
  guard rate > 0, timeBase.num == 1, Int64(timeBase.den) % rate == 0 else { return false }
  return packetExactCodecIDs.contains(parameters.codec_id.rawValue)
}

private let packetExactCodecIDs: Set<UInt32> = Set(
  [
    AV_CODEC_ID_AAC, AV_CODEC_ID_MP3, AV_CODEC_ID_MP2, AV_CODEC_ID_MP1, AV_CODEC_ID_AC3,
    AV_CODEC_ID_EAC3, AV_CODEC_ID_FLAC, AV_CODEC_ID_ALAC, AV_CODEC_ID_PCM_S16LE,
    AV_CODEC_ID_PCM_S16BE, AV_CODEC_ID_PCM_S24LE, AV_CODEC_ID_PCM_S24BE, AV_CODEC_ID_PCM_S32LE,
    AV_CODEC_ID_PCM_S32BE, AV_CODEC_ID_PCM_F32LE, AV_CODEC_ID_PCM_F32BE, AV_CODEC_ID_PCM_F64LE,
    AV_CODEC_ID_PCM_F64BE, AV_CODEC_ID_PCM_U8, AV_CODEC_ID_PCM_S8,
  ].map { $0.rawValue })

/// A stream's time base and container timing, copied out of `AVStream`.
private struct StreamClock {
  var timeBase: AVRational
  /// MP4/MOV: the edit list's end on the media clock (start + duration).
  var editEnd: Double?

  init(_ stream: UnsafeMutablePointer<AVStream>) {
    timeBase = stream.pointee.time_base
    editEnd = Timeline.declaredEnd(stream)
  }

  func seconds(_ ticks: Int64) -> Double {
    Double(ticks) * Double(timeBase.num) / Double(timeBase.den)
  }

  /// `ticks` as samples at `rate`; exact because the caller checked that the
  /// time base divides into samples.
  func samples(_ ticks: Int64, rate: Int) -> Int64 {
    ticks * Int64(timeBase.num) * Int64(rate) / Int64(timeBase.den)
  }
}

private struct AudioTally {
  var ticks: Int64 = 0
  var firstPts: Int64?
  var skipStart: Int64 = 0
  var skipEnd: Int64 = 0

  mutating func add(_ packet: borrowing Packet) {
    guard !packet.isDiscarded else { return }
    ticks += max(0, packet.duration)
    if let pts = packet.pts ?? packet.dts { firstPts = min(firstPts ?? pts, pts) }
    let skip = packet.skipSamples
    skipStart += skip.start
    skipEnd += skip.end
  }
}

private struct VideoTally {
  var timestamps: [Int64] = []
  var lastDuration: Int64 = 0
  private var lastPts: Int64 = .min

  mutating func add(_ packet: borrowing Packet) {
    guard !packet.isDiscarded, let pts = packet.pts ?? packet.dts else { return }
    timestamps.append(pts)
    if pts >= lastPts {
      lastPts = pts
      lastDuration = packet.duration
    }
  }
}

/// A decoder and what it has presented so far: samples after the codec's
/// delay and padding are trimmed, and the first frame's timestamp.
private final class AudioDecoding {
  let decoder: Decoder
  var samples: Int64 = 0
  var firstTimestamp: Int64?

  /// Packets the decoder refused and skipped.
  var damage = DecodeDamage()
  /// The stream's time base, to place refused packets.
  private let timeBase: (num: Int64, den: Int64)

  init(_ decoder: consuming Decoder, timeBase: AVRational) {
    self.decoder = decoder
    self.timeBase = (Int64(timeBase.num), Int64(timeBase.den))
  }

  func send(_ packet: borrowing Packet) throws(FFmpegError) {
    try decoder.send(packet, timeBase: timeBase, damage: &damage)
  }

  func drain(_ frame: borrowing Frame) throws(FFmpegError) {
    while case .frame = try decoder.receive(into: frame, damage: &damage) {
      if firstTimestamp == nil { firstTimestamp = frame.bestEffortTimestamp }
      samples += Int64(frame.sampleCount)
      frame.unref()
    }
  }
}
