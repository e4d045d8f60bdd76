/// The clock scales (media seconds per sensor second) the estimator
/// searches.
///
/// `.plausible`, the default, is what real recorders do: a crystal or RC
/// clock within ±1.2 % of nominal (`mainBand`, ±12,000 ppm: far beyond the
/// tens to thousands of ppm real clocks drift, so a wrong nominal rate of
/// about 1 % is still found), and each common wrong nominal rate
/// (`nominalRatios`: 25 vs 24 Hz, 48 vs 44.1 kHz, NTSC's 1001/1000) within
/// ±3,000 ppm (`ratioBand`). Searching only these bands costs 0.06 of scale
/// width instead of the 0.2 that 0.9…1.1 would. `.range` is a continuous
/// interval (`--scale-range`).
public enum ScaleSpace: Sendable, Equatable {
  case plausible
  case range(ClosedRange<Double>)

  /// Half-width of the band around 1 (relative).
  public static let mainBand = 12_000e-6
  /// Half-width of the band around each nominal-rate ratio (relative).
  public static let ratioBand = 3_000e-6
  /// Drift beyond this (relative to 1 or to a ratio) is implausible for a
  /// real clock and named in a warning.
  public static let plausibleDrift = 3_000e-6

  /// Wrong nominal rates: the scale a sensor whose clock says `name`'s
  /// first rate but ran at its second would show.
  public static let nominalRatios: [(ratio: Double, name: String)] = [
    (25.0 / 24, "25/24 (a 25 Hz clock that ran at 24 Hz)"),
    (24.0 / 25, "24/25 (a 24 Hz clock that ran at 25 Hz)"),
    (48000.0 / 44100, "48000/44100 (48 kHz stamped on 44.1 kHz samples)"),
    (44100.0 / 48000, "44100/48000 (44.1 kHz stamped on 48 kHz samples)"),
  ]

  /// The searched intervals, ascending and disjoint.
  public var bands: [ClosedRange<Double>] {
    switch self {
    case .range(let range): return [range]
    case .plausible:
      var bands = [(1 - Self.mainBand)...(1 + Self.mainBand)]
      for (ratio, _) in Self.nominalRatios {
        bands.append((ratio * (1 - Self.ratioBand))...(ratio * (1 + Self.ratioBand)))
      }
      return bands.sorted { $0.lowerBound < $1.lowerBound }
    }
  }

  public func contains(_ scale: Double) -> Bool { bands.contains { $0.contains(scale) } }

  /// Scales `step` apart across every band (each band's ends included,
  /// and 1 when a band holds it).
  public func grid(step: Double) -> [Double] {
    var out: [Double] = []
    for band in bands {
      var s = band.lowerBound
      while s <= band.upperBound + 1e-12 {
        out.append(s)
        s += step
      }
      if band.contains(1) { out.append(1) }
    }
    return Array(Set(out)).sorted()
  }

  /// The nominal-rate ratio `scale` lies within `plausibleDrift` of, if any.
  public static func nominalRatio(near scale: Double) -> (ratio: Double, name: String)? {
    nominalRatios.first { abs(scale / $0.ratio - 1) <= plausibleDrift }
  }

  /// True when `scale` is a drift a real clock shows: within
  /// `plausibleDrift` of 1 or of a nominal-rate ratio.
  public static func isPlausible(_ scale: Double) -> Bool {
    abs(scale - 1) <= plausibleDrift || nominalRatio(near: scale) != nil
  }
}
