import AlignKit
import DSP
import Foundation
import MediaIO
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Media that is a little broken: a damaged packet is skipped as `ffmpeg`
/// skips it, a truncated file fails the same way however it is split, and a
/// path that is not a regular file is refused before anything reads it.
@Suite("Damaged media")
struct DamagedMediaTests {
  static let damaged = "damaged_packet.m4a"

  func envelope(_ path: String, threads: Int) async throws -> AudioEnvelope {
    try await audioEnvelope(
      path: path, options: EnvelopeOptions(rate: 100, threads: threads, minimumSecondsPerThread: 0.5))
  }

  @Test("one damaged packet is skipped with its media time, on one decoder or four")
  func damagedPacketSkipped() async throws {
    let path = TestPaths.media(Self.damaged)
    var envelopes: [AudioEnvelope] = []
    for threads in [1, 4] {
      let result = try await envelope(path, threads: threads)
      #expect(result.threadsUsed == threads)
      // 64 scrambled bytes 10.4 s in: one or two AAC packets (21 ms each).
      #expect((1...3).contains(result.damage.damagedPackets), "\(result.damage.summary)")
      #expect(result.damage.times.allSatisfy { (10.2...10.7).contains($0) }, "\(result.damage.summary)")
      #expect(result.damage.isTolerable)
      // The envelope still spans the 20 s, placed by timestamps.
      #expect(abs(result.envelope.time(at: result.envelope.values.count) - 20) < 0.02)
      envelopes.append(result)
    }
    // Windows away from the damage and the range boundaries are the same
    // whatever the split (the tone has no noise-substituted bands).
    let one = envelopes[0].envelope
    let four = envelopes[1].envelope
    #expect(one.values.count == four.values.count)
    let differing = zip(one.values, four.values).filter { abs($0 - $1) > 1e-6 * max(1, abs($0)) }.count
    #expect(differing <= 8, "\(differing) windows differ between 1 and 4 decoders")
  }

  @Test("a stream with more than 1 % of its packets damaged is refused, naming the share")
  func tooDamaged() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.cleanUp() }
    var data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.media(Self.damaged)))
    let box = try #require(data.range(of: Data("mdat".utf8)))
    let size = data[box.lowerBound - 4..<box.lowerBound].reduce(0) { $0 << 8 | Int($1) }
    let (mdat, end) = (box.upperBound, box.lowerBound - 4 + size)
    // 40 scrambled spots through the 939 packets: about 4 %.
    for spot in 1...40 {
      let at = mdat + (end - mdat) * spot / 42
      for k in 0..<48 { data[at + k] ^= 0x5A }
    }
    let path = directory.path("worse.m4a")
    try data.write(to: URL(fileURLWithPath: path))
    for threads in [1, 2] {
      await #expect {
        _ = try await envelope(path, threads: threads)
      } throws: { error in
        guard case .damaged(let failing, 0, let damage) = error as? MediaError else { return false }
        let text = (error as! MediaError).description
        return failing == path && damage.damagedPackets > 10 && text.contains("more than 1 % of its packets")
          && !text.contains("\n")
      }
    }
  }

  @Test("a truncated MP4 with its index in front fails as truncated on one decoder or two")
  func truncatedFaststart() async throws {
    let path = TestPaths.media("bad/truncated_faststart.mp4")
    for threads in [1, 2] {
      await #expect {
        _ = try await envelope(path, threads: threads)
      } throws: { error in
        guard case .truncated(let failing, let detail) = error as? MediaError else { return false }
        return failing == path && detail.contains("but the header says 2.000 s")
      }
    }
  }

  @Test("a FLAC cut in half fails as truncated instead of aligning half a file")
  func truncatedFLAC() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.cleanUp() }
    let whole = try Data(contentsOf: URL(fileURLWithPath: TestPaths.media("audio.flac")))
    let path = directory.path("half.flac")
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
    await #expect {
      _ = try await envelope(path, threads: 1)
    } throws: { error in
      guard case .truncated(_, let detail) = error as? MediaError else { return false }
      return detail.contains("but the header says 2.000 s")
    }
  }

  @Test("a FIFO and a device are refused at once, by probe and by the reader")
  func notRegular() throws {
    let directory = try TemporaryDirectory()
    defer { directory.cleanUp() }
    let fifo = directory.path("camera.mp4")
    #expect(mkfifo(fifo, 0o600) == 0)
    #expect(throws: MediaError.notRegularFile(path: fifo, kind: "FIFO (named pipe)")) { try probeMedia(path: fifo) }
    #expect(throws: MediaError.notRegularFile(path: fifo, kind: "FIFO (named pipe)")) {
      _ = try AudioReader(path: fifo)
    }
    #expect(throws: MediaError.notRegularFile(path: "/dev/zero", kind: "device")) {
      try probeMedia(path: "/dev/zero")
    }
  }
}
