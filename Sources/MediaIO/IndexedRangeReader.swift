internal import CFFmpeg

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A copy of the part of an MP4/MOV track's demuxer index that a read of
/// one sample range needs (its pre-roll included): where each packet's bytes
/// lie in the file and when it plays. `AudioReader.packetIndex(covering:)`
/// makes it from a reader that is open anyway, so an `IndexedRangeReader`
/// can decode that range on another thread without opening a demuxer of its
/// own (an MP4 demuxer holds the whole file's index: 24 bytes a packet,
/// 4 MB for an hour of AAC).
///
/// Kept as runs of packets that follow one another in the file and on the
/// clock (an MP4 chunk): about 4 bytes a packet.
public struct PacketIndex: Sendable {
  struct Run: Sendable {
    /// Byte position and time-base tick of the run's first packet.
    var position: Int64
    var tick: Int64
    /// Ticks from one packet to the next (0 for a run of one).
    var step: Int64
    /// The run's packets are `sizes[first..<first + count]`.
    var first: Int
    var count: Int
    /// `AVIndexEntry` flags (key frame, discard).
    var flags: Int32
  }

  public let track: AudioTrack
  let clock: SampleClock
  let parameters: CodecParameters
  let runs: [Run]
  let sizes: [UInt32]

  /// The run and packet within it of the last packet stamped at or before
  /// `tick` (the first packet when none is).
  func locate(tick: Int64) -> (run: Int, offset: Int) {
    var low = 0
    var high = runs.count
    while low < high {
      let mid = (low + high) / 2
      if runs[mid].tick <= tick { low = mid + 1 } else { high = mid }
    }
    guard low > 0 else { return (0, 0) }
    let run = runs[low - 1]
    let offset = run.step > 0 ? Int(min(Int64(run.count - 1), (tick - run.tick) / run.step)) : 0
    return (low - 1, offset)
  }
}

extension PacketIndex {
  /// Copies the entries of `stream`'s index stamped from `low` (or the last
  /// before it) through `high` (or the first after it). Nil when the index
  /// does not reach that far or its stamps do not increase.
  init?(
    stream: UnsafeMutablePointer<AVStream>, from low: Int64, through high: Int64,
    track: AudioTrack, clock: SampleClock
  ) {
    let total = Int(avformat_index_get_entries_count(stream))
    guard total > 0, let codecpar = stream.pointee.codecpar, let parameters = CodecParameters(copying: codecpar)
    else { return nil }
    let start = max(0, Int(av_index_search_timestamp(stream, low, AVSEEK_FLAG_BACKWARD | AVSEEK_FLAG_ANY)))
    var runs: [Run] = []
    var sizes: [UInt32] = []
    var lastTick = Int64.min
    var runEnd = Int64.min  // the byte after the last run's packets
    for i in start..<total {
      guard let entry = avformat_index_get_entry(stream, Int32(i))?.pointee else { return nil }
      guard entry.timestamp > lastTick, entry.size > 0 else { return nil }
      let flags = Int32(entry.flags) & 3  // a signed 2-bit field
      var extended = false
      if var run = runs.last, run.flags == flags, entry.pos == runEnd {
        let step = run.count == 1 ? entry.timestamp - run.tick : run.step
        if entry.timestamp == run.tick + Int64(run.count) * step {
          run.step = step
          run.count += 1
          runs[runs.count - 1] = run
          extended = true
        }
      }
      if !extended {
        runs.append(
          Run(position: entry.pos, tick: entry.timestamp, step: 0, first: sizes.count, count: 1, flags: flags))
      }
      sizes.append(UInt32(entry.size))
      runEnd = entry.pos + Int64(entry.size)
      lastTick = entry.timestamp
      if lastTick > high { break }
    }
    // The copy must reach the range's end: past it, or to the index's end
    // when that is the track's end.
    guard let firstRun = runs.first, firstRun.tick <= low || start == 0 else { return nil }
    if lastTick <= high {
      guard let end = track.endSample else { return nil }
      let step = max(runs[runs.count - 1].step, 1)
      guard lastTick + step >= (end + clock.originTicks) * clock.ticksPerSample else { return nil }
    }
    self.track = track
    self.clock = clock
    self.parameters = parameters
    self.runs = runs
    self.sizes = sizes
  }
}

/// Decodes one sample range of an MP4/MOV audio track from a `PacketIndex`,
/// reading the packets' bytes itself (no demuxer): the samples are exactly
/// those `AudioReader.read(range:table:)` delivers.
public struct IndexedRangeReader: ~Copyable {
  private let index: PacketIndex
  private let decoder: Decoder
  private var resampler = Resampler()
  private let packet: Packet
  private let frame: Frame
  private var mono: [Float] = []
  private var file: BufferedFile
  /// The packets the decoder refused (see `AudioReader.damage`).
  public private(set) var damage = DecodeDamage()

  public init(index: PacketIndex) throws(MediaError) {
    let track = index.track
    let wrap: (FFmpegError) -> MediaError = { .readFailed(path: track.path, stream: track.streamIndex, underlying: $0) }
    let timeBase = AVRational(num: Int32(index.clock.timeBase.num), den: Int32(index.clock.timeBase.den))
    let opened = try failing(as: wrap) { () throws(FFmpegError) -> Decoder? in
      try Decoder(parameters: index.parameters.pointer, timeBase: timeBase)
    }
    let packet = try failing(as: wrap) { () throws(FFmpegError) in try Packet() }
    let frame = try failing(as: wrap) { () throws(FFmpegError) in try Frame() }
    let file = try BufferedFile(path: track.path)
    switch consume opened {
    case .some(let decoder): self.decoder = decoder
    case .none: throw .noDecoder(path: track.path, stream: track.streamIndex, codec: track.codecName)
    }
    self.packet = packet
    self.frame = frame
    self.file = file
    self.index = index
  }

  /// Decodes the samples with indices in `range` (within what the index
  /// was copied for), calling `body(firstIndex, samples)` in order.
  public mutating func read(
    range: Range<Int64>, preroll: Double = 0.5, _ body: (Int64, UnsafeBufferPointer<Float>) -> Void
  ) throws(MediaError) {
    let track = index.track
    let range = range.lowerBound..<max(range.lowerBound, min(range.upperBound, track.endSample ?? .max))
    if range.isEmpty { return }
    precondition(range.lowerBound > 0, "an indexed read starts after sample 0")
    let index = self.index
    // The next packet: its run, its place in the run and its byte position.
    var cursor = (run: 0, offset: 0, position: Int64(0))
    do throws(FFmpegError) {
      _ = try decodeRange(
        range, table: nil, preroll: preroll, clock: index.clock, decoder: decoder, resampler: &resampler,
        packet: packet, frame: frame, mono: &mono, damage: &damage,
        seek: { tick in
          let (run, offset) = index.locate(tick: tick)
          let first = index.runs[run].first
          let skipped = index.sizes[first..<first + offset].reduce(Int64(0)) { $0 + Int64($1) }
          cursor = (run, offset, index.runs[run].position + skipped)
        },
        next: { (packet) throws(FFmpegError) -> Bool in
          guard cursor.run < index.runs.count else { return false }
          let run = index.runs[cursor.run]
          let size = Int(index.sizes[run.first + cursor.offset])
          let position = cursor.position
          let tick = run.tick + Int64(cursor.offset) * run.step
          packet.unref()
          try check("av_new_packet", av_new_packet(packet.pointer, Int32(size)))
          try file.copy(at: position, count: size, into: packet.pointer.pointee.data)
          packet.pointer.pointee.pts = tick
          packet.pointer.pointee.dts = tick
          packet.pointer.pointee.duration = run.step
          packet.pointer.pointee.pos = position
          packet.pointer.pointee.stream_index = Int32(track.streamIndex)
          packet.pointer.pointee.flags =
            (run.flags & AVINDEX_KEYFRAME != 0 ? AV_PKT_FLAG_KEY : 0)
            | (run.flags & AVINDEX_DISCARD_FRAME != 0 ? AV_PKT_FLAG_DISCARD : 0)
          cursor.offset += 1
          cursor.position += Int64(size)
          if cursor.offset == run.count {
            cursor.run += 1
            cursor.offset = 0
            if cursor.run < index.runs.count { cursor.position = index.runs[cursor.run].position }
          }
          return true
        }, body)
    } catch {
      if error.function == "read" && error.code == cffmpeg_eof {
        throw .truncated(path: track.path, detail: error.logged ?? "a packet lies past the end of the file")
      }
      throw .readFailed(path: track.path, stream: track.streamIndex, underlying: error)
    }
  }
}

/// A file read at positions through a 256 KiB buffer (`pread`).
private struct BufferedFile: ~Copyable {
  private let descriptor: Int32
  private let buffer: UnsafeMutableRawBufferPointer
  private var start: Int64 = 0
  private var count = 0

  init(path: String) throws(MediaError) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw .unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    self.descriptor = descriptor
    buffer = .allocate(byteCount: 1 << 18, alignment: 16)
  }

  deinit {
    close(descriptor)
    buffer.deallocate()
  }

  /// Copies `count` bytes at `position` to `destination`.
  mutating func copy(at position: Int64, count wanted: Int, into destination: UnsafeMutablePointer<UInt8>)
    throws(FFmpegError)
  {
    if position < start || position + Int64(wanted) > start + Int64(count) {
      if wanted > buffer.count {
        try fill(destination, count: wanted, at: position)
        return
      }
      count = 0
      start = position
      count = try fill(
        buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: buffer.count, at: position, atLeast: wanted)
    }
    (buffer.baseAddress! + Int(position - start)).withMemoryRebound(to: UInt8.self, capacity: wanted) {
      destination.update(from: $0, count: wanted)
    }
  }

  /// Reads up to `count` bytes at `position`, at least `atLeast` of them.
  @discardableResult
  private func fill(_ target: UnsafeMutablePointer<UInt8>, count: Int, at position: Int64, atLeast: Int? = nil)
    throws(FFmpegError) -> Int
  {
    let needed = atLeast ?? count
    var done = 0
    while done < count {
      let n = pread(descriptor, target + done, count - done, off_t(position) + off_t(done))
      if n < 0 && errno == EINTR { continue }
      if n < 0 {
        throw FFmpegError(code: cffmpeg_averror(errno), function: "read", logged: String(cString: strerror(errno)))
      }
      if n == 0 { break }
      done += n
    }
    guard done >= needed else {
      throw FFmpegError(
        code: cffmpeg_eof, function: "read", logged: "packet at byte \(position) lies past the end of the file")
    }
    return done
  }
}
