internal import CFFmpeg

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Probes a media file: container facts, every stream, exact durations
/// (unless `options.scan` is off) and warnings.
///
/// Exact audio duration = the samples a player presents: the codec delay is
/// trimmed at the start (AAC priming through the edit list or skip-samples
/// side data, MP3 gapless info, Opus pre-skip) and, for MP4-family files, the
/// end is cut at the edit list's end (FFmpeg 5.1's AAC decoder leaves the end
/// padding in). For codecs whose packets carry exact durations in a
/// sample-exact time base (AAC, MP3, FLAC, PCM, AC-3, ALAC) this costs only
/// demuxing; other codecs (Opus, Vorbis, …) are decoded.
/// Exact video duration and frame count come from the presented frames'
/// timestamps (frames the demuxer marks as discarded are not presented).
public func probeMedia(path: String, options: ProbeOptions = ProbeOptions()) throws(MediaError)
  -> MediaInfo
{
  let size = try checkReadableFile(path)
  let input = try failing(as: { openError(path: path, $0) }) {
    () throws(FFmpegError) in try FormatInput(path: path)
  }
  var info = headerFacts(input, path: path, size: size)
  if options.scan {
    var scanner = StreamScanner(input: input, info: info, decodeAudio: options.decodeAudio)
    info = try scanner.run(input, path: path)
    info.warnings = probeWarnings(info, scanned: true) + scanner.damageWarnings
  } else {
    info.warnings = probeWarnings(info, scanned: false)
  }
  return info
}

/// The clearest error for a file FFmpeg refused to open.
func openError(path: String, _ error: FFmpegError) -> MediaError {
  if error.isInvalidData, case .text(let preview) = Sniff(path: path) {
    return .textNotMedia(path: path, preview: preview)
  }
  return .cannotOpen(path: path, underlying: error)
}

/// Fails with a clear error before FFmpeg sees a path that cannot be media:
/// missing, a directory, not a regular file (a FIFO would block for ever, a
/// device never ends), unreadable or empty. Links are followed. Returns the
/// file's size.
func checkReadableFile(_ path: String) throws(MediaError) -> Int64 {
  var status = stat()
  guard stat(path, &status) == 0 else {
    if errno == ENOENT || errno == ENOTDIR { throw .notFound(path: path) }
    throw .unreadable(path: path, reason: String(cString: strerror(errno)))
  }
  switch status.st_mode & S_IFMT {
  case S_IFDIR: throw .isDirectory(path: path)
  case S_IFREG: break
  case S_IFIFO: throw .notRegularFile(path: path, kind: "FIFO (named pipe)")
  case S_IFCHR, S_IFBLK: throw .notRegularFile(path: path, kind: "device")
  case S_IFSOCK: throw .notRegularFile(path: path, kind: "socket")
  default: throw .notRegularFile(path: path, kind: "special file")
  }
  if access(path, R_OK) != 0 {
    throw .unreadable(path: path, reason: String(cString: strerror(errno)))
  }
  if status.st_size == 0 { throw .emptyFile(path: path) }
  return Int64(status.st_size)
}

private func string(_ pointer: UnsafePointer<CChar>?) -> String? {
  pointer.map { String(cString: $0) }
}

private func seconds(_ value: Int64, _ timeBase: AVRational) -> Double? {
  guard value != cffmpeg_nopts_value, timeBase.den != 0 else { return nil }
  return Double(value) * Double(timeBase.num) / Double(timeBase.den)
}

/// What the container and codec parameters say, without reading packets.
private func headerFacts(_ input: borrowing FormatInput, path: String, size: Int64) -> MediaInfo {
  let context = input.context.pointee
  let formatName = context.iformat.flatMap { string($0.pointee.name) } ?? "unknown"
  let format = FormatInfo(
    path: path,
    formatName: formatName,
    formatLongName: context.iformat.flatMap { string($0.pointee.long_name) },
    sizeBytes: size,
    startTime: seconds(context.start_time, cffmpeg_time_base_q()),
    headerDuration: seconds(context.duration, cffmpeg_time_base_q()),
    durationEstimatedFromBitrate: context.duration_estimation_method == AVFMT_DURATION_FROM_BITRATE,
    duration: nil,
    bitRate: context.bit_rate > 0 ? Int(context.bit_rate) : nil
  )
  var streams: [StreamInfo] = []
  for index in 0..<input.streamCount {
    guard let stream = input.withStream(index, { streamFacts($0, index: index) }) else { continue }
    streams.append(stream)
  }
  return MediaInfo(format: format, streams: streams, warnings: [])
}

private func streamFacts(_ stream: UnsafeMutablePointer<AVStream>, index: Int) -> StreamInfo {
  let timeBase = stream.pointee.time_base
  guard let parameters = stream.pointee.codecpar?.pointee else {
    return StreamInfo(index: index, codecType: .unknown, codecName: "none", timeBase: "\(timeBase.num)/\(timeBase.den)")
  }
  let kind: StreamKind
  switch parameters.codec_type {
  case AVMEDIA_TYPE_AUDIO: kind = .audio
  case AVMEDIA_TYPE_VIDEO: kind = .video
  case AVMEDIA_TYPE_SUBTITLE: kind = .subtitle
  case AVMEDIA_TYPE_DATA: kind = .data
  case AVMEDIA_TYPE_ATTACHMENT: kind = .attachment
  default: kind = .unknown
  }
  var info = StreamInfo(
    index: index, codecType: kind, codecName: string(avcodec_get_name(parameters.codec_id)) ?? "unknown",
    timeBase: "\(timeBase.num)/\(timeBase.den)")
  info.codecLongName = avcodec_descriptor_get(parameters.codec_id).flatMap { string($0.pointee.long_name) }
  info.headerStartTime = seconds(stream.pointee.start_time, timeBase)
  info.startTime = info.headerStartTime
  info.headerDuration = seconds(stream.pointee.duration, timeBase)
  info.duration = nil
  switch kind {
  case .video:
    info.width = Int(parameters.width)
    info.height = Int(parameters.height)
    if stream.pointee.nb_frames > 0 { info.headerNbFrames = Int(stream.pointee.nb_frames) }
    let rate = stream.pointee.avg_frame_rate.den != 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
    if rate.den != 0 && rate.num > 0 { info.frameRate = Double(rate.num) / Double(rate.den) }
    if stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0 { info.attachedPicture = true }
  case .audio:
    info.sampleRate = Int(parameters.sample_rate)
    var layout = parameters.ch_layout
    info.channels = Int(layout.nb_channels)
    if layout.order == AV_CHANNEL_ORDER_UNSPEC {
      // e.g. WAV without a channel mask: describe the default layout.
      av_channel_layout_default(&layout, layout.nb_channels)
    }
    var buffer = [CChar](repeating: 0, count: 64)
    if av_channel_layout_describe(&layout, &buffer, buffer.count) >= 0 {
      info.channelLayout = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    info.sampleFormat = string(av_get_sample_fmt_name(AVSampleFormat(rawValue: parameters.format)))
    if parameters.frame_size > 0 { info.frameSize = Int(parameters.frame_size) }
  default:
    break
  }
  return info
}

/// Runs an FFmpeg step, turning its error into the domain error `wrap` makes.
func failing<T: ~Copyable>(
  as wrap: (FFmpegError) -> MediaError, _ body: () throws(FFmpegError) -> T
) throws(MediaError) -> T {
  do {
    return try body()
  } catch {
    throw wrap(error)
  }
}
