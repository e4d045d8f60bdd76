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
  /// Also measure the `AudioBands` envelopes (one small FFT per window).
  public var bands: Bool

  public init(
    rate: Double = 100, streamIndex: Int? = nil, threads: Int = defaultThreads, minimumSecondsPerThread: Double = 30,
    bands: Bool = false
  ) {
    self.rate = rate
    self.streamIndex = streamIndex
    self.threads = threads
    self.minimumSecondsPerThread = minimumSecondsPerThread
    self.bands = bands
  }

  public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// What `audioEnvelope` measured, and how.
public struct AudioEnvelope: Sendable {
  public var track: AudioTrack
  public var envelope: Envelope
  /// Decoders that ran (1 when the file was not split).
  public var threadsUsed: Int
  /// Ranges decoded from a copy of the first reader's MP4/MOV index rather
  /// than by a demuxer of their own (which would hold the index again).
  public var indexedRanges: Int = 0
  /// Packets the decoder refused and skipped (within
  /// `DecodeDamage.tolerableShare`; more is an error).
  public var damage = DecodeDamage()
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
  let threads = min(options.threads, Int(seconds / options.minimumSecondsPerThread))
  guard threads > 1, track.splittable else {
    var accumulator = EnvelopeAccumulator(
      rate: options.rate, sampleRate: Double(track.sampleRate), origin: track.startTime, expectedDuration: seconds,
      bands: options.bands)
    try reader.read { index, samples in accumulator.add(samples, startingAt: index) }
    let envelope = accumulator.envelope()
    try track.checkComplete(decodedEnd: envelope.time(at: envelope.values.count))
    try reader.damage.check(path: path, stream: track.streamIndex)
    return AudioEnvelope(track: track, envelope: envelope, threadsUsed: 1, damage: reader.damage)
  }
  // Unreserved: it only places the ranges; the parts hold the sums.
  let accumulator = EnvelopeAccumulator(
    rate: options.rate, sampleRate: Double(track.sampleRate), origin: track.startTime, bands: options.bands)
  // MP4/MOV place frames by their timestamps; other formats by a packet
  // table, built in one demuxing pass while the first range (which starts
  // at sample 0 and needs no table) is already decoding.
  let needsTable = !(track.seekTimestampsAreExact && track.endSample != nil)
  let tableTask: Task<PacketTable, any Error>? =
    needsTable
    ? Task { () throws -> PacketTable in
      do { return try AudioReader.packetTable(path: path, streamIndex: track.streamIndex) } catch { throw error }
    } : nil
  // Split at window boundaries, so that each window is summed in one range,
  // by the expected length (the last range runs to the end, whatever it is).
  let expected = track.endSample ?? Int64(seconds * Double(track.sampleRate))
  let firstWindow = accumulator.window(ofSample: 0)
  let lastWindow = accumulator.window(ofSample: max(0, expected - 1))
  // The first range is a little longer when the others first wait for the
  // table (its pass measured about 4 % of the decoding time for an MP3).
  let head = needsTable ? 0.04 * Double(threads - 1) : 0
  // Each part owns the windows from its split to the next and decodes the
  // samples of those windows and of the context their band frames reach.
  var splits: [Int] = []
  for part in 1..<threads {
    let share = (Double(part) + head) / (Double(threads) + head)
    let window = firstWindow + Int(Double(lastWindow - firstWindow) * share)
    if window > (splits.last ?? firstWindow) { splits.append(window) }
  }
  let owned = zip([Int.min] + splits, splits + [Int.max]).map { $0..<$1 }
  let ranges = owned.map { accumulator.contextRange(owning: $0) }
  let template = accumulator
  // MP4/MOV: the later ranges decode from a copy of this reader's index
  // rather than a demuxer each (which would hold the whole index again).
  let indices = ranges.dropFirst().map { reader.packetIndex(covering: $0) }
  let parts: [Envelope]
  var damage = DecodeDamage()
  do {
    (parts, damage) = try await withThrowingTaskGroup(of: (Envelope, DecodeDamage).self) { group in
      for ((range, windows), index) in zip(zip(ranges, owned).dropFirst(), indices) {
        group.addTask {
          let table = try await tableTask?.value
          let length = min(range.upperBound, expected) - range.lowerBound
          var part = template.emptyCopy(
            expectedDuration: Double(max(0, length)) / template.sampleRate, owned: windows)
          if let index {
            var reader = try IndexedRangeReader(index: index)
            try reader.read(range: range) { index, samples in part.add(samples, startingAt: index) }
            return (part.envelope(), reader.damage)
          } else {
            var reader = try AudioReader(path: path, streamIndex: track.streamIndex, sameAs: track)
            try reader.read(range: range, table: table) { index, samples in part.add(samples, startingAt: index) }
            return (part.envelope(), reader.damage)
          }
        }
      }
      // The first range on this task, with the reader already open.
      var first = template.emptyCopy(
        expectedDuration: Double(min(ranges[0].upperBound, expected)) / template.sampleRate, owned: owned[0])
      try reader.read(range: ranges[0], table: nil) { index, samples in first.add(samples, startingAt: index) }
      var parts: [Envelope] = [first.envelope()]
      var damage = reader.damage
      for try await (part, partDamage) in group {
        parts.append(part)
        damage.merge(partDamage)
      }
      return (parts, damage)
    }
  } catch let error as MediaError {
    throw error
  } catch {
    throw .readFailed(
      path: path, stream: track.streamIndex, underlying: FFmpegError(code: -1, function: "envelope", logged: "\(error)")
    )
  }
  // The ranges split at window boundaries, so the parts' windows follow
  // one another: concatenate them in time order.
  let ordered = parts.filter { !$0.values.isEmpty }.sorted { $0.firstIndex < $1.firstIndex }
  let total = ordered.reduce(0) { $0 + $1.values.count }
  var values: [Float] = []
  values.reserveCapacity(total)
  var bands = [[Float]](repeating: [], count: options.bands ? AudioBands.count : 0)
  for b in bands.indices { bands[b].reserveCapacity(total) }
  var next = ordered.first?.firstIndex ?? 0
  for part in ordered {
    precondition(part.firstIndex >= next, "envelope ranges overlap")
    let gap = part.firstIndex - next  // a gap between ranges
    values.append(contentsOf: repeatElement(0, count: gap))
    values.append(contentsOf: part.values)
    for b in bands.indices {
      bands[b].append(contentsOf: repeatElement(0, count: gap))
      bands[b].append(contentsOf: part.bands[b])
    }
    next = part.firstIndex + part.values.count
  }
  let envelope = Envelope(rate: options.rate, firstIndex: ordered.first?.firstIndex ?? 0, values: values, bands: bands)
  try track.checkComplete(decodedEnd: envelope.time(at: envelope.values.count))
  try damage.check(path: path, stream: track.streamIndex)
  return AudioEnvelope(
    track: track, envelope: envelope, threadsUsed: ranges.count, indexedRanges: indices.count { $0 != nil },
    damage: damage)
}
