import Foundation
import Reports
import Testing

func entry(
  media: String = "a.mp4", other: String = "a.csv", aligned: Bool = true, confidence: Double = 0.9,
  offset: Double = 3.217, scale: Double = 1.000412, warnings: [String] = [], signals: ReportSignals? = nil
) -> ReportEntry {
  ReportEntry(
    resultPath: "r.json", mediaPath: media, otherPath: other, otherIsMedia: false, channel: "level", aligned: aligned,
    confidence: confidence, offset: offset, scale: scale, uncertaintyMs: 1.8, csvOrigin: 1_700_000_000.25,
    overlap: 3.2...600, model: "linear", mediaFacts: [("container", "mp4")], warnings: warnings,
    reason: aligned ? nil : "too few windows agree",
    windows: [.init(mediaTime: 30, lagMs: 0.4, quality: 0.9, inlier: true)],
    signals: signals, signalNote: signals == nil ? "media not found" : nil, playerURL: signals == nil ? nil : media,
    playerIsVideo: true)
}

@Suite("report rendering")
struct ReportTests {
  @Test("the clock map in plain words, both signs")
  func plainWords() {
    #expect(entry().plainWords == "The sensor started 3.217 s after the media and its clock runs 412 ppm slow.")
    #expect(
      entry(offset: -12.3, scale: 0.999).plainWords
        == "The sensor started 12.300 s before the media and its clock runs 1000 ppm fast.")
  }

  @Test("min/max reduction: one pair per column, NaN skipped, empty columns NaN")
  func minMax() {
    let series = MinMaxSeries(
      times: [0, 0.5, 1.2, 1.7, 3.5], values: [1, 3, .nan, 2, 9], range: 0...4, columns: 4)
    #expect(series.step == 1)
    #expect(series.mins[0] == 1 && series.maxs[0] == 3)
    #expect(series.mins[1] == 2 && series.maxs[1] == 2)
    #expect(series.mins[2].isNaN && series.maxs[2].isNaN)
    #expect(series.mins[3] == 9)
  }

  @Test("a hostile file name shows as text; nothing from inputs becomes markup")
  func escaping() {
    let hostile = "<img src=x onerror=alert(1)>.mp4"
    let html = HTMLReport.render([entry(media: hostile, warnings: ["<script>alert(2)</script>"]), entry()])
    #expect(!html.contains("<img"))
    #expect(!html.contains("<script>alert"))
    #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;.mp4"))
    let markdown = MarkdownReport.render([
      entry(media: "a|b<i>.mp4"), entry(media: "*x*_y_`c`[l](u)![i](v)~~s~~#h\\e\r\nrow.mp4"),
    ])
    #expect(markdown.contains("a\\|b&lt;i&gt;.mp4"))
    #expect(
      markdown.contains("| \\*x\\*\\_y\\_\\`c\\`\\[l\\](u)\\!\\[i\\](v)\\~\\~s\\~\\~\\#h\\\\e row.mp4 |"), "\(markdown)"
    )
    // Each entry is one table row: the line break did not end it.
    #expect(markdown.split(separator: "\n").count == 6, "\(markdown)")
  }

  @Test("several results: summary table with rejected and warned items first, linked sections, histograms")
  func summary() throws {
    let html = HTMLReport.render([
      entry(media: "good.mp4", confidence: 0.99), entry(media: "bad.mp4", aligned: false, confidence: 0.1),
      entry(media: "warned.mp4", confidence: 0.95, warnings: ["audio is 40 ms longer than video"]),
    ])
    let body = try #require(html.range(of: "<tbody>").map { html[$0.upperBound...] })
    let order = ["bad.mp4", "warned.mp4", "good.mp4"].map { body.range(of: $0)!.lowerBound }
    #expect(order == order.sorted())
    #expect(html.contains("<a href=\"#r1\">✘ rejected</a>"))
    #expect(html.contains("id=\"r1\""))
    #expect(html.contains("<h3>Offsets (s)</h3>") && html.contains("<h3>Drift (ppm)</h3>"))
    // One result: no table.
    #expect(!HTMLReport.render([entry()]).contains("<table class=\"summary"))
  }

  @Test("the review player carries the map and the plot's mapping for its cursor")
  func player() {
    let band = MinMaxSeries(start: 0, step: 1, mins: [0, 0.2], maxs: [1, 0.8])
    let signals = ReportSignals(
      mediaRange: 0...2, envelope: band, before: band, after: band, zoomEnvelope: Curve(xs: [], ys: []),
      zoomSensor: Curve(xs: [], ys: []), correlation: Curve(xs: [-10, 0, 10], ys: [0.1, 0.9, 0.2]))
    let html = HTMLReport.render([entry(media: "x y.mp4", signals: signals)])
    #expect(html.contains("data-offset=\"3.217\" data-scale=\"1.000412\" data-origin=\"1700000000.25\""))
    #expect(html.contains("<video src=\"x%20y.mp4\""))
    #expect(html.contains("data-x0=\"0.0\" data-x1=\"2.0\""))
    #expect(!html.contains("http://") && !html.contains("https://"))
  }
}
