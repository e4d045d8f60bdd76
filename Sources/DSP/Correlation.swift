/// Overlap-normalised cross-correlation of a weighted signal `a` against a
/// reference `m`, for every lag at once through FFTs.
///
/// For lag `L`, sample `j` of `a` faces sample `j + L` of `m`; the Pearson
/// correlation is taken over the overlapping samples, weighted by `w`
/// (0 where `a` is missing):
///
///     r(L) = cov_w(a_j, m_{j+L}) / √(var_w(a) · var_w(m))   over j in overlap
///
/// so a short overlap is not penalised by its size (but must reach
/// `minimumOverlap` weighted samples). Lags run from `-(a.count - 1)` to
/// `m.count - 1`. Cost: O((n + m) log(n + m)) per call, with the
/// reference's spectra cached.
public final class Correlator {
  public let reference: [Double]
  private var fft: RealFFT?
  private var referenceSpectrum: [Double] = []
  private var squaresSpectrum: [Double] = []

  public init(reference: [Double]) {
    self.reference = reference
  }

  private func prepare(size: Int) -> RealFFT {
    if let fft, fft.size == size { return fft }
    let made = RealFFT(size: size)
    referenceSpectrum = made.forward(reference)
    squaresSpectrum = made.forward(reference.map { $0 * $0 })
    fft = made
    return made
  }

  /// Correlation per lag; `lags.lowerBound` is the lag of `r[0]`.
  public func correlate(_ a: [Double], weights w: [Double], minimumOverlap: Double) -> (lags: Range<Int>, r: [Double]) {
    precondition(a.count == w.count)
    let nm = reference.count
    let na = a.count
    guard nm > 0, na > 0 else { return (0..<0, []) }
    let fft = prepare(size: RealFFT.goodSize(atLeast: nm + na))
    let size = fft.size
    var wa = [Double](repeating: 0, count: na)
    var waa = [Double](repeating: 0, count: na)
    for j in 0..<na {
      wa[j] = w[j] * a[j]
      waa[j] = wa[j] * a[j]
    }
    let fa = fft.forward(wa)
    let fw = fft.forward(w)
    // Cross-correlation c(L) = Σ_j x_j y_{j+L} = IFFT(conj(X) · Y)[L mod size].
    func cross(_ x: [Double], _ y: [Double]) -> [Double] {
      var product = [Double](repeating: 0, count: x.count)
      var k = 0
      while k < x.count {
        let xr = x[k]
        let xi = x[k + 1]
        let yr = y[k]
        let yi = y[k + 1]
        product[k] = xr * yr + xi * yi
        product[k + 1] = xr * yi - xi * yr
        k += 2
      }
      return fft.inverse(product)
    }
    let sam = cross(fa, referenceSpectrum)
    let sm = cross(fw, referenceSpectrum)
    let smm = cross(fw, squaresSpectrum)
    // Prefix sums of the weights and weighted moments of a.
    var cw = [Double](repeating: 0, count: na + 1)
    var cwa = [Double](repeating: 0, count: na + 1)
    var cwaa = [Double](repeating: 0, count: na + 1)
    for j in 0..<na {
      cw[j + 1] = cw[j] + w[j]
      cwa[j + 1] = cwa[j] + wa[j]
      cwaa[j + 1] = cwaa[j] + waa[j]
    }
    let scale = 1 / Double(size)  // FFTW's inverse is unnormalised
    let lowest = -(na - 1)
    var r = [Double](repeating: -1, count: nm + na - 1)
    for index in r.indices {
      let lag = lowest + index
      let j0 = max(0, -lag)
      let j1 = min(na, nm - lag)
      guard j1 > j0 else { continue }
      let n = cw[j1] - cw[j0]
      guard n >= minimumOverlap, n > 0 else { continue }
      let slot = (lag % size + size) % size
      let sa = cwa[j1] - cwa[j0]
      let saa = cwaa[j1] - cwaa[j0]
      let cov = sam[slot] * scale - sa * sm[slot] * scale / n
      let va = saa - sa * sa / n
      let vm = smm[slot] * scale - (sm[slot] * scale) * (sm[slot] * scale) / n
      guard va > 1e-12, vm > 1e-12 else { continue }
      r[index] = cov / (va * vm).squareRoot()
    }
    return (lowest..<(nm), r)
  }
}

/// The vertex offset (−0.5…0.5) of the parabola through three equally spaced
/// values around a maximum at the middle one.
public func parabolicPeak(_ y0: Double, _ y1: Double, _ y2: Double) -> Double {
  let denominator = y0 - 2 * y1 + y2
  guard denominator < 0 else { return 0 }
  return min(0.5, max(-0.5, 0.5 * (y0 - y2) / denominator))
}
