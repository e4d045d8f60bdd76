/// Which Label Studio the output is for.
public enum Target: String, Sendable, CaseIterable, Codable {
  /// Label Studio ≥ 1.20: `<Video>`/`<Audio>` and `<TimeSeries>` in one
  /// `sync` group; the corrected CSV's `time` column is media time.
  case native
  /// Label Studio ≤ 1.4.1: the HyperText recipe, a `<video>` whose script
  /// maps the time series to media time through the clock map.
  case legacy
}

/// What plays beside the time series.
public enum MediaKind: String, Sendable, Codable {
  case video
  case audio

  /// The task data key holding the media (`$video` or `$audio`).
  public var variable: String { rawValue }
}

/// The labeling config (docs/labelstudio.md), for every task of one project.
public struct LabelConfig: Sendable, Equatable {
  public var target: Target
  public var media: MediaKind
  public var labels: [String]
  /// Lower-case column names of the corrected CSV, one `<Channel>` each.
  public var channels: [String]

  /// Names used in the config and the task data.
  public static let timeSeriesName = "ts"
  public static let labelsName = "label"
  public static let syncGroup = "media"
  public static let csvVariable = "csv"
  public static let frameRateVariable = "fps"
  /// Label Studio's own `<Video frameRate>` default, used only for a video
  /// whose frame rate is unknown (the task then carries a warning).
  public static let defaultFrameRate = 24.0
  /// The corrected CSV's media-time column (native) and sensor-time column (legacy).
  public static let mediaTimeColumn = "time"
  public static let sensorTimeColumn = "sensor_time"

  public init(target: Target, media: MediaKind, labels: [String], channels: [String]) {
    self.target = target
    self.media = media
    self.labels = labels
    self.channels = channels
  }

  /// The time column the `<TimeSeries>` reads.
  public var timeColumn: String {
    target == .native ? Self.mediaTimeColumn : Self.sensorTimeColumn
  }

  /// The config as XML.
  public var xml: String {
    let a = Escape.attribute
    var lines = ["<View>"]
    switch (target, media) {
    case (.native, .video):
      lines.append(
        "  <Video name=\"video\" value=\"$video\" sync=\"\(Self.syncGroup)\" frameRate=\"$\(Self.frameRateVariable)\"/>"
      )
    case (.native, .audio):
      lines.append("  <Audio name=\"audio\" value=\"$audio\" sync=\"\(Self.syncGroup)\"/>")
    case (.legacy, _):
      lines.append("  <HyperText name=\"\(media.variable)\" value=\"$\(media.variable)\" inline=\"true\"/>")
    }
    lines.append("  <TimeSeriesLabels name=\"\(Self.labelsName)\" toName=\"\(Self.timeSeriesName)\">")
    for label in labels { lines.append("    <Label value=\"\(a(label))\"/>") }
    lines.append("  </TimeSeriesLabels>")
    let sync = target == .native ? " sync=\"\(Self.syncGroup)\"" : ""
    lines.append(
      "  <TimeSeries name=\"\(Self.timeSeriesName)\" value=\"$\(Self.csvVariable)\" valueType=\"url\" timeColumn=\"\(a(timeColumn))\"\(sync)>"
    )
    for channel in channels { lines.append("    <Channel column=\"\(a(channel))\"/>") }
    lines.append("  </TimeSeries>")
    lines.append("</View>")
    return lines.joined(separator: "\n") + "\n"
  }

  /// The task data keys the config reads (`$name` in attribute values).
  public var variables: [String] { configVariables(xml) }
}

/// Every `$name` used as an attribute value in a labeling config, in order
/// of first use.
public func configVariables(_ xml: String) -> [String] {
  var names: [String] = []
  let bytes = Array(xml.utf8)
  var i = 0
  while i < bytes.count {
    // An attribute value starting with `$`: `="$name"` or `='$name'`.
    if bytes[i] == UInt8(ascii: "="), i + 2 < bytes.count, bytes[i + 1] == 34 || bytes[i + 1] == 39,
      bytes[i + 2] == UInt8(ascii: "$")
    {
      var j = i + 3
      while j < bytes.count, isNameByte(bytes[j]) { j += 1 }
      let name = String(decoding: bytes[(i + 3)..<j], as: UTF8.self)
      if !name.isEmpty && !names.contains(name) { names.append(name) }
      i = j
    } else {
      i += 1
    }
  }
  return names
}

private func isNameByte(_ b: UInt8) -> Bool {
  (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
}
