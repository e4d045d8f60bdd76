import Foundation
import MediaIO
import TestSupport
import Testing

@Suite("Bad input")
struct BadInputTests {
  @Test("each bad fixture fails with a message naming the file", arguments: MediaTruth.load.bad)
  func badFixture(_ bad: MediaTruth.Bad) {
    let path = TestPaths.media(bad.file)
    #expect {
      try probeMedia(path: path)
    } throws: { error in
      guard let error = error as? MediaError else { return false }
      let text = error.description
      return text.hasPrefix(path + ": ") && text.contains(bad.error) && !text.contains("\n")
    }
  }

  @Test("a missing path and a directory are named as such")
  func missingAndDirectory() {
    let missing = TestPaths.media("no-such-file.mp4")
    #expect(throws: MediaError.notFound(path: missing)) { try probeMedia(path: missing) }
    let directory = TestPaths.media("bad")
    #expect(throws: MediaError.isDirectory(path: directory)) { try probeMedia(path: directory) }
  }
}
