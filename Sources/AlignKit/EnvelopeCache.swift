import DSP
import Foundation
import MediaIO
import TimeSeries

/// A media file's envelope as align and report use it, with the facts of
/// its audio stream they report.
struct MediaEnvelope: Sendable {
  var envelope: Envelope
  var streamIndex: Int
  var audioStart: Double
  /// Packets skipped as undecodable (empty for a cached envelope: damaged
  /// files are not cached).
  var damage = DecodeDamage()
}

/// Envelopes kept on disk between processes, keyed by the media file's
/// identity (real path, size, modification time), the stream asked for and
/// the rate: `batch` decodes each media file once for all its items and the
/// report. A missing, stale or unreadable entry is simply recomputed.
struct EnvelopeCache: Sendable {
  var folder: String

  /// Version 2 holds the `AudioBands` envelopes after the broadband one;
  /// version 3 has them from frames of `AudioBands.frameWindows` windows.
  private static let magic: [UInt8] = Array("MAENV03\n".utf8)

  func key(path: String, streamIndex: Int?, rate: Double) -> String? {
    var info = stat()
    guard let real = realPath(path), stat(real, &info) == 0 else { return nil }
    let identity =
      "\(real)|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)|\(streamIndex ?? -1)|\(rate)|bands\(AudioBands.count)"
    var hash = FNV1a()
    hash.add(identity.utf8)
    return String(hash.value, radix: 16) + ".env"
  }

  func load(_ name: String) -> MediaEnvelope? {
    guard let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(name)),
      data.count >= 56, Array(data.prefix(8)) == Self.magic
    else { return nil }
    return data.withUnsafeBytes { raw -> MediaEnvelope? in
      let rate = raw.loadUnaligned(fromByteOffset: 8, as: Double.self)
      let firstIndex = Int(raw.loadUnaligned(fromByteOffset: 16, as: Int64.self))
      let count = Int(raw.loadUnaligned(fromByteOffset: 24, as: Int64.self))
      let stream = Int(raw.loadUnaligned(fromByteOffset: 32, as: Int64.self))
      let start = raw.loadUnaligned(fromByteOffset: 40, as: Double.self)
      let bandCount = Int(raw.loadUnaligned(fromByteOffset: 48, as: Int64.self))
      guard count >= 0, (0...64).contains(bandCount), raw.count == 56 + 4 * count * (1 + bandCount) else { return nil }
      func floats(_ array: Int) -> [Float] {
        let base = 56 + 4 * count * array
        return (0..<count).map { raw.loadUnaligned(fromByteOffset: base + 4 * $0, as: Float.self) }
      }
      let envelope = Envelope(
        rate: rate, firstIndex: firstIndex, values: floats(0), bands: (0..<bandCount).map { floats(1 + $0) })
      return MediaEnvelope(envelope: envelope, streamIndex: stream, audioStart: start)
    }
  }

  func store(_ entry: MediaEnvelope, as name: String) {
    var data = Data(Self.magic)
    withUnsafeBytes(of: entry.envelope.rate) { data.append(contentsOf: $0) }
    withUnsafeBytes(of: Int64(entry.envelope.firstIndex)) { data.append(contentsOf: $0) }
    withUnsafeBytes(of: Int64(entry.envelope.values.count)) { data.append(contentsOf: $0) }
    withUnsafeBytes(of: Int64(entry.streamIndex)) { data.append(contentsOf: $0) }
    withUnsafeBytes(of: entry.audioStart) { data.append(contentsOf: $0) }
    withUnsafeBytes(of: Int64(entry.envelope.bands.count)) { data.append(contentsOf: $0) }
    entry.envelope.values.withUnsafeBytes { data.append(contentsOf: $0) }
    for band in entry.envelope.bands { band.withUnsafeBytes { data.append(contentsOf: $0) } }
    // A cache that cannot be written costs a second decode, never a result:
    // the envelope is in hand, and a later read finds no entry and decodes.
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try? AtomicFile.write(data, to: (folder as NSString).appendingPathComponent(name))
  }
}

extension EnvelopeCache {
  /// Makes `name`'s entry also readable as `alias` (a hard link, replacing
  /// an older one atomically).
  func alias(_ name: String, as alias: String) {
    let target = (folder as NSString).appendingPathComponent(alias)
    let temporary = TemporaryFile(beside: target)
    guard link((folder as NSString).appendingPathComponent(name), temporary.path) == 0 else {
      temporary.remove()
      return
    }
    if rename(temporary.path, target) == 0 { temporary.renamed() } else { temporary.remove() }
  }
}

/// The envelope of `path` at `rate`, with its `AudioBands` envelopes (align
/// picks the band a sensor hears): from `cache` when it holds it, else
/// decoded (and stored there).
func mediaEnvelope(
  path: String, rate: Double, streamIndex: Int?, threads: Int, cache: EnvelopeCache?
) async throws(MediaError) -> MediaEnvelope {
  ProtectedInputs.shared.protect(path)
  let name = cache?.key(path: path, streamIndex: streamIndex, rate: rate)
  if let cache, let name, let hit = cache.load(name) { return hit }
  let made = try await audioEnvelope(
    path: path, options: EnvelopeOptions(rate: rate, streamIndex: streamIndex, threads: threads, bands: true))
  let entry = MediaEnvelope(
    envelope: made.envelope, streamIndex: made.track.streamIndex, audioStart: made.track.startTime,
    damage: made.damage)
  // A damaged file is not kept: every run that uses it says so.
  if let cache, let name, made.damage.isEmpty {
    cache.store(entry, as: name)
    // Also under the stream it resolved to, as a result names it.
    if streamIndex == nil, let resolved = cache.key(path: path, streamIndex: entry.streamIndex, rate: rate) {
      cache.alias(name, as: resolved)
    }
  }
  return entry
}
