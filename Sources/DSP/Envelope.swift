import Foundation

/// An audio energy envelope on a uniform grid of the media clock.
///
/// Value `i` is the RMS of the samples whose media time lies in the window
/// `[t − 0.5/rate, t + 0.5/rate)` centred on `t = (firstIndex + i) / rate`
/// seconds. Grid points are multiples of `1/rate` on the media clock, so
/// envelopes of different files at the same rate share a grid. Windows at the
/// edges of the audio average the samples they hold; windows inside a gap in
/// the audio's timestamps hold none and are 0 (silence, as a player renders a
/// gap).
public struct Envelope: Sendable, Equatable {
  /// Grid points per second (Hz).
  public var rate: Double
  /// Grid index of `values[0]`: its time is `firstIndex / rate`.
  public var firstIndex: Int
  /// Linear RMS, full scale 1.0.
  public var values: [Float]
  /// Empty, or one array per `AudioBands` band, aligned with `values`:
  /// the RMS of the window's samples within the band, so
  /// that the bands' mean squares sum to about the window's own.
  public var bands: [[Float]]

  public init(rate: Double, firstIndex: Int, values: [Float], bands: [[Float]] = []) {
    self.rate = rate
    self.firstIndex = firstIndex
    self.values = values
    self.bands = bands
  }

  /// Media time of value `i`, seconds.
  public func time(at i: Int) -> Double { Double(firstIndex + i) / rate }

  /// The values in decibels full scale, `20·log10(rms)`, floored at
  /// `floor` dB (silence would be −∞).
  public func decibels(floor: Float = -120) -> [Float] {
    let minimum = Float(pow(10, Double(floor) / 20))
    return values.map { 20 * log10(Swift.max($0, minimum)) }
  }
}
