internal import CFFmpeg

/// A failed FFmpeg call: the function's name, its return code, and — where
/// FFmpeg only logged the reason — the message it logged.
///
/// `description` reads like `avformat_open_input: Invalid data found when
/// processing input (moov atom not found)`.
public struct FFmpegError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The negative `AVERROR` code the call returned.
  public var code: Int32
  /// The FFmpeg function that failed, such as `av_read_frame`.
  public var function: String
  /// What FFmpeg logged at error level during the call, if anything.
  public var logged: String?

  public init(code: Int32, function: String, logged: String? = nil) {
    self.code = code
    self.function = function
    self.logged = logged
  }

  /// `av_strerror`'s text for `code`.
  public var reason: String {
    var buffer = [CChar](repeating: 0, count: 128)
    av_strerror(code, &buffer, buffer.count)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  public var description: String {
    var text = "\(function): \(reason)"
    if let logged, !logged.isEmpty, logged != reason { text += " (\(logged))" }
    return text
  }

  static let outOfMemory = FFmpegError(code: cffmpeg_enomem, function: "av_malloc")
  var isInvalidData: Bool { code == cffmpeg_invaliddata }
}

/// Routes FFmpeg's log through MediaIO's capture once per process, so the
/// reason for a failure reaches the error message and FFmpeg prints nothing
/// itself. Set `MEDIAALIGN_FFMPEG_LOG=warning` (or `error`, `info`, `debug`)
/// to see FFmpeg's own log on stderr as well.
enum FFmpegLog {
  static let installed: Void = {
    let level: Int32
    switch Environment.value("MEDIAALIGN_FFMPEG_LOG") {
    case "error": level = AV_LOG_ERROR
    case "warning": level = AV_LOG_WARNING
    case "info": level = AV_LOG_INFO
    case "debug": level = AV_LOG_DEBUG
    default: level = -1
    }
    cffmpeg_install_log_capture(level)
  }()

  static func clear() {
    _ = installed
    cffmpeg_clear_last_error()
  }

  static var lastError: String? {
    let text = String(cString: cffmpeg_last_error())
    return text.isEmpty ? nil : text
  }
}

/// Checks an FFmpeg return code: negative codes throw, keeping the function's
/// name and what FFmpeg logged; others are returned.
@discardableResult
func check(_ function: String, _ code: Int32) throws(FFmpegError) -> Int32 {
  if code < 0 {
    throw FFmpegError(code: code, function: function, logged: FFmpegLog.lastError)
  }
  return code
}
