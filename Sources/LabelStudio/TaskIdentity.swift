/// The stable identity of a task: FNV-1a (64 bits, hex) of its media and CSV
/// paths, kept in `meta.mediaalign_id`. Re-running `tasks` on the same
/// recordings gives the same ids, so a push updates those tasks (and keeps
/// their annotations) instead of adding copies.
public enum TaskIdentity {
  public static let metaKey = "mediaalign_id"

  public static func id(media: String, csv: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in (media + "\u{0}" + csv).utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
