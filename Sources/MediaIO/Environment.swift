internal import CFFmpeg

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

enum Environment {
  static func value(_ name: String) -> String? {
    guard let raw = getenv(name) else { return nil }
    return String(cString: raw)
  }
}

/// Process-wide memory settings for commands that decode long files.
public enum ProcessMemory {
  /// Makes glibc map every block over 128 KiB on its own and unmap it when
  /// freed. By default glibc raises that threshold to the largest block
  /// freed so far and keeps later blocks of that size in its heap: the MP4
  /// demuxer frees its first index (4 MB for an hour of AAC) while
  /// rebuilding it for the edit list, and the memory stays taken for the
  /// rest of the run (2 MB more peak RSS for an hour's envelope, no faster).
  public static func returnLargeBlocksWhenFreed() {
    cffmpeg_fix_mmap_threshold(128 << 10)
  }
}
