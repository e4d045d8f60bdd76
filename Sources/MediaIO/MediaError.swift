/// Why a media file could not be probed or decoded. Each description is one
/// line that names the file, what is wrong and what to do.
public enum MediaError: Error, Sendable, CustomStringConvertible, Equatable {
  /// Nothing exists at the path.
  case notFound(path: String)
  /// The path is a directory.
  case isDirectory(path: String)
  /// The file has zero bytes.
  case emptyFile(path: String)
  /// The path names a FIFO, a device or a socket: reading it could block
  /// for ever or consume data another reader needs.
  case notRegularFile(path: String, kind: String)
  /// The file cannot be read (permissions, I/O).
  case unreadable(path: String, reason: String)
  /// FFmpeg could not open the file as media.
  case cannotOpen(path: String, underlying: FFmpegError)
  /// The file holds text (a CSV, a log, an HTML error page), not media.
  case textNotMedia(path: String, preview: String)
  /// The media data ends before the container's index says it should.
  case truncated(path: String, detail: String)
  /// More of a stream failed to decode than `DecodeDamage.tolerableShare`.
  case damaged(path: String, stream: Int, damage: DecodeDamage)
  /// Reading or decoding failed part-way.
  case readFailed(path: String, stream: Int?, underlying: FFmpegError)
  /// The file holds no audio stream (or not the one asked for).
  case noAudioStream(path: String, detail: String)
  /// No decoder for a stream's codec in this FFmpeg build.
  case noDecoder(path: String, stream: Int, codec: String)

  public var path: String {
    switch self {
    case .notFound(let path), .isDirectory(let path), .emptyFile(let path), .notRegularFile(let path, _),
      .damaged(let path, _, _), .unreadable(let path, _), .cannotOpen(let path, _), .textNotMedia(let path, _),
      .truncated(let path, _),
      .readFailed(let path, _, _), .noAudioStream(let path, _), .noDecoder(let path, _, _):
      return path
    }
  }

  public var description: String {
    switch self {
    case .notFound(let path):
      return "\(path): no such file; check the path"
    case .isDirectory(let path):
      return "\(path): is a directory, not a media file; name a file inside it"
    case .emptyFile(let path):
      return "\(path): the file is empty (0 bytes); copy or export it again"
    case .notRegularFile(let path, let kind):
      return "\(path): is a \(kind), not a regular file; save the media to a file first and name that file"
    case .damaged(let path, let stream, let damage):
      return "\(path): stream #\(stream) is damaged: \(damage.summary), more than "
        + "\(DecodeDamage.tolerablePercent) % of its packets; copy it again from the source or re-encode what plays"
    case .unreadable(let path, let reason):
      return "\(path): cannot read the file (\(reason)); check its permissions"
    case .cannotOpen(let path, let error):
      if error.logged == "moov atom not found" {
        return "\(path): not a playable MP4/MOV: the index (moov atom) is missing, "
          + "usually because the file is truncated or the recording was not finished; "
          + "copy it again or recover it (e.g. with untrunc)"
      }
      if error.isInvalidData {
        let detail = error.logged.map { " (\($0))" } ?? ""
        return "\(path): not a media file FFmpeg can read\(detail); "
          + "check that it is audio or video and not truncated"
      }
      return "\(path): cannot open as media: \(error); check that it is audio or video"
    case .textNotMedia(let path, let preview):
      return "\(path): holds text, not audio or video (it starts \"\(preview)\"); "
        + "name the media file here (a CSV goes in the CSV argument)"
    case .truncated(let path, let detail):
      return "\(path): the file is truncated: \(detail); copy it again from the source"
    case .readFailed(let path, let stream, let error):
      let location = stream.map { " in stream #\($0)" } ?? ""
      return "\(path): read error\(location): \(error); the file may be damaged, copy it again"
    case .noAudioStream(let path, let detail):
      return "\(path): \(detail)"
    case .noDecoder(let path, let stream, let codec):
      return "\(path): stream #\(stream): no decoder for codec '\(codec)' in this FFmpeg build; "
        + "convert the file (e.g. ffmpeg -i IN -c:a flac OUT.mkv)"
    }
  }
}
