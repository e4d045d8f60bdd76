internal import CFFmpeg

// One `~Copyable` owner per FFmpeg allocation. Each holds a non-optional
// pointer, frees it in `deinit`, and lends it only to code in this module.

/// An opened input file (`AVFormatContext`) whose stream info has been read.
/// The corresponding C functions are `avformat_open_input`,
/// `avformat_find_stream_info` and `avformat_close_input`.
struct FormatInput: ~Copyable {
  let context: UnsafeMutablePointer<AVFormatContext>

  /// - Parameter readStreamInfo: also run `avformat_find_stream_info`
  ///   (decodes a little of each stream to complete the codec parameters).
  ///   Only skip it for a file already opened once with it, whose container
  ///   header is complete (MP4/MOV).
  ///   `audioHeaderSuffices`: skip it when the container is MP4/MOV and its
  ///   header already describes every audio stream completely (codec,
  ///   sample rate, channels): no decoder of any stream is opened for
  ///   probing, which saves the memory of the video decoder's start-up.
  init(path: String, readStreamInfo: Bool = true, audioHeaderSuffices: Bool = false) throws(FFmpegError) {
    FFmpegLog.clear()
    var opened: UnsafeMutablePointer<AVFormatContext>? = nil
    // On failure avformat_open_input frees what it allocated.
    try check("avformat_open_input", avformat_open_input(&opened, path, nil, nil))
    guard let opened else { throw .outOfMemory }
    var needed = readStreamInfo
    if needed && audioHeaderSuffices, let format = opened.pointee.iformat,
      String(cString: format.pointee.name).hasPrefix("mov,mp4"), let streams = opened.pointee.streams
    {
      var complete = true
      var audio = 0
      for index in 0..<Int(opened.pointee.nb_streams) {
        guard let parameters = streams[index]?.pointee.codecpar.pointee, parameters.codec_type == AVMEDIA_TYPE_AUDIO
        else { continue }
        audio += 1
        if parameters.codec_id == AV_CODEC_ID_NONE || parameters.sample_rate <= 0
          || parameters.ch_layout.nb_channels <= 0
        {
          complete = false
        }
      }
      needed = !(complete && audio > 0)
    }
    let rc = needed ? avformat_find_stream_info(opened, nil) : 0
    if rc < 0 {
      var owned: UnsafeMutablePointer<AVFormatContext>? = opened
      avformat_close_input(&owned)
      throw FFmpegError(code: rc, function: "avformat_find_stream_info", logged: FFmpegLog.lastError)
    }
    context = opened
  }

  deinit {
    var owned: UnsafeMutablePointer<AVFormatContext>? = context
    avformat_close_input(&owned)
  }

  var streamCount: Int { Int(context.pointee.nb_streams) }

  /// Lends stream `index` for the duration of `body`; never store the pointer.
  func withStream<R: ~Copyable, E: Error>(
    _ index: Int, _ body: (UnsafeMutablePointer<AVStream>) throws(E) -> R
  ) throws(E) -> R? {
    guard index >= 0, index < streamCount, let streams = context.pointee.streams,
      let stream = streams[index]
    else { return nil }
    return try body(stream)
  }

  /// Reads the next packet into `packet` (unreferencing what it held).
  /// Returns false at the end of the file.
  func read(into packet: borrowing Packet) throws(FFmpegError) -> Bool {
    packet.unref()
    FFmpegLog.clear()
    let rc = av_read_frame(context, packet.pointer)
    if rc == cffmpeg_eof { return false }
    try check("av_read_frame", rc)
    return true
  }
}

/// A packet buffer (`AVPacket`), reused across reads.
struct Packet: ~Copyable {
  let pointer: UnsafeMutablePointer<AVPacket>

  init() throws(FFmpegError) {
    guard let allocated = av_packet_alloc() else { throw .outOfMemory }
    pointer = allocated
  }

  deinit {
    var owned: UnsafeMutablePointer<AVPacket>? = pointer
    av_packet_free(&owned)
  }

  func unref() { av_packet_unref(pointer) }

  var streamIndex: Int { Int(pointer.pointee.stream_index) }
  var pts: Int64? { pointer.pointee.pts == cffmpeg_nopts_value ? nil : pointer.pointee.pts }
  var dts: Int64? { pointer.pointee.dts == cffmpeg_nopts_value ? nil : pointer.pointee.dts }
  var duration: Int64 { pointer.pointee.duration }
  /// The demuxer marked the packet as decode-only (e.g. before an edit list's start).
  var isDiscarded: Bool { pointer.pointee.flags & AV_PKT_FLAG_DISCARD != 0 }

  /// `AV_PKT_DATA_SKIP_SAMPLES`: samples the decoder drops at the start and
  /// at the end of this packet's output (codec delay, end padding).
  var skipSamples: (start: Int64, end: Int64) {
    var size = 0
    guard let data = av_packet_get_side_data(pointer, AV_PKT_DATA_SKIP_SAMPLES, &size),
      size >= 8
    else { return (0, 0) }
    func le32(_ offset: Int) -> Int64 {
      Int64(
        UInt32(data[offset]) | UInt32(data[offset + 1]) << 8
          | UInt32(data[offset + 2]) << 16 | UInt32(data[offset + 3]) << 24)
    }
    return (le32(0), le32(4))
  }
}

/// A decoded frame buffer (`AVFrame`), reused across calls.
struct Frame: ~Copyable {
  let pointer: UnsafeMutablePointer<AVFrame>

  init() throws(FFmpegError) {
    guard let allocated = av_frame_alloc() else { throw .outOfMemory }
    pointer = allocated
  }

  deinit {
    var owned: UnsafeMutablePointer<AVFrame>? = pointer
    av_frame_free(&owned)
  }

  func unref() { av_frame_unref(pointer) }

  var sampleCount: Int { Int(pointer.pointee.nb_samples) }
  var bestEffortTimestamp: Int64? {
    let t = pointer.pointee.best_effort_timestamp
    return t == cffmpeg_nopts_value ? nil : t
  }
}

/// What `Decoder.receive(into:)` found.
enum DecoderOutput {
  case frame
  case needsInput
  case endOfStream
}

/// An opened decoder (`AVCodecContext`) for one stream.
struct Decoder: ~Copyable {
  let context: UnsafeMutablePointer<AVCodecContext>

  /// Opens the decoder for `stream`; returns nil when this FFmpeg build has none.
  init?(stream: UnsafeMutablePointer<AVStream>, threads: Int = 1) throws(FFmpegError) {
    guard let parameters = stream.pointee.codecpar else { return nil }
    try self.init(parameters: parameters, timeBase: stream.pointee.time_base, threads: threads)
  }

  /// Opens a decoder for a stream described by `parameters` whose packets
  /// are stamped in `timeBase`; returns nil when this FFmpeg build has none.
  init?(parameters: UnsafePointer<AVCodecParameters>, timeBase: AVRational, threads: Int = 1) throws(FFmpegError) {
    guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else { return nil }
    guard let allocated = avcodec_alloc_context3(codec) else { throw .outOfMemory }
    var owned: UnsafeMutablePointer<AVCodecContext>? = allocated
    do {
      try check("avcodec_parameters_to_context", avcodec_parameters_to_context(allocated, parameters))
      allocated.pointee.pkt_timebase = timeBase
      allocated.pointee.thread_count = Int32(threads)
      FFmpegLog.clear()
      try check("avcodec_open2", avcodec_open2(allocated, codec, nil))
    } catch {
      avcodec_free_context(&owned)
      throw error
    }
    context = allocated
  }

  deinit {
    var owned: UnsafeMutablePointer<AVCodecContext>? = context
    avcodec_free_context(&owned)
  }

  func send(_ packet: borrowing Packet) throws(FFmpegError) {
    try check("avcodec_send_packet", avcodec_send_packet(context, packet.pointer))
  }

  /// Signals the end of input so that `receive` drains the delayed frames.
  func sendEndOfStream() throws(FFmpegError) {
    let rc = avcodec_send_packet(context, nil)
    if rc == cffmpeg_eof { return }
    try check("avcodec_send_packet", rc)
  }

  func receive(into frame: borrowing Frame) throws(FFmpegError) -> DecoderOutput {
    let rc = avcodec_receive_frame(context, frame.pointer)
    switch rc {
    case 0: return .frame
    case cffmpeg_eagain: return .needsInput
    case cffmpeg_eof: return .endOfStream
    default:
      throw FFmpegError(code: rc, function: "avcodec_receive_frame", logged: FFmpegLog.lastError)
    }
  }
}

/// A private copy of a stream's codec parameters (`AVCodecParameters`), to
/// open a decoder on another thread than the demuxer's. Immutable once made.
final class CodecParameters: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<AVCodecParameters>

  init?(copying source: UnsafePointer<AVCodecParameters>) {
    guard let allocated = avcodec_parameters_alloc() else { return nil }
    var owned: UnsafeMutablePointer<AVCodecParameters>? = allocated
    guard avcodec_parameters_copy(allocated, source) >= 0 else {
      avcodec_parameters_free(&owned)
      return nil
    }
    pointer = allocated
  }

  deinit {
    var owned: UnsafeMutablePointer<AVCodecParameters>? = pointer
    avcodec_parameters_free(&owned)
  }
}
