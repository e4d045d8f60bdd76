import Foundation
import FoundationXML
import LabelStudio
import Testing
import TimeSeries

/// The parsed attributes of the elements named `tag` in `xml`.
func elements(_ tag: String, in xml: String) throws -> [[String: String]] {
  let document = try XMLDocument(xmlString: xml)
  return try document.nodes(forXPath: "//\(tag)").map { node in
    let element = try #require(node as? XMLElement)
    var attributes: [String: String] = [:]
    for attribute in element.attributes ?? [] { attributes[attribute.name ?? ""] = attribute.stringValue ?? "" }
    return attributes
  }
}

@Suite("Label Studio config")
struct LabelConfigTests {
  @Test("native video: Video and TimeSeries share one sync group; frameRate from $fps; one Channel per column")
  func nativeVideo() throws {
    let config = LabelConfig(target: .native, media: .video, labels: ["Run", "Walk"], channels: ["ax", "level_db"])
    let xml = config.xml
    let video = try #require(try elements("Video", in: xml).first)
    #expect(video == ["name": "video", "value": "$video", "sync": "media", "frameRate": "$fps"])
    let series = try #require(try elements("TimeSeries", in: xml).first)
    #expect(series["sync"] == video["sync"])
    #expect(series["value"] == "$csv" && series["valueType"] == "url" && series["timeColumn"] == "time")
    #expect(try elements("Channel", in: xml).map { $0["column"] } == ["ax", "level_db"])
    #expect(try elements("Label", in: xml).map { $0["value"] } == ["Run", "Walk"])
    let labels = try #require(try elements("TimeSeriesLabels", in: xml).first)
    #expect(labels["toName"] == series["name"])
    #expect(config.variables == ["video", "fps", "csv"])
  }

  @Test("native audio-only: Audio, no frameRate")
  func nativeAudio() throws {
    let xml = LabelConfig(target: .native, media: .audio, labels: ["Event"], channels: ["x"]).xml
    #expect(try elements("Audio", in: xml).first == ["name": "audio", "value": "$audio", "sync": "media"])
    #expect(try elements("Video", in: xml).isEmpty)
    #expect(configVariables(xml) == ["audio", "csv"])
  }

  @Test("legacy: HyperText inline, TimeSeries on sensor_time, no sync attribute")
  func legacy() throws {
    let xml = LabelConfig(target: .legacy, media: .video, labels: ["Run"], channels: ["x"]).xml
    #expect(try elements("HyperText", in: xml).first == ["name": "video", "value": "$video", "inline": "true"])
    let series = try #require(try elements("TimeSeries", in: xml).first)
    #expect(series["timeColumn"] == "sensor_time" && series["sync"] == nil)
  }

  @Test("labels and channel names from inputs are escaped and round-trip through an XML parser")
  func escaping() throws {
    let hostile = "<img src=x onerror=alert(1)> \"q\" & 'a'"
    let xml = LabelConfig(target: .native, media: .video, labels: [hostile], channels: [hostile]).xml
    #expect(!xml.contains("<img"))
    #expect(try elements("Label", in: xml).first?["value"] == hostile)
    #expect(try elements("Channel", in: xml).first?["column"] == hostile)
  }

  @Test("validation names a variable missing from a task and a column missing from its CSV")
  func validation() {
    let config = LabelConfig(target: .native, media: .video, labels: ["Run"], channels: ["ax"])
    let good = LabelStudioTask(data: ["video": .string("v.mp4"), "csv": .string("c.csv"), "fps": .number(25)])
    let noFPS = LabelStudioTask(data: ["video": .string("v.mp4"), "csv": .string("c.csv")])
    let problems = validate(
      config: config, tasks: [good, noFPS, good], headers: [["time", "ax"], ["time", "ax"], ["time", "ay"]])
    #expect(problems.map(\.task) == [1, 2])
    #expect(problems[0].description == "task data has no 'fps', which the config reads as $fps")
    #expect(problems[1].description == "its CSV has no column 'ax' (it has time, ay)")
  }
}

@Suite("Label Studio URLs")
struct FileURLTests {
  @Test("local-files prefix: the path below the root, percent-encoded as a query value")
  func localFiles() throws {
    let urls = FileURLs(prefix: FileURLs.localFilesPrefix, root: "/data/")
    #expect(try urls.url(forFile: "/data/rec 1/a&b+ü.mp4") == "/data/local-files/?d=rec%201/a%26b%2B%C3%BC.mp4")
    #expect(urls.isLocal && urls.isQuery)
    #expect(throws: FileURLs.Failure.outsideRoot(path: "/other/a.mp4", root: "/data")) {
      try urls.url(forFile: "/other/a.mp4")
    }
    // A sibling folder whose name starts like the root is outside it.
    #expect(throws: FileURLs.Failure.self) { try urls.url(forFile: "/data2/a.mp4") }
  }

  @Test("http base: a slash is added between base and path")
  func http() throws {
    let urls = FileURLs(prefix: "https://media.example.org/set", root: "/srv")
    #expect(try urls.url(forFile: "/srv/x/y z.csv") == "https://media.example.org/set/x/y%20z.csv")
    #expect(!urls.isLocal)
  }
}

@Suite("legacy player")
struct LegacyPlayerTests {
  @Test("the map's numbers are embedded at full precision and the script survives its attribute")
  func embedded() throws {
    let player = LegacyPlayer(
      media: .video, url: "/data/local-files/?d=a\" onerror=\"alert(1).mp4",
      map: ClockMap(offset: -3.2174000000000001, scale: 1.000412, csvOrigin: 1_700_000_000.25))
    let html = player.html
    let video = try #require(try elements("video", in: html).first)
    #expect(video["src"] == player.url)
    #expect(video["onerror"] == nil)
    #expect(video["onloadeddata"] == player.script)
    #expect(player.script.contains("P=[[1700000000.25,-3.2174,1.000412]],C=1700000000.25"))
    #expect(!html.contains("<script"))
  }

  @Test("a piecewise map embeds every piece, in order")
  func piecewise() throws {
    let player = LegacyPlayer(
      media: .audio, url: "/data/a.m4a",
      map: ClockMap(
        offset: 1.5, scale: 0.9995, csvOrigin: 1000,
        pieces: [.init(csvStart: 1000, offset: 1.5, scale: 0.9995), .init(csvStart: 1055, offset: 3.5, scale: 0.9995)]))
    #expect(player.script.contains("P=[[1000.0,1.5,0.9995],[1055.0,3.5,0.9995]],C=1000.0"))
    let audio = try #require(try elements("audio", in: player.html).first)
    #expect(audio["onloadeddata"] == player.script)
  }

  @Test("JavaScript strings escape quotes, backslashes, line breaks and markup")
  func javaScript() {
    #expect(Escape.javaScriptString("a'b\\c\n</script>") == "'a\\'b\\\\c\\u000a\\u003c/script\\u003e'")
    #expect(Escape.attribute("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;")
  }
}
