internal import CFFmpeg

/// Converts decoded frames of any sample format and channel layout to mono
/// `Float` at the same rate (`SwrContext`), averaging the channels with
/// equal weights (a custom matrix: swresample's default downmix would weight
/// centre and surround channels).
struct Resampler: ~Copyable {
  let context: OpaquePointer

  init(layout: AVChannelLayout, format: AVSampleFormat, sampleRate: Int32) throws(FFmpegError) {
    var input = layout
    if input.order == AV_CHANNEL_ORDER_UNSPEC {
      av_channel_layout_default(&input, input.nb_channels)
    }
    var output = AVChannelLayout()
    av_channel_layout_default(&output, 1)
    var allocated: OpaquePointer? = nil
    FFmpegLog.clear()
    try check(
      "swr_alloc_set_opts2",
      swr_alloc_set_opts2(
        &allocated, &output, AV_SAMPLE_FMT_FLT, sampleRate, &input, format, sampleRate, 0, nil))
    guard let allocated else { throw .outOfMemory }
    var owned: OpaquePointer? = allocated
    do {
      let channels = Int(input.nb_channels)
      let weights = [Double](repeating: 1 / Double(max(channels, 1)), count: channels)
      try check("swr_set_matrix", swr_set_matrix(allocated, weights, Int32(channels)))
      try check("swr_init", swr_init(allocated))
    } catch {
      swr_free(&owned)
      throw error
    }
    context = allocated
  }

  deinit {
    var owned: OpaquePointer? = context
    swr_free(&owned)
  }

  /// Converts `frame` into `output` (resized to the frame's sample count).
  func convert(_ frame: borrowing Frame, into output: inout [Float]) throws(FFmpegError) {
    let count = frame.sampleCount
    if output.count < count { output = [Float](repeating: 0, count: count) }
    let source = UnsafeMutableRawPointer(frame.pointer.pointee.extended_data)?
      .assumingMemoryBound(to: UnsafePointer<UInt8>?.self)
    let converted = output.withUnsafeMutableBytes { (buffer) -> Int32 in
      var destination: UnsafeMutablePointer<UInt8>? = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
      return swr_convert(context, &destination, Int32(count), source, Int32(count))
    }
    try check("swr_convert", converted)
    if Int(converted) != count {
      throw FFmpegError(code: cffmpeg_invaliddata, function: "swr_convert", logged: "converted \(converted) of \(count) samples")
    }
  }
}
