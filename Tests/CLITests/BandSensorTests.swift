import Foundation
import TestSupport
import Testing

/// A contact microphone that hears only 2.5–3.5 kHz, beside a recording whose
/// loudness is a louder 150 Hz machine hum that comes and goes on its own:
/// `align` decodes a real WAV, finds the band and aligns within 10 ms.
@Suite("align: a band-limited sensor")
struct BandSensorTests {
  static let sampleRate = 16_000.0

  /// Bursts (0.05–0.6 s long, 0.1–1 s apart) of a signal made by `tone`, with random levels.
  static func bursts(seconds: Double, level: ClosedRange<Double>, seed: UInt64, tone: (Double) -> Double) -> [Double] {
    var rng = SplitMix64(state: seed)
    let n = Int(seconds * sampleRate)
    var x = [Double](repeating: 0, count: n)
    var i = Int(Double.random(in: 0.1...0.5, using: &rng) * sampleRate)
    while i < n {
      let length = Int(Double.random(in: 0.05...0.6, using: &rng) * sampleRate)
      let amplitude = Double.random(in: level, using: &rng)
      for k in i..<min(n, i + length) { x[k] = amplitude * tone(Double(k) / sampleRate) }
      i += length + Int(Double.random(in: 0.1...1.0, using: &rng) * sampleRate)
    }
    return x
  }

  /// 16-bit mono PCM WAV bytes.
  static func wav(_ x: [Double]) -> Data {
    var data = Data()
    func le<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    data.append(contentsOf: Array("RIFF".utf8))
    le(UInt32(36 + 2 * x.count))
    data.append(contentsOf: Array("WAVEfmt ".utf8))
    le(UInt32(16))
    le(UInt16(1))
    le(UInt16(1))
    le(UInt32(sampleRate))
    le(UInt32(2 * sampleRate))
    le(UInt16(2))
    le(UInt16(16))
    data.append(contentsOf: Array("data".utf8))
    le(UInt32(2 * x.count))
    for v in x { le(Int16(max(-32767, min(32767, (v * 32767).rounded())))) }
    return data
  }

  @Test("found on the band it hears, within 10 ms over the overlap")
  func bandLimited() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let seconds = 40.0
    let hum = Self.bursts(seconds: seconds, level: 0.3...0.6, seed: 3) { sin(2 * .pi * 150 * $0) }
    let hiss = Self.bursts(seconds: seconds, level: 0.01...0.04, seed: 4) { t in
      (sin(2 * .pi * 2500 * t) + sin(2 * .pi * 2930 * t + 1) + sin(2 * .pi * 3370 * t + 2)) / 3
    }
    let media = dir.path("session.wav")
    try Self.wav(zip(hum, hiss).map { $0 + $1 }).write(to: URL(fileURLWithPath: media))
    // The sensor: 50 Hz rows from its own t = 100 s, media = 1.7 + 1.0004·(t − 100);
    // each the RMS of the hiss over the 20 ms around its media time, in dB.
    let offset = 1.7
    let scale = 1.0004
    var text = "t,contact_db\n"
    var rng = SplitMix64(state: 5)
    var t = 100.0
    while offset + scale * (t - 100) < seconds - 3 {
      let centre = Int((offset + scale * (t - 100)) * Self.sampleRate)
      let window = hiss[(centre - 160)..<(centre + 160)]
      let rms = (window.reduce(0) { $0 + $1 * $1 } / Double(window.count)).squareRoot()
      text += String(format: "%.2f,%.2f\n", t, 20 * log10(rms + 1e-4) + Double.random(in: -0.5...0.5, using: &rng))
      t += 0.02
    }
    let csv = try dir.write("contact.csv", text)
    let result = try runTool(["align", media, csv, "--channel", "contact_db", "--json"], in: dir.url)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["status"] as? String == "aligned")
    let fitted = try #require(object["offset"] as? Double)
    let fittedScale = try #require(object["scale"] as? Double)
    let span = t - 100
    let error = max(abs(fitted - offset), abs(fitted + fittedScale * span - (offset + scale * span)))
    #expect(error < 0.010, "offset \(fitted), scale \(fittedScale): worst error \(error * 1000) ms")
    // 2.5–3.4 kHz lies in the 1.6–3.2 and 3.2–6.4 kHz bands.
    let mediaObject = try #require(object["media"] as? [String: Any])
    let band = try #require(mediaObject["audio_band"] as? [String: Any], "measured on the broadband envelope")
    let low = try #require(band["low_hz"] as? Double)
    #expect(low >= 1600, "band from \(low) Hz")
    // And the text says so.
    let textRun = try runTool(["align", media, csv, "--channel", "contact_db"], in: dir.url)
    #expect(textRun.stdout.contains("band, which the sensor follows best"), "\(textRun.stdout)")
  }
}
