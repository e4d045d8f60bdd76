internal import CFFmpeg

/// Converts decoded frames of any sample format and channel layout to mono
/// `Float` at the same rate (`SwrContext`), averaging the channels with
/// equal weights (a custom matrix: swresample's default downmix would weight
/// centre and surround channels). Configured from each frame's own format
/// and layout, so it follows what the decoder actually outputs.
struct Resampler: ~Copyable {
  private var context: OpaquePointer?
  private var configuredFor: (format: Int32, channels: Int32)?

  init() {}

  deinit {
    var owned = context
    swr_free(&owned)
  }

  private mutating func configure(for frame: borrowing Frame) throws(FFmpegError) {
    let format = frame.pointer.pointee.format
    var input = frame.pointer.pointee.ch_layout
    if let configuredFor, configuredFor.format == format, configuredFor.channels == input.nb_channels,
      context != nil
    {
      return
    }
    swr_free(&context)
    configuredFor = nil
    if input.order == AV_CHANNEL_ORDER_UNSPEC || input.nb_channels == 0 {
      av_channel_layout_default(&input, max(1, input.nb_channels))
    }
    var output = AVChannelLayout()
    av_channel_layout_default(&output, 1)
    let rate = frame.pointer.pointee.sample_rate
    FFmpegLog.clear()
    try check(
      "swr_alloc_set_opts2",
      swr_alloc_set_opts2(
        &context, &output, AV_SAMPLE_FMT_FLT, rate, &input, AVSampleFormat(rawValue: format), rate, 0, nil))
    guard let context else { throw .outOfMemory }
    let channels = Int(input.nb_channels)
    let weights = [Double](repeating: 1 / Double(max(channels, 1)), count: channels)
    try check("swr_set_matrix", swr_set_matrix(context, weights, Int32(channels)))
    try check("swr_init", swr_init(context))
    configuredFor = (format, input.nb_channels)
  }

  /// Converts `frame` into `output` (grown to the frame's sample count).
  mutating func convert(_ frame: borrowing Frame, into output: inout [Float]) throws(FFmpegError) {
    try configure(for: frame)
    let count = frame.sampleCount
    if output.count < count { output = [Float](repeating: 0, count: count) }
    let source = UnsafeMutableRawPointer(frame.pointer.pointee.extended_data)?
      .assumingMemoryBound(to: UnsafePointer<UInt8>?.self)
    let context = self.context
    let converted = output.withUnsafeMutableBytes { (buffer) -> Int32 in
      var destination: UnsafeMutablePointer<UInt8>? = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
      return swr_convert(context, &destination, Int32(count), source, Int32(count))
    }
    try check("swr_convert", converted)
    if Int(converted) != count {
      throw FFmpegError(
        code: cffmpeg_invaliddata, function: "swr_convert", logged: "converted \(converted) of \(count) samples")
    }
  }
}
