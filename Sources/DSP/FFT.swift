internal import CFFTW
import Foundation

/// Real-input FFTs of one size, over FFTW 3 (double precision).
///
/// `forward` turns `n` reals into `n/2 + 1` complex bins (interleaved
/// re, im); `inverse` is FFTW's unnormalised inverse (the result is `n`
/// times the input of `forward`). Plans are made once per size
/// (`FFTW_ESTIMATE`: no timing runs) under a lock, since FFTW's planner is
/// not thread-safe. One instance works on its own buffers: use it from one
/// thread at a time.
public final class RealFFT {
  public let size: Int
  private let forwardPlan: fftw_plan
  private let inversePlan: fftw_plan
  private let real: UnsafeMutablePointer<Double>
  private let complex: UnsafeMutablePointer<fftw_complex>

  private static let planner = NSLock()

  /// - Parameter size: at least 2; FFTW is fastest for products of small primes.
  public init(size: Int) {
    precondition(size >= 2, "FFT size must be at least 2")
    self.size = size
    real = fftw_alloc_real(size)
    complex = fftw_alloc_complex(size / 2 + 1)
    Self.planner.lock()
    forwardPlan = fftw_plan_dft_r2c_1d(Int32(size), real, complex, UInt32(FFTW_ESTIMATE))
    inversePlan = fftw_plan_dft_c2r_1d(Int32(size), complex, real, UInt32(FFTW_ESTIMATE))
    Self.planner.unlock()
  }

  deinit {
    Self.planner.lock()
    fftw_destroy_plan(forwardPlan)
    fftw_destroy_plan(inversePlan)
    Self.planner.unlock()
    fftw_free(real)
    fftw_free(complex)
  }

  /// The spectrum of `x` zero-padded to `size`: `size/2 + 1` bins, interleaved.
  public func forward(_ x: [Double]) -> [Double] {
    precondition(x.count <= size)
    x.withUnsafeBufferPointer { source in
      real.update(from: source.baseAddress!, count: x.count)
    }
    (real + x.count).update(repeating: 0, count: size - x.count)
    fftw_execute(forwardPlan)
    let bins = size / 2 + 1
    return [Double](unsafeUninitializedCapacity: 2 * bins) { buffer, count in
      UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(
        from: complex, byteCount: bins * MemoryLayout<fftw_complex>.size)
      count = 2 * bins
    }
  }

  /// The squared magnitudes `|X_k|²` of the `size/2 + 1` bins of the input
  /// that `fill` writes into the `size` reals it is given (no array is
  /// allocated: for many small transforms, such as one per envelope window).
  public func power(
    into power: UnsafeMutableBufferPointer<Double>, fill: (UnsafeMutableBufferPointer<Double>) -> Void
  ) {
    let bins = size / 2 + 1
    precondition(power.count >= bins)
    fill(UnsafeMutableBufferPointer(start: real, count: size))
    fftw_execute(forwardPlan)
    let spectrum = UnsafeMutableRawPointer(complex).assumingMemoryBound(to: Double.self)
    for k in 0..<bins {
      let re = spectrum[2 * k]
      let im = spectrum[2 * k + 1]
      power[k] = re * re + im * im
    }
  }

  /// The (unnormalised) inverse of a spectrum of `size/2 + 1` interleaved bins.
  public func inverse(_ spectrum: [Double]) -> [Double] {
    precondition(spectrum.count == 2 * (size / 2 + 1))
    spectrum.withUnsafeBytes { source in
      UnsafeMutableRawPointer(complex).copyMemory(from: source.baseAddress!, byteCount: source.count)
    }
    fftw_execute(inversePlan)
    return Array(UnsafeBufferPointer(start: real, count: size))
  }

  /// An FFT size ≥ `n` whose factors are 2, 3 and 5 (fast in FFTW).
  public static func goodSize(atLeast n: Int) -> Int {
    var best = Int.max
    var p2 = 1
    while p2 < 2 * n {
      var p3 = p2
      while p3 < 2 * n {
        var p5 = p3
        while p5 < 2 * n {
          if p5 >= n { best = min(best, p5) }
          p5 *= 5
        }
        p3 *= 3
      }
      p2 *= 2
    }
    return best
  }
}
