import Foundation
import MediaIO

/// The human-readable form of `probe`.
public enum ProbeText {
  public static func render(_ info: MediaInfo) -> String {
    let format = info.format
    var lines: [String] = []
    var head = "\(format.path): \(format.formatLongName ?? format.formatName)"
    if let duration = format.duration { head += ", \(seconds(duration)) s" }
    if let header = format.headerDuration {
      head += format.duration == nil ? ", \(seconds(header)) s (header)" : " (header \(seconds(header)) s)"
    }
    head += ", \(byteCount(format.sizeBytes))"
    lines.append(head)
    for stream in info.streams { lines.append("  " + describe(stream)) }
    for warning in info.warnings { lines.append("  warning: \(warning)") }
    return lines.joined(separator: "\n")
  }

  static func describe(_ stream: StreamInfo) -> String {
    var parts = ["#\(stream.index) \(stream.codecType.rawValue) \(stream.codecName)"]
    switch stream.codecType {
    case .video:
      if let width = stream.width, let height = stream.height { parts.append("\(width)x\(height)") }
      if let rate = stream.frameRate {
        let kind = stream.constantFrameRate.map { $0 ? "CFR" : "VFR (mean)" } ?? ""
        parts.append("\(String(format: "%.3f", rate)) fps \(kind)".trimmingCharacters(in: .whitespaces))
      }
      if stream.attachedPicture == true { parts.append("cover picture") }
      if let frames = stream.nbFrames { parts.append("\(frames) frames") }
    case .audio:
      if let rate = stream.sampleRate { parts.append("\(rate) Hz") }
      if let layout = stream.channelLayout { parts.append(layout) }
      if let samples = stream.nbSamples { parts.append("\(samples) samples") }
    default:
      break
    }
    if let start = stream.startTime { parts.append("start \(seconds(start)) s") }
    if let duration = stream.duration {
      var text = "\(seconds(duration)) s"
      if let method = stream.durationMethod { text += " (\(method.rawValue))" }
      parts.append(text)
    } else if let header = stream.headerDuration {
      parts.append("\(seconds(header)) s (header)")
    }
    parts.append("time base \(stream.timeBase)")
    return parts.joined(separator: ", ")
  }

  static func seconds(_ value: Double) -> String { String(format: "%.6f", value) }

  static func byteCount(_ bytes: Int64) -> String {
    if bytes >= 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
    if bytes >= 1 << 10 { return String(format: "%.1f KiB", Double(bytes) / 1024) }
    return "\(bytes) bytes"
  }
}
