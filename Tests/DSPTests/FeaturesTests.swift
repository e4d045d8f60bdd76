import DSP
import Foundation
import Testing

@Suite("Signal features")
struct FeaturesTests {
  @Test("zero-phase low-pass: unit gain at DC, −6 dB at the cut-off, −24 dB an octave above, no shift of a pulse")
  func zeroPhaseLowPassResponse() {
    let rate = 100.0
    let cutoff = 4.0
    // DC passes unchanged, ends included (each pass starts in steady state).
    let dc = zeroPhaseLowPass([Double](repeating: 2.5, count: 500), cutoff: cutoff, rate: rate)
    #expect(dc.allSatisfy { abs($0 - 2.5) < 1e-9 })
    // Sines: the forward-backward gain is |H|², so −6.02 dB at the cut-off
    // and about −24 dB (|H|² of a 2nd-order Butterworth) an octave above.
    func gain(_ frequency: Double) -> Double {
      let x = (0..<4000).map { sin(2 * Double.pi * frequency * Double($0) / rate) }
      let y = zeroPhaseLowPass(x, cutoff: cutoff, rate: rate)
      let middle = 1000..<3000
      let power = { (s: [Double]) in middle.reduce(0.0) { $0 + s[$1] * s[$1] } }
      return 10 * log10(power(y) / power(x))
    }
    #expect(abs(gain(cutoff) - -6.02) < 0.3, "\(gain(cutoff)) dB at the cut-off")
    #expect(abs(gain(2 * cutoff) - -24.6) < 1.5, "\(gain(2 * cutoff)) dB an octave above")
    #expect(abs(gain(0.25 * cutoff)) < 0.1, "\(gain(0.25 * cutoff)) dB two octaves below")
    // An asymmetric pulse keeps its centroid (zero phase: no lag).
    var pulse = [Double](repeating: 0, count: 1000)
    for k in 400..<520 { pulse[k] = exp(-Double(k - 400) / 25) }
    let centroid = { (s: [Double]) in
      s.indices.reduce(0.0) { $0 + Double($1) * s[$1] } / s.reduce(0, +)
    }
    let smoothed = zeroPhaseLowPass(pulse, cutoff: cutoff, rate: rate)
    #expect(abs(centroid(smoothed) - centroid(pulse)) < 0.01, "\(centroid(smoothed)) vs \(centroid(pulse))")
    // A cut-off at or above 0.45 × rate leaves the signal alone.
    #expect(zeroPhaseLowPass(pulse, cutoff: 45, rate: rate) == pulse)
  }
}
