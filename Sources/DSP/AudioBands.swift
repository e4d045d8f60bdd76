import Foundation

/// Frequency bands of the audio, for sensors that hear only part of the
/// spectrum (a contact microphone, a piezo, a band-limited level meter):
/// the media's energy in the band a sensor hears follows that sensor far
/// better than the broadband RMS, which the loudest band dominates.
///
/// Band `b` holds the frequencies `[edges[b], edges[b + 1])` Hz; the last
/// band runs to the Nyquist frequency. Window `k`'s bands come from a frame
/// of `frameWindows` envelope windows centred on it (30 ms at 100 Hz): a
/// Hann window over its samples, zero-padded to `RealFFT.goodSize`, whose
/// main lobe is ±2 bins (±67 Hz at 30 ms; a 10 ms frame's ±200 Hz let the
/// lowest band, below 200 Hz, follow 200–400 Hz as much as its own, so it
/// could not follow a contact microphone that hears 40–130 Hz). The lowest
/// band also holds any DC offset. A band above the Nyquist frequency is all
/// zeros. (Splitting the lowest band at 100 Hz was measured and not kept:
/// on the stress benchmark it aligned one fewer case and added a
/// confident-wrong one, the extra choice fitting noise.)
public enum AudioBands {
  /// Band edges, Hz (7 bands).
  public static let edges: [Double] = [0, 200, 400, 800, 1600, 3200, 6400]
  public static var count: Int { edges.count }
  /// The length of one band frame, in envelope windows (centred on its
  /// window's centre).
  public static let frameWindows = 3.0

  /// The band's range, Hz (`upper` infinite for the last).
  public static func range(_ band: Int) -> (lower: Double, upper: Double) {
    (edges[band], band + 1 < edges.count ? edges[band + 1] : .infinity)
  }
}

/// The FFT workspace that splits one band frame's samples into
/// `AudioBands` mean squares. An `EnvelopeAccumulator` owns one and copies it
/// before writing when it is shared (copy-on-write), so accumulator copies
/// never share a mutable workspace.
final class BandSpectrum: @unchecked Sendable {
  let fft: RealFFT
  let sampleRate: Double
  /// The bins of each band (empty above the Nyquist frequency).
  private let bandBins: [Range<Int>]
  /// One-sided spectrum weights: 1 for DC and Nyquist, 2 between.
  private let binWeight: [Double]
  private var power: [Double]
  /// Hann windows by length, with the mean of their squares.
  private var windows: [Int: (w: [Double], meanSquare: Double)] = [:]

  /// - Parameters:
  ///   - maximumLength: the most samples a frame holds.
  ///   - sampleRate: Hz.
  init(maximumLength: Int, sampleRate: Double) {
    let size = RealFFT.goodSize(atLeast: max(2, maximumLength))
    fft = RealFFT(size: size)
    self.sampleRate = sampleRate
    let bins = size / 2 + 1
    let binBand = (0..<bins).map { k in
      let frequency = Double(k) * sampleRate / Double(size)
      return (AudioBands.edges.lastIndex { $0 <= frequency }) ?? 0
    }
    // Bands are contiguous runs of bins (frequencies ascend).
    bandBins = (0..<AudioBands.count).map { b in
      guard let first = binBand.firstIndex(of: b), let last = binBand.lastIndex(of: b) else { return 0..<0 }
      return first..<(last + 1)
    }
    binWeight = (0..<bins).map { k in k == 0 || (size % 2 == 0 && k == bins - 1) ? 1 : 2 }
    power = [Double](repeating: 0, count: bins)
  }

  /// A fresh workspace of the same size and rate.
  func copy() -> BandSpectrum { BandSpectrum(maximumLength: fft.size, sampleRate: sampleRate) }

  /// Adds the mean square (Σx²/`count` over the frame, Hann-weighted and
  /// split by band) of `count` samples to `sums[0..<AudioBands.count]`.
  func meanSquares(of x: UnsafePointer<Float>, count: Int, into sums: UnsafeMutablePointer<Float>) {
    guard count > 1 else {
      if count == 1 { sums[0] += x[0] * x[0] }
      return
    }
    let window = hann(count)
    power.withUnsafeMutableBufferPointer { power in
      fft.power(into: power) { input in
        for i in 0..<count { input[i] = Double(x[i]) * window.w[i] }
        for i in count..<input.count { input[i] = 0 }
      }
      // Parseval: Σ (w·x)² = (1/N) Σ_k c_k |X_k|²; divided by the window's
      // mean square and the count, a mean square of x.
      let norm = 1 / (Double(fft.size) * window.meanSquare * Double(count))
      for b in 0..<AudioBands.count {
        var energy = 0.0
        for k in bandBins[b] { energy += binWeight[k] * power[k] }
        sums[b] = Float(Double(sums[b]) + energy * norm)
      }
    }
  }

  private func hann(_ length: Int) -> (w: [Double], meanSquare: Double) {
    if let cached = windows[length] { return cached }
    let w = (0..<length).map { 0.5 - 0.5 * cos(2 * Double.pi * (Double($0) + 0.5) / Double(length)) }
    let entry = (w, w.reduce(0) { $0 + $1 * $1 } / Double(length))
    windows[length] = entry
    return entry
  }
}
