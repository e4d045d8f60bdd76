internal import CFFmpeg
import Foundation

/// Packets of one audio stream that the decoder refused, as `ffmpeg` skips
/// them: the samples they held are missing (the next frame's timestamp
/// leaves a gap) and everything else decodes as usual.
///
/// A stream is refused (`MediaError.damaged`) only when more than
/// `tolerableShare` of its packets fail; below that the readers go on and
/// callers report `summary` as a warning.
public struct DecodeDamage: Sendable, Equatable {
  /// 1 %: a flipped byte or a bad sector costs a packet or two; a share
  /// this large means the file (or the codec) is wrong, not a packet.
  public static let tolerableShare = 0.01
  static let tolerablePercent = Int(tolerableShare * 100)
  /// How many packet times `times` keeps (the count goes on).
  static let keptTimes = 8

  /// Packets handed to the decoder.
  public private(set) var packets = 0
  /// Packets it refused.
  public private(set) var damagedPackets = 0
  /// Media time (seconds) of the first refused packets, at most `keptTimes`.
  public private(set) var times: [Double] = []
  /// The decoder's reason for the first refusal.
  public private(set) var firstReason: String?
  /// Seconds of media the refused packets held, by their durations.
  public private(set) var lostSeconds = 0.0

  public init() {}

  public var isEmpty: Bool { damagedPackets == 0 }

  /// Whether the damage is within `tolerableShare` of the packets.
  public var isTolerable: Bool { Double(damagedPackets) <= Self.tolerableShare * Double(max(1, packets)) }

  mutating func countPacket() { packets += 1 }

  mutating func record(time: Double?, lasting seconds: Double = 0, reason: FFmpegError) {
    damagedPackets += 1
    lostSeconds += seconds
    if let time, times.count < Self.keptTimes { times.append(time) }
    if firstReason == nil { firstReason = reason.logged ?? reason.reason }
  }

  /// Adds another range's count (split reads).
  public mutating func merge(_ other: DecodeDamage) {
    packets += other.packets
    damagedPackets += other.damagedPackets
    lostSeconds += other.lostSeconds
    times = Array((times + other.times).sorted().prefix(Self.keptTimes))
    if firstReason == nil { firstReason = other.firstReason }
  }

  /// "2 of 5,625 packets could not be decoded (at 60.117 s, 60.139 s:
  /// Input buffer exhausted before END element found) and were skipped".
  public var summary: String {
    let at = times.map { String(format: "%.3f s", $0) }.joined(separator: ", ")
    let more = damagedPackets > times.count ? ", …" : ""
    let reason = firstReason.map { ": \($0)" } ?? ""
    return "\(damagedPackets) of \(packets) packets could not be decoded (at \(at)\(more)\(reason))"
  }

  /// The warning every command gives for tolerable damage: "stream #0: 1 of
  /// 939 packets could not be decoded (…) and were skipped, as ffmpeg skips them".
  public func warning(stream: Int) -> String {
    "stream #\(stream): \(summary) and were skipped, as ffmpeg skips them"
  }

  /// Throws `MediaError.damaged` above `tolerableShare`.
  public func check(path: String, stream: Int) throws(MediaError) {
    if !isTolerable { throw .damaged(path: path, stream: stream, damage: self) }
  }
}

extension Decoder {
  /// Sends `packet`; one the decoder refuses (any failure but running out
  /// of memory: FFmpeg's AAC decoder, for one, answers some damage with
  /// EPERM) is counted in
  /// `damage` (at its timestamp, `timeBase` seconds a tick) and skipped.
  func send(
    _ packet: borrowing Packet, timeBase: (num: Int64, den: Int64), damage: inout DecodeDamage
  ) throws(FFmpegError) {
    damage.countPacket()
    do {
      try send(packet)
    } catch  where error.isPacketDamage {
      let tick = Double(timeBase.num) / Double(max(1, timeBase.den))
      let time = (packet.pts ?? packet.dts).map { Double($0) * tick }
      damage.record(time: time, lasting: Double(max(0, packet.duration)) * tick, reason: error)
    }
  }

  /// `receive(into:)`, where a frame the decoder fails (as in `send`) is
  /// counted in `damage` and the next one is tried (up to 16 in a row).
  func receive(into frame: borrowing Frame, damage: inout DecodeDamage) throws(FFmpegError) -> DecoderOutput {
    for _ in 0..<16 {
      do {
        return try receive(into: frame)
      } catch  where error.isPacketDamage {
        damage.record(time: nil, reason: error)
      }
    }
    return .needsInput
  }
}

extension FFmpegError {
  /// A decoder's failure on one packet's data, which `ffmpeg` reports and
  /// skips: anything but running out of memory or the send/receive protocol's
  /// own codes.
  var isPacketDamage: Bool {
    code != cffmpeg_enomem && code != cffmpeg_eagain && code != cffmpeg_eof
  }
}
