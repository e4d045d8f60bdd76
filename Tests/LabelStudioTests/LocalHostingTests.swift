import LabelStudio
import Testing

@Suite("Local file hosting: Label Studio's document-root rules")
struct LocalHostingTests {
  @Test("the default root is strictly above every folder: their common ancestor, or its parent when it is one of them")
  func defaultRoot() {
    #expect(LocalHosting.documentRoot(forFolders: ["/data/study/media", "/data/study/out"]) == "/data/study")
    // The output folder inside the media folder: the ancestor is a folder with files.
    #expect(LocalHosting.documentRoot(forFolders: ["/data/study", "/data/study/out"]) == "/data")
    #expect(LocalHosting.documentRoot(forFolders: ["/data/study/"]) == "/data")
    #expect(LocalHosting.documentRoot(forFolders: ["/a/x", "/b/y"]) == "/")
    #expect(LocalHosting.documentRoot(forFolders: ["/a"]) == "/")
    // A shared name prefix is not a shared folder.
    #expect(LocalHosting.documentRoot(forFolders: ["/data/cam1", "/data/cam10"]) == "/data")
  }

  @Test("storage paths: the fewest folders holding the files, absolute, each strictly below the root")
  func storagePaths() {
    let hosting = LocalHosting(
      root: "/data/",
      files: ["/data/s/media/a.mp4", "/data/s/media/b.mp4", "/data/s/media/day2/c.mp4", "/data/out/a.aligned.csv"])
    #expect(hosting.root == "/data")
    #expect(hosting.folders == ["/data/out", "/data/s/media"])
    #expect(hosting.storagePaths == ["/data/out", "/data/s/media"])
    #expect(hosting.warnings.isEmpty)
    let setup = hosting.setup
    #expect(setup.documentRoot == "/data")
    #expect(setup.environment == ["LOCAL_FILES_SERVING_ENABLED": "true", "LOCAL_FILES_DOCUMENT_ROOT": "/data"])
  }

  @Test("a folder equal to the root or outside it is no storage path, and its warning names the root to use")
  func refusedFolders() {
    let hosting = LocalHosting(
      root: "/data/s", files: ["/data/s/a.mp4", "/data/s/out/a.aligned.csv", "/elsewhere/b.mp4"])
    #expect(hosting.folders == ["/data/s", "/elsewhere"])  // the output folder is inside the media's
    #expect(hosting.storagePaths.isEmpty)
    #expect(hosting.warnings.count == 2)
    #expect(
      hosting.warnings.contains {
        $0.hasPrefix("/data/s is the --url-root itself") && $0.hasSuffix("LOCAL_FILES_DOCUMENT_ROOT=/")
      })
    #expect(hosting.warnings.contains { $0.hasPrefix("/elsewhere is outside the --url-root /data/s") })
  }

  @Test("strictly below: not the folder itself, not a sibling sharing a name prefix; everything but / is below /")
  func strictlyBelow() {
    #expect(LocalHosting.isStrictlyBelow("/data/a", "/data"))
    #expect(!LocalHosting.isStrictlyBelow("/data", "/data"))
    #expect(!LocalHosting.isStrictlyBelow("/database", "/data"))
    #expect(LocalHosting.isStrictlyBelow("/x", "/"))
    #expect(!LocalHosting.isStrictlyBelow("/", "/"))
  }

  @Test("the task id depends on the media and the CSV only, and not on their concatenation")
  func taskIdentity() {
    let id = TaskIdentity.id(media: "/d/a.mp4", csv: "/d/a.csv")
    #expect(id == TaskIdentity.id(media: "/d/a.mp4", csv: "/d/a.csv"))
    #expect(id.count == 16 && id.allSatisfy(\.isHexDigit))
    #expect(id != TaskIdentity.id(media: "/d/a.mp4", csv: "/d/b.csv"))
    #expect(TaskIdentity.id(media: "/d/a", csv: "b") != TaskIdentity.id(media: "/d/", csv: "ab"))
  }
}
