import Foundation
import TestSupport
import Testing

/// `mediaalign envelope`, run as the built binary.
@Suite("envelope command")
struct EnvelopeCommandTests {
  func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mediaalign-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test("CSV on stdout: header, one row per grid point, times on the grid")
  func stdout() throws {
    let result = try runTool(
      ["envelope", "clicks/aac.m4a", "--rate", "100", "--threads", "1"], in: TestPaths.testMedia)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.first == "time,rms")
    // 3 s of audio from 0: windows centred on 0.00 … 3.00 s.
    #expect(lines.count == 1 + 301, "\(lines.count) lines")
    #expect(lines[1].hasPrefix("0.0,"))
    #expect(lines[51].hasPrefix("0.5,"))
    #expect(lines.last?.hasPrefix("3.0,") == true)
    // The click at 0.5 s is far louder than the silence before it.
    let click = Double(lines[51].split(separator: ",")[1]) ?? 0
    let quiet = Double(lines[11].split(separator: ",")[1]) ?? 1
    #expect(click > 0.1 && quiet < 0.01, "click \(click), quiet \(quiet)")
  }

  @Test("-o writes the file atomically, leaves no temporary file, prints nothing")
  func outputFile() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let target = directory.appendingPathComponent("env.csv").path
    let result = try runTool(["envelope", "clicks/flac.flac", "--db", "-o", target], in: TestPaths.testMedia)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout.isEmpty && result.stderr.isEmpty)
    let text = try String(contentsOfFile: target, encoding: .utf8)
    #expect(text.hasPrefix("time,rms_db\n0.0,"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["env.csv"])
  }

  @Test("an unwritable output is one error line, exit 1, and no file")
  func unwritable() throws {
    let result = try runTool(
      ["envelope", "clicks/flac.flac", "-o", "/nonexistent-dir/env.csv"], in: TestPaths.testMedia)
    #expect(result.status == 1)
    #expect(
      result.stderr
        == "mediaalign: error: /nonexistent-dir/env.csv: cannot write (No such file or directory); check that the folder exists and is writable\n"
    )
  }

  @Test("no audio, a video stream asked for, and a bad rate")
  func errors() throws {
    let noAudio = try runTool(["envelope", "video_only.mp4"], in: TestPaths.testMedia)
    #expect(noAudio.status == 1)
    #expect(
      noAudio.stderr
        == "mediaalign: error: video_only.mp4: no audio stream (streams: #0 video); audio-based alignment needs the recording's sound\n"
    )
    let video = try runTool(["envelope", "h264_aac.mp4", "--stream", "0"], in: TestPaths.testMedia)
    #expect(video.status == 1)
    #expect(video.stderr.hasPrefix("mediaalign: error: h264_aac.mp4: stream #0 is video, not audio"), "\(video.stderr)")
    let rate = try runTool(["envelope", "h264_aac.mp4", "--rate", "0"], in: TestPaths.testMedia)
    #expect(rate.status == 64)
    #expect(rate.stderr.contains("--rate must be between 0 and 48000 Hz"))
  }
}
