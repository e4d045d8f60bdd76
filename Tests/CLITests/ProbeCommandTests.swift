import Foundation
import TestSupport
import Testing

/// `mediaalign probe`, run as the built binary: exact output lines and exit codes.
@Suite("probe command")
struct ProbeCommandTests {
  @Test("each bad file gets one stderr line and exit code 1", arguments: MediaTruth.load.bad)
  func badFile(_ bad: MediaTruth.Bad) throws {
    let result = try runTool(["probe", bad.file], in: TestPaths.testMedia)
    #expect(result.status == 1)
    #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(result.stderr)")
    #expect(lines.first?.hasPrefix("mediaalign: error: \(bad.file): ") == true, "stderr: \(result.stderr)")
    #expect(result.stderr.contains(bad.error), "stderr: \(result.stderr)")
  }

  @Test("a missing path and a directory")
  func missingAndDirectory() throws {
    let missing = try runTool(["probe", "nowhere.mp4"], in: TestPaths.testMedia)
    #expect(missing.status == 1)
    #expect(missing.stderr == "mediaalign: error: nowhere.mp4: no such file; check the path\n")
    let directory = try runTool(["probe", "bad"], in: TestPaths.testMedia)
    #expect(directory.status == 1)
    #expect(directory.stderr == "mediaalign: error: bad: is a directory, not a media file; name a file inside it\n")
  }

  @Test("good and bad files together: every good one printed, every bad one reported")
  func mixed() throws {
    let result = try runTool(
      ["probe", "h264_aac.mp4", "bad/empty.mp4", "pcm.wav", "nowhere.wav"], in: TestPaths.testMedia)
    #expect(result.status == 1)
    #expect(result.stdout.hasPrefix("h264_aac.mp4: QuickTime / MOV, 2.000000 s (header 2.000000 s), 39."))
    #expect(result.stdout.contains("\npcm.wav: WAV / WAVE (Waveform Audio), 2.000000 s"))
    #expect(
      result.stdout.contains(
        "  #1 audio aac, 48000 Hz, stereo, 96000 samples, start 0.000000 s, 2.000000 s (packets), time base 1/48000\n"
      ), "stdout: \(result.stdout)")
    #expect(
      result.stderr == """
        mediaalign: error: bad/empty.mp4: the file is empty (0 bytes); copy or export it again
        mediaalign: error: nowhere.wav: no such file; check the path

        """)
  }

  @Test("--json for one file is the docs/formats.md object")
  func jsonOne() throws {
    let result = try runTool(["probe", "--json", "late_audio.mp4"], in: TestPaths.testMedia)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let format = try #require(object["format"] as? [String: Any])
    #expect(format["path"] as? String == "late_audio.mp4")
    #expect(format["format_name"] as? String == "mov,mp4,m4a,3gp,3g2,mj2")
    #expect((format["header_duration"] as? Double).map { abs($0 - 2.0) < 1e-6 } == true)
    let streams = try #require(object["streams"] as? [[String: Any]])
    #expect(streams.count == 2)
    let audio = streams[1]
    #expect(audio["codec_type"] as? String == "audio")
    #expect(audio["nb_samples"] as? Int == 73024)
    #expect(audio["sample_rate"] as? Int == 48000)
    #expect((audio["start_time"] as? Double).map { abs($0 - 0.478) < 1e-9 } == true)
    #expect(streams[0]["nb_frames"] as? Int == 60)
    #expect(streams[0]["constant_frame_rate"] as? Bool == true)
    let warnings = try #require(object["warnings"] as? [String])
    #expect(warnings.count == 2, "\(warnings)")
  }

  @Test("--json for several files is an array, bad files as {path, error}")
  func jsonMany() throws {
    let result = try runTool(["probe", "--json", "pcm.wav", "bad/text.mp4"], in: TestPaths.testMedia)
    #expect(result.status == 1)
    let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    #expect(array.count == 2)
    #expect((array[0]["format"] as? [String: Any])?["path"] as? String == "pcm.wav")
    #expect(array[1]["path"] as? String == "bad/text.mp4")
    #expect((array[1]["error"] as? String)?.contains("holds text, not audio or video") == true)
  }

  @Test("no file is a usage error (exit 64)")
  func usage() throws {
    let result = try runTool(["probe"], in: TestPaths.testMedia)
    #expect(result.status == 64)
    #expect(result.stderr.contains("Name at least one media file to probe."))
  }
}
