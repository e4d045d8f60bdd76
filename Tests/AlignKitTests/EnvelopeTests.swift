import AlignKit
import DSP
import Foundation
import MediaIO
import TestSupport
import Testing

@Suite("Audio envelope")
struct EnvelopeTests {
  static let clicks = MediaTruth.load.clicks

  func envelope(_ file: String, rate: Double, threads: Int = 1, bands: Bool = false) async throws -> AudioEnvelope {
    try await audioEnvelope(
      path: TestPaths.media(file),
      options: EnvelopeOptions(rate: rate, threads: threads, minimumSecondsPerThread: 0.5, bands: bands))
  }

  /// The time of the loudest window within ±0.2 s of `around`.
  func peak(_ envelope: Envelope, around: Double) -> Double {
    var best = (time: 0.0, value: -Float.infinity)
    for i in envelope.values.indices {
      let time = envelope.time(at: i)
      if abs(time - around) <= 0.2 && envelope.values[i] > best.value { best = (time, envelope.values[i]) }
    }
    return best.time
  }

  @Test("click peaks land within one frame at 100 Hz and 1 ms at 1000 Hz", arguments: clicks.files)
  func clickTiming(_ file: MediaTruth.Clicks.File) async throws {
    for (rate, tolerance) in [(100.0, 0.010), (1000.0, 0.001)] {
      let result = try await envelope(file.file, rate: rate)
      for click in Self.clicks.times {
        let truth = click + file.offset
        let found = peak(result.envelope, around: truth)
        #expect(
          abs(found - truth) <= tolerance + 1e-9,
          "\(file.file) at \(rate) Hz: click at \(truth) s found at \(found) s (tolerance \(tolerance) s)")
      }
    }
  }

  /// Each file with the ranges after the first that decode from a copy of
  /// the first reader's index (MP4/MOV) rather than a demuxer of their own.
  @Test(
    "split decoding is bit-identical to one decoder, bands and all",
    arguments: [("clicks/aac.m4a", 2), ("clicks/lame.mp3", 0), ("clicks/flac.flac", 0), ("clicks/late_aac.mp4", 2)])
  func threadsIdentical(_ file: String, indexed: Int) async throws {
    let one = try await envelope(file, rate: 1000, threads: 1, bands: true)
    let three = try await envelope(file, rate: 1000, threads: 3, bands: true)
    #expect(one.threadsUsed == 1)
    #expect(three.threadsUsed == 3, "\(file) was not split")
    #expect(three.indexedRanges == indexed, "\(file): ranges decoded from the first reader's index")
    #expect(one.envelope.firstIndex == three.envelope.firstIndex)
    #expect(one.envelope.values.count == three.envelope.values.count)
    let firstDifference = zip(one.envelope.values, three.envelope.values).enumerated().first { $1.0 != $1.1 }?.offset
    #expect(firstDifference == nil, "\(file): values differ first at index \(firstDifference ?? -1)")
    #expect(one.envelope.bands.count == AudioBands.count)
    for (band, (a, b)) in zip(one.envelope.bands, three.envelope.bands).enumerated() {
      let differ = zip(a, b).enumerated().first { $1.0 != $1.1 }?.offset
      #expect(differ == nil, "\(file): band \(band) differs first at index \(differ ?? -1)")
    }
  }

  @Test(
    "PCM and codecs without exact packet durations decode on one thread",
    arguments: ["pcm.wav", "clicks/opus.ogg", "clicks/vorbis.ogg"])
  func notSplit(_ file: String) async throws {
    let result = try await envelope(file, rate: 100, threads: 3)
    #expect(result.threadsUsed == 1)
  }

  @Test("envelope values equal a direct computation on the decoded PCM")
  func directOnPCM() async throws {
    // stereo_s16le.wav: 8 kHz, 0.5 s, left 0.5·sin(300 Hz), right 0.7·sin(700 Hz) after 0.2 s.
    let path = TestPaths.media("clicks/stereo_s16le.wav")
    let pcm = try wavSamples(path)
    let mono = stride(from: 0, to: pcm.count, by: 2).map { (Double(pcm[$0]) + Double(pcm[$0 + 1])) / 2 / 32768 }
    let result = try await envelope("clicks/stereo_s16le.wav", rate: 100)
    let values = result.envelope.values
    #expect(result.envelope.firstIndex == 0 && values.count == 51)
    for (slot, value) in values.enumerated() {
      let low = max(0, slot * 80 - 40)
      let high = min(mono.count, slot * 80 + 40)
      let direct = (mono[low..<high].reduce(0) { $0 + $1 * $1 } / Double(high - low)).squareRoot()
      #expect(abs(Double(value) - direct) < 1e-6, "window \(slot): \(value) vs \(direct)")
    }
  }

  @Test("every packed sample format gives the same envelope", arguments: ["u8", "s32le", "f32le", "f64le"])
  func sampleFormats(_ format: String) async throws {
    let reference = try await envelope("clicks/stereo_s16le.wav", rate: 100).envelope
    let other = try await envelope("clicks/stereo_\(format).wav", rate: 100).envelope
    #expect(other.firstIndex == reference.firstIndex && other.values.count == reference.values.count)
    // u8 quantises to 1/128 of full scale; the others to 1/32768 or finer.
    let tolerance: Float = format == "u8" ? 0.01 : 1e-4
    for (a, b) in zip(reference.values, other.values) {
      #expect(abs(a - b) <= tolerance, "\(format): \(b) vs s16 \(a)")
    }
  }

  @Test("a jump in the audio timestamps stays a gap of silence")
  func timestampGap() async throws {
    let gap = Self.clicks.gap
    let result = try await envelope(gap.file, rate: 100)
    let envelope = result.envelope
    for i in envelope.values.indices {
      let time = envelope.time(at: i)
      // The last frame before the jump runs past 1.0 s (FLAC frames are
      // 4608 samples); 1.1 - 1.45 s is inside the gap.
      if time >= gap.gapStart + 0.1 && time <= gap.gapEnd - 0.05 {
        #expect(envelope.values[i] == 0, "\(time) s is inside the gap but holds \(envelope.values[i])")
      }
      if time >= 0.2 && time <= 0.4 {
        #expect(abs(Double(envelope.values[i]) - gap.toneRms) < 0.002, "tone at \(time) s: \(envelope.values[i])")
      }
    }
    for click in gap.clicksAfterGap {
      let found = peak(envelope, around: click)
      #expect(abs(found - click) <= 0.010 + 1e-9, "click expected at \(click) s, found at \(found) s")
    }
  }

  @Test("a file without audio is a clear error")
  func noAudio() async throws {
    let path = TestPaths.media("video_only.mp4")
    await #expect {
      _ = try await audioEnvelope(path: path, options: EnvelopeOptions())
    } throws: { error in
      (error as? MediaError)?.description
        == "\(path): no audio stream (streams: #0 video); audio-based alignment needs the recording's sound"
    }
  }

  /// The interleaved 16-bit samples of a PCM WAV file, read directly.
  func wavSamples(_ path: String) throws -> [Int16] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var offset = 12
    while offset + 8 <= data.count {
      let id = String(decoding: data[offset..<offset + 4], as: UTF8.self)
      let size =
        Int(data[offset + 4]) | Int(data[offset + 5]) << 8 | Int(data[offset + 6]) << 16 | Int(data[offset + 7]) << 24
      if id == "data" {
        return stride(from: offset + 8, to: offset + 8 + size, by: 2).map {
          Int16(bitPattern: UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8)
        }
      }
      offset += 8 + size + (size & 1)
    }
    throw CocoaError(.fileReadCorruptFile)
  }
}
