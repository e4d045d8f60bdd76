import AlignKit
import ArgumentParser
import DSP

/// How the clock map is searched: shared by `align` and `batch`.
struct EstimatorOptions: ParsableArguments {
  @Option(
    help:
      "Scale search range, e.g. 0.95-1.05 (media seconds per sensor second; default: 1 ± 1.2 % and each wrong nominal rate 25/24, 24/25, 48000/44100, 44100/48000 ± 0.3 %)."
  )
  var scaleRange: String?

  @Option(help: "Minimum overlap as a fraction of the shorter recording.")
  var minOverlap: Double = 0.3

  @Option(help: "Largest offset to consider, seconds (default: any that leaves --min-overlap).")
  var maxOffset: Double?

  @Option(help: "The media's audio stream index (default: the first audio stream).")
  var stream: Int?

  @Option(
    help:
      "auto: one line, or pieces when the offset changes part-way (a clock jump, dropped rows); linear: one line only.")
  var model: ModelChoice = .auto

  func parsedScaleRange() -> ClosedRange<Double>? {
    guard let scaleRange else { return nil }
    let parts = scaleRange.split(separator: "-").compactMap { Double($0) }
    guard parts.count == 2, parts[0] > 0, parts[0] < parts[1] else { return nil }
    return parts[0]...parts[1]
  }

  func validate() throws {
    if let scaleRange, parsedScaleRange() == nil {
      throw ValidationError("--scale-range must be LOW-HIGH with 0 < LOW < HIGH, e.g. 0.95-1.05; got '\(scaleRange)'.")
    }
    guard minOverlap > 0 && minOverlap <= 1 else { throw ValidationError("--min-overlap must be in (0, 1].") }
  }

  func apply(to options: inout AlignOptions) {
    options.estimator.scales = parsedScaleRange().map(ScaleSpace.range) ?? .plausible
    options.estimator.minimumOverlapFraction = minOverlap
    options.estimator.maximumOffset = maxOffset
    options.streamIndex = stream
    options.estimator.piecewise = model == .auto
  }

  /// The same options as `align` arguments (for `batch`'s child processes).
  var arguments: [String] {
    var out = ["--min-overlap", "\(minOverlap)"]
    if let scaleRange { out += ["--scale-range", scaleRange] }
    if let maxOffset { out += ["--max-offset", "\(maxOffset)"] }
    if let stream { out += ["--stream", "\(stream)"] }
    if model != .auto { out += ["--model", model.rawValue] }
    return out
  }
}

/// `--model`: which clock maps align may return.
enum ModelChoice: String, CaseIterable, ExpressibleByArgument {
  /// One line, or pieces when the offset changes part-way.
  case auto
  /// One line only.
  case linear
}
