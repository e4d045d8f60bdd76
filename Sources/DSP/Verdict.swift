/// Whether an estimate can be trusted, and if not, why not.
public enum Verdict: Sendable, Equatable {
  case aligned
  case rejected(Rejection)

  /// The rejection, when there is one.
  public var rejection: Rejection? {
    if case .rejected(let rejection) = self { return rejection }
    return nil
  }
}

/// Why the estimator refused an estimate. `description` is the plain
/// sentence the result's `reason` carries; `narrowingHelps` says when
/// limiting the searched offsets (the CLI's `--max-offset`) is the advice,
/// so that the layer that knows the flags can add it.
public enum Rejection: Sendable, Equatable, CustomStringConvertible {
  /// Under 2 s of either signal, or under 20 samples of the other.
  case tooShort
  /// No offset and scale in the search space overlap by `minimumSeconds`.
  case noOverlap(minimumSeconds: Double)
  /// Fewer than 3 windows correlate clearly.
  case fewWindows(usable: Int, of: Int)
  /// The windows' agreement gives a confidence under the threshold;
  /// `pieces` is 1 for a line, more for a piecewise map.
  case disagreeing(agreeing: Int, of: Int, confidence: Double, pieces: Int)
  /// The map's overlap is shorter than the minimum.
  case overlapTooShort(seconds: Double, minimumSeconds: Double)
  /// The fitted scale lies outside the searched scales.
  case scaleOutOfRange(scale: Double)
  /// Two candidates' maps fit almost equally well: the signal repeats.
  case rivalMaps(offset: Double, rivalOffset: Double)
  /// Shifting the map by a period fits `ratio` as well as the map itself.
  case periodic(ratio: Double)

  /// True for the repeating signals, which a narrower offset search can
  /// disambiguate.
  public var narrowingHelps: Bool {
    switch self {
    case .rivalMaps, .periodic: return true
    default: return false
    }
  }

  public var description: String {
    /// Truncated (not rounded) to 3 decimals, as the messages always were.
    func millis(_ x: Double) -> Double { Double(Int(x * 1000)) / 1000 }
    switch self {
    case .tooShort:
      return "too short to align (under 2 s or 20 samples)"
    case .noOverlap(let minimum):
      return "the recordings do not overlap by the minimum (\(Int(minimum)) s) at any offset and scale"
    case .fewWindows(let usable, let total):
      return "too few windows correlate clearly (\(usable) of \(total)); the signals may be unrelated"
    case .disagreeing(let agreeing, let total, let confidence, let pieces):
      let map = pieces > 1 ? "agree with a \(pieces)-piece clock map" : "agree on one clock map"
      return "only \(agreeing) of \(total) windows \(map) (confidence \(millis(confidence)))"
    case .overlapTooShort(let seconds, let minimum):
      return "the overlap (\(Int(seconds)) s) is under the minimum (\(Int(minimum)) s)"
    case .scaleOutOfRange(let scale):
      return "the fitted scale \(scale) is outside the searched scales"
    case .rivalMaps(let offset, let rival):
      return
        "two clock maps fit almost equally well (offsets \(millis(offset)) s and \(millis(rival)) s): the signal repeats"
    case .periodic(let ratio):
      return
        "the signals repeat: shifting the map by a period fits \(Int((ratio * 100).rounded())) % as well; no offset can be trusted"
    }
  }
}

extension ClockEstimator.Estimate {
  /// `verdict == .aligned`.
  public var aligned: Bool { verdict == .aligned }
}
