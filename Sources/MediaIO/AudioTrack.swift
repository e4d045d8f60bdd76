/// The audio stream an `AudioReader` decodes, and how its samples sit on the
/// media clock.
public struct AudioTrack: Sendable, Equatable {
  public var path: String
  public var streamIndex: Int
  public var codecName: String
  public var sampleRate: Int
  public var channels: Int
  /// Media time of sample 0, the first presented sample, seconds (docs/clock-map.md:
  /// codec delay trimmed; a late stream starts late).
  public var startTime: Double
  /// One past the last presented sample, where the container bounds it
  /// (MP4/MOV edit list); nil: the decoder's end.
  public var endSample: Int64?
  /// Packet durations count samples exactly and packets sit at fixed byte
  /// positions, so a packet table places any packet's samples and the file
  /// can be decoded in parallel ranges. False for PCM (its packets are cut
  /// wherever a read starts, and it needs no decoding to speed up).
  public var splittable: Bool
  /// Timestamps after a seek place samples exactly (MP4/MOV: an index of
  /// every packet, in a time base of whole samples), so a split read needs
  /// no packet table.
  public var seekTimestampsAreExact: Bool
  /// The container's duration estimate, seconds (for planning only).
  public var estimatedDuration: Double?
  /// Where the container's header says the stream ends (media clock,
  /// seconds), when it says so rather than guessing from the bitrate.
  public var declaredEnd: Double?

  /// Throws `MediaError.truncated` when decoding ended at `end` (media
  /// clock, seconds) well before `declaredEnd`: by more than 0.5 s and 1 %,
  /// the rule `probe` applies to every stream.
  public func checkComplete(decodedEnd end: Double) throws(MediaError) {
    guard let declaredEnd,
      let detail = Timeline.truncation(
        stream: streamIndex, end: end, declaredEnd: declaredEnd, declaredDuration: declaredEnd - startTime)
    else { return }
    throw .truncated(path: path, detail: detail)
  }
}

/// Where each audio packet's first presented sample falls, for decoding a
/// range of a file: `firstSample[i]` for the packet at byte `positions[i]`
/// (sorted). Built by one demuxing pass (`AudioReader.packetTable`).
public struct PacketTable: Sendable, Equatable {
  public var positions: [Int64]
  public var firstSample: [Int64]
  /// Presented samples in all (after delay and padding are trimmed, and the
  /// edit-list end applied).
  public var totalSamples: Int64

  /// The first sample index of the packet at byte `position`, if known.
  public func sample(atPosition position: Int64) -> Int64? {
    var low = 0
    var high = positions.count
    while low < high {
      let mid = (low + high) / 2
      if positions[mid] < position { low = mid + 1 } else { high = mid }
    }
    return low < positions.count && positions[low] == position ? firstSample[low] : nil
  }
}
