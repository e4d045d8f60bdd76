import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Media that is a little broken, through the binary: the same answer as
/// `ffmpeg` where it plays the file, the same error whatever `--threads` is.
@Suite("damaged media commands")
struct DamagedMediaCommandTests {
  @Test("envelope of a file with a damaged packet: exit 0 and one warning naming its media time")
  func damagedPacket() throws {
    let run = try runTool(["envelope", "damaged_packet.m4a", "--threads", "1"], in: TestPaths.testMedia)
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(run.stderr)")
    #expect(lines.first?.hasPrefix("mediaalign: warning: damaged_packet.m4a: stream #0: ") == true)
    #expect(lines.first?.contains("could not be decoded (at 10.4") == true, "\(run.stderr)")
    // Windows at 0.00…20.00 s (100 Hz) and the header: the gap is kept.
    #expect(run.stdout.split(separator: "\n").count == 2002)
  }

  @Test("a truncated MP4 with its index in front: the same one-line error on 1 and 2 threads")
  func truncatedSameForAnyThreads() throws {
    let sample = MediaTruth.load.sample
    var errors: [String] = []
    for threads in ["1", "2"] {
      let run = try runTool(
        ["align", "bad/truncated_faststart.mp4", sample.csv, "--threads", threads], in: TestPaths.testMedia)
      #expect(run.status == 1)
      errors.append(run.stderr)
    }
    #expect(errors[0] == errors[1])
    #expect(
      errors[0].hasPrefix("mediaalign: error: bad/truncated_faststart.mp4: the file is truncated: "), "\(errors[0])")
  }

  @Test("a FIFO named as the media is refused at once, not read")
  func fifo() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    #expect(mkfifo(dir.path("session.mp4"), 0o600) == 0)
    let csv = TestPaths.media(MediaTruth.load.sample.csv)
    for arguments in [["probe", "session.mp4"], ["align", "session.mp4", csv], ["envelope", "session.mp4"]] {
      let run = try runTool(arguments, in: dir.url)
      #expect(run.status == 1, "\(arguments)")
      #expect(
        run.stderr == "mediaalign: error: session.mp4: is a FIFO (named pipe), not a regular file; "
          + "save the media to a file first and name that file\n", "\(arguments): \(run.stderr)")
    }
  }
}
