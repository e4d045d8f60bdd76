import DSP
import Foundation
import MediaIO

/// Options for `audioEnvelope`.
public struct EnvelopeOptions: Sendable, Equatable {
  /// Grid points per second (Hz).
  public var rate: Double
  /// The audio stream; nil: the first audio stream.
  public var streamIndex: Int?
  /// Decoders to run at once (the file is split into this many ranges).
  public var threads: Int
  /// Files shorter than this decode on one thread (splitting costs a
  /// demuxing pass and a pre-roll per range).
  public var minimumSecondsPerThread: Double

  public init(rate: Double = 100, streamIndex: Int? = nil, threads: Int = defaultThreads, minimumSecondsPerThread: Double = 30) {
    self.rate = rate
    self.streamIndex = streamIndex
    self.threads = threads
    self.minimumSecondsPerThread = minimumSecondsPerThread
  }

  public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// What `audioEnvelope` measured, and how.
public struct AudioEnvelope: Sendable {
  public var track: AudioTrack
  public var envelope: Envelope
  /// Decoders that ran (1 when the file was not split).
  public var threadsUsed: Int
}

/// The RMS energy envelope of a file's audio on the media clock (see
/// `Envelope`). With `threads > 1`, a long file whose packets count samples
/// exactly is split at window boundaries into ranges decoded in parallel
/// (each from a seek with pre-roll); the result is bit-identical to one
/// decoder's, because each window is summed by one range in the same order.
public func audioEnvelope(path: String, options: EnvelopeOptions) async throws(MediaError) -> AudioEnvelope {
  var reader = try AudioReader(path: path, streamIndex: options.streamIndex)
  let track = reader.track
  let seconds = track.estimatedDuration ?? 0
  var accumulator = EnvelopeAccumulator(
    rate: options.rate, sampleRate: Double(track.sampleRate), origin: track.startTime, expectedDuration: seconds)
  let threads = min(options.threads, Int(seconds / options.minimumSecondsPerThread))
  guard threads > 1, track.splittable else {
    try reader.read { index, samples in accumulator.add(samples, startingAt: index) }
    return AudioEnvelope(track: track, envelope: accumulator.envelope(), threadsUsed: 1)
  }
  _ = consume reader
  // MP4/MOV place frames by their timestamps; others by a packet table built
  // in one demuxing pass.
  let table =
    track.seekTimestampsAreExact && track.endSample != nil
    ? nil : try AudioReader.packetTable(path: path, streamIndex: track.streamIndex)
  guard var total = table?.totalSamples ?? track.endSample else {
    throw .readFailed(path: path, stream: track.streamIndex, underlying: FFmpegError(code: -1, function: "envelope", logged: "no sample count to split by"))
  }
  if let end = track.endSample { total = min(total, end) }
  // Split at window boundaries so that each window is summed in one range.
  let firstWindow = accumulator.window(ofSample: 0)
  let lastWindow = accumulator.window(ofSample: max(0, total - 1))
  var bounds: [Int64] = [0]
  for part in 1..<threads {
    let window = firstWindow + (lastWindow - firstWindow) * part / threads
    bounds.append(max(bounds[bounds.count - 1], accumulator.firstSample(ofWindow: window)))
  }
  bounds.append(total)
  let ranges = zip(bounds, bounds.dropFirst()).map { $0..<$1 }.filter { !$0.isEmpty }
  let template = EnvelopeAccumulator(rate: options.rate, sampleRate: Double(track.sampleRate), origin: track.startTime)
  let parts: [EnvelopeAccumulator]
  do {
    parts = try await withThrowingTaskGroup(of: EnvelopeAccumulator.self) { group in
      for range in ranges {
        group.addTask {
          var part = EnvelopeAccumulator(
            rate: template.rate, sampleRate: template.sampleRate, origin: template.origin,
            expectedDuration: Double(range.count) / template.sampleRate)
          var reader = try AudioReader(path: path, streamIndex: track.streamIndex, sameAs: track)
          try reader.read(range: range, table: table) { index, samples in part.add(samples, startingAt: index) }
          return part
        }
      }
      var parts: [EnvelopeAccumulator] = []
      for try await part in group { parts.append(part) }
      return parts
    }
  } catch let error as MediaError {
    throw error
  } catch {
    throw .readFailed(path: path, stream: track.streamIndex, underlying: FFmpegError(code: -1, function: "envelope", logged: "\(error)"))
  }
  for part in parts { accumulator.merge(part) }
  return AudioEnvelope(track: track, envelope: accumulator.envelope(), threadsUsed: ranges.count)
}
