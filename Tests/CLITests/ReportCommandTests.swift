import Foundation
import TestSupport
import Testing

/// `mediaalign report` on results of `align` for the bundled sample.
@Suite("report command")
struct ReportCommandTests {
  @Test("a media file named like markup: report and summary show it as text; the player finds it")
  func hostileName() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let s = MediaTruth.load.sample
    let hostile = "<img src=x onerror=alert(1)>.mp4"
    try FileManager.default.copyItem(atPath: TestPaths.media(s.media), toPath: dir.path(hostile))
    try FileManager.default.copyItem(atPath: TestPaths.media(s.csv), toPath: dir.path("sensor.csv"))
    let align = try runTool(["align", hostile, "sensor.csv", "--channel", s.channel, "--json"], in: dir.url)
    #expect(align.status == 0, "stderr: \(align.stderr)")
    _ = try dir.write("result.json", align.stdout)
    let run = try runTool(["report", "result.json", "-o", "report.html", "--markdown", "summary.md"], in: dir.url)
    #expect(run.status == 0, "stderr: \(run.stderr)")
    #expect(run.stdout.contains("1 result, 1 aligned, 0 rejected"))
    let html = try String(contentsOfFile: dir.path("report.html"), encoding: .utf8)
    #expect(!html.contains("<img"))
    #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;.mp4"))
    #expect(html.contains("<video src=\"%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.mp4\""))
    #expect(html.contains("✔ aligned"))
    // The truth is 2.5 s; the estimate is within 2 ms of it.
    #expect(html.contains("The sensor started 2.49") || html.contains("The sensor started 2.50"))
    // Plots were drawn from the signals: before/after overlays, zoom, correlation.
    #expect(html.contains("Before correction") && html.contains("Correlation around the chosen map"))
    let markdown = try String(contentsOfFile: dir.path("summary.md"), encoding: .utf8)
    #expect(markdown.contains("| aligned | 1.00 | &lt;img src=x onerror=alert(1)&gt;.mp4 | sensor.csv |"))
  }

  @Test("an unreadable result is listed and exits 1; the readable ones are still reported")
  func badResult() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let s = MediaTruth.load.sample
    let align = try runTool(["align", s.media, s.csv, "--channel", s.channel, "--json"], in: TestPaths.testMedia)
    let good = try dir.write("good.json", align.stdout)
    let bad = try dir.write("bad.json", "not json")
    let run = try runTool(["report", good, bad, "-o", dir.path("r.html")], in: TestPaths.testMedia)
    #expect(run.status == 1)
    #expect(run.stderr.contains("bad.json: left out: not an align result (not valid JSON)"), "\(run.stderr)")
    #expect(FileManager.default.fileExists(atPath: dir.path("r.html")))
  }
}
