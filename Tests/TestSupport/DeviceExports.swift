import Foundation

/// Sensor files in the layouts devices and apps export, made from the
/// piecewise fixture's meter (`TestMedia/piecewise`): its first 55 s, before
/// the rows it lost, on the meter's own clock. Every export's first row is
/// at media time `truthOffset` and its clock maps onto the media with
/// `truthScale`, whatever its rate or time format: a row `s` seconds after
/// the first (on the export's clock) is at `truthOffset + truthScale · s`.
///
/// Axis exports carry the level in the magnitude of a vector that turns at
/// 0.3 rad/s, so no single axis follows it (gravity on a third axis, where
/// the device has one); `--channel auto` has to form the magnitude.
public enum DeviceExport: String, CaseIterable, Sendable, CustomStringConvertible {
  case empaticaACC, empaticaBVP, actigraphTimestamp, actigraph, shimmer, openBCI, openBCIv4, phyphox
  case commentPreamble, metadataPreamble, unitsRow

  public static let media = "piecewise/session.m4a"
  public static var truthOffset: Double { MediaTruth.load.piecewise.segments[0].offset }
  public static var truthScale: Double { MediaTruth.load.piecewise.segments[0].scale }
  /// Epoch seconds of the first row where the format has a date: 2024-03-01 09:00:00 UTC.
  public static let start = 1_709_283_600.0

  public var description: String { rawValue }

  /// The file name the device gives it (Empatica's names matter).
  public var fileName: String {
    switch self {
    case .empaticaACC: return "ACC.csv"
    case .empaticaBVP: return "BVP.csv"
    case .actigraphTimestamp: return "NEO1F12345678 (2024-03-01)RAW.csv"
    case .actigraph: return "NEO1F12345678 (2024-03-01)RAW-notimestamp.csv"
    case .shimmer: return "Session1_Shimmer_5E1E_Calibrated_PC.csv"
    case .openBCI: return "OpenBCI-RAW-2024-03-01_09-00-00.txt"
    case .openBCIv4: return "OpenBCI-RAW-v4.txt"
    case .phyphox: return "Raw Data.csv"
    case .commentPreamble: return "contact_mic.csv"
    case .metadataPreamble: return "logger_export.csv"
    case .unitsRow: return "units.csv"
    }
  }

  /// `layout.format` in the JSON.
  public var format: String {
    switch self {
    case .empaticaACC, .empaticaBVP: return "empatica_e4"
    case .actigraphTimestamp, .actigraph: return "actigraph"
    case .shimmer: return "shimmer"
    case .openBCI, .openBCIv4: return "openbci"
    case .phyphox: return "phyphox"
    case .commentPreamble, .metadataPreamble: return "preamble"
    case .unitsRow: return "units_row"
    }
  }

  /// The channel `--channel auto` should choose.
  public var channel: String {
    switch self {
    case .empaticaACC: return "mag(x,y,z)"
    case .empaticaBVP: return "bvp"
    case .actigraphTimestamp, .actigraph: return "mag(Accelerometer X,Accelerometer Y,Accelerometer Z)"
    case .shimmer:
      return "mag(Shimmer_5E1E_Accel_LN_X_CAL,Shimmer_5E1E_Accel_LN_Y_CAL,Shimmer_5E1E_Accel_LN_Z_CAL)"
    case .openBCI: return "mag(Accel Channel 0,Accel Channel 1,Accel Channel 2)"
    case .openBCIv4: return "column_3"
    case .phyphox: return "mag(Acceleration x (m/s^2),Acceleration y (m/s^2),Acceleration z (m/s^2))"
    case .commentPreamble, .metadataPreamble: return "level_db"
    case .unitsRow: return "level"
    }
  }

  /// Data rows (the header, units and preamble lines not counted).
  public var rateHz: Double {
    switch self {
    case .empaticaACC: return 32
    case .empaticaBVP: return 64
    case .actigraphTimestamp, .actigraph: return 30
    case .shimmer: return 51.2
    case .openBCI, .openBCIv4: return 200
    case .phyphox: return 100
    case .commentPreamble, .metadataPreamble, .unitsRow: return 50
    }
  }

  /// How long the committed fixtures run (their first rows' seconds).
  public static let fixtureSeconds = 20.0

  /// The committed fixture, relative to `TestMedia/`: `make(seconds:
  /// fixtureSeconds)`'s text, written by the fixture test in record mode.
  public var fixture: String { "devices/\(rawValue)/\(fileName)" }

  /// The file's text and its number of data rows: `seconds` of the meter
  /// (at most its 55 s).
  public func make(seed: UInt64 = 17, seconds: Double = .infinity) throws -> (text: String, rows: Int) {
    var random = SplitMix64(state: seed)
    let meter = try Self.meter()
    var lines: [String] = []
    var rows = 0
    let dt = 1 / rateHz
    // Row i at `i·dt` on the export's clock (phyphox: jittered times).
    var t = 0.0
    func level(_ s: Double) -> Double? { s < seconds ? meter.level(at: s) : nil }
    func gauss(_ sigma: Double) -> Double {
      let u = max(Double(random.next() >> 11) / Double(1 << 53), 1e-12)
      let v = Double(random.next() >> 11) / Double(1 << 53)
      return sigma * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
    /// The level as a 0…1 amplitude, split over two turning axes.
    func axes(_ s: Double, gain: Double, noise: Double) -> (Double, Double)? {
      guard let db = level(s) else { return nil }
      let a = gain * (db + 52) / 37
      return (a * cos(0.3 * s) + gauss(noise), a * sin(0.3 * s) + gauss(noise))
    }
    func f(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    let start = Self.start
    switch self {
    case .empaticaACC:
      lines = ["\(f(start, 6)), \(f(start, 6)), \(f(start, 6))", "32.000000, 32.000000, 32.000000"]
      while let (x, y) = axes(t, gain: 1.5 * 64, noise: 0.6) {
        lines.append("\(Int((x).rounded())),\(Int(y.rounded())),\(Int((64 + gauss(0.6)).rounded()))")
        rows += 1
        t = Double(rows) * dt
      }
    case .empaticaBVP:
      lines = [f(start, 6), "64.000000"]
      while let db = level(t) {
        lines.append(f((db + 52) * 3 + gauss(0.5), 2))
        rows += 1
        t = Double(rows) * dt
      }
    case .actigraphTimestamp, .actigraph:
      lines = [
        "------------ Data File Created By ActiGraph GT3X+ ActiLife v6.13.4 Firmware v2.5.0 date format M/d/yyyy at 30 Hz  Filter Normal -----------",
        "Serial Number: NEO1F12345678", "Start Time 09:00:00", "Start Date 3/1/2024",
        "Epoch Period (hh:mm:ss) 00:00:00", "Download Time 10:12:04", "Download Date 3/1/2024",
        "Current Memory Address: 0", "Current Battery Voltage: 4.19     Mode = 12",
        "--------------------------------------------------",
      ]
      let stamped = self == .actigraphTimestamp
      lines.append((stamped ? "Timestamp," : "") + "Accelerometer X,Accelerometer Y,Accelerometer Z")
      while let (x, y) = axes(t, gain: 1.5, noise: 0.01) {
        let values = "\(f(x, 3)),\(f(y, 3)),\(f(1 + gauss(0.01), 3))"
        lines.append(stamped ? "\(Self.actiLifeStamp(start + t)),\(values)" : values)
        rows += 1
        t = Double(rows) * dt
      }
    case .shimmer:
      lines = [
        "\"sep=\t\"",
        "Shimmer_5E1E_Timestamp_Unix_CAL\tShimmer_5E1E_Accel_LN_X_CAL\tShimmer_5E1E_Accel_LN_Y_CAL\tShimmer_5E1E_Accel_LN_Z_CAL\tShimmer_5E1E_GSR_Skin_Conductance_CAL\t",
        "ms\tm/(s^2)\tm/(s^2)\tm/(s^2)\tuS\t",
      ]
      while let (x, y) = axes(t, gain: 15, noise: 0.1) {
        lines.append(
          "\(f(start * 1000 + t * 1000, 3))\t\(f(x, 4))\t\(f(y, 4))\t\(f(9.81 + gauss(0.1), 4))\t\(f(2 + gauss(0.01), 4))\t"
        )
        rows += 1
        t = Double(rows) * dt
      }
    case .openBCI:
      lines = [
        "%OpenBCI Raw EXG Data", "%Number of channels = 4", "%Sample Rate = 200 Hz",
        "%Board = OpenBCI_GUI$BoardGanglionBLE",
        "Sample Index, EXG Channel 0, EXG Channel 1, EXG Channel 2, EXG Channel 3, Accel Channel 0, Accel Channel 1, Accel Channel 2, Other, Other, Other, Other, Other, Timestamp, Other, Timestamp (Formatted)",
      ]
      while let (x, y) = axes(t, gain: 1, noise: 0.01) {
        let eeg = (0..<4).map { _ in f(gauss(20), 3) }.joined(separator: ", ")
        // The GUI stamps packets as they arrive: a little jitter.
        let stamp = start + t + gauss(0.0005)
        lines.append(
          "\(rows % 200), \(eeg), \(f(x, 3)), \(f(y, 3)), \(f(1 + gauss(0.01), 3)), 0.0, 0.0, 0.0, 0.0, 0.0, \(f(stamp, 6)), 0.0, \(Self.isoStamp(stamp))"
        )
        rows += 1
        t = Double(rows) * dt
      }
    case .openBCIv4:
      lines = [
        "%OpenBCI Raw EEG Data", "%Number of channels = 8", "%Sample Rate = 200.0 Hz", "%First Column = SampleIndex",
        "%Last Column = Timestamp", "%Other = Accelerometer (g)",
      ]
      // An EMG envelope in channel 3; the last column is epoch milliseconds.
      while let db = level(t) {
        var cells = ["\(rows % 256)"]
        for channel in 1...8 { cells.append(f(channel == 3 ? (db + 52) * 4 + gauss(1) : gauss(20), 2)) }
        cells += [
          "0.000", "0.000", "0.000", String(Self.isoStamp(start + t).suffix(12)),
          "\(Int64(((start + t) * 1000).rounded()))",
        ]
        lines.append(cells.joined(separator: ", "))
        rows += 1
        t = Double(rows) * dt
      }
    case .phyphox:
      lines = ["\"Time (s)\",\"Acceleration x (m/s^2)\",\"Acceleration y (m/s^2)\",\"Acceleration z (m/s^2)\""]
      while let (x, y) = axes(t, gain: 15, noise: 0.1) {
        lines.append(
          [t, x, y, 9.81 + gauss(0.1)].map { String(format: "%.9E", $0) }.joined(separator: ","))
        rows += 1
        t += dt + gauss(0.0005)
      }
    case .commentPreamble, .metadataPreamble, .unitsRow:
      switch self {
      case .commentPreamble:
        lines = ["# device: ContactMic v2", "# firmware: 1.7.3", "# sample rate: 50 Hz", "#", "time,level_db"]
      case .metadataPreamble:
        lines = ["Device name,ContactMic", "Serial,A1234", "Exported,2024-03-01 10:00", "", "time,level_db"]
      default:
        lines = ["t,level", "ms,dB"]
      }
      while let db = level(t) {
        let time = self == .unitsRow ? "\(3_600_000 + rows * 20)" : f(1000 + t, 3)
        lines.append("\(time),\(f(db, 2))")
        rows += 1
        t = Double(rows) * dt
      }
    }
    return (lines.joined(separator: "\n") + "\n", rows)
  }

  /// `3/1/2024 09:00:00.033`: ActiLife's M/d/yyyy stamp of epoch seconds.
  static func actiLifeStamp(_ epoch: Double) -> String {
    let iso = isoStamp(epoch)  // 2024-03-01 09:00:00.033
    let year = iso.prefix(4)
    let month = Int(iso.dropFirst(5).prefix(2))!
    let day = Int(iso.dropFirst(8).prefix(2))!
    return "\(month)/\(day)/\(year) \(iso.dropFirst(11))"
  }

  /// `2024-03-01 09:00:00.033` (UTC).
  static func isoStamp(_ epoch: Double) -> String {
    let millis = Int64((epoch * 1000).rounded())
    let date = Date(timeIntervalSince1970: Double(millis / 1000))
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(
      format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!,
      Int(millis % 1000))
  }

  /// The piecewise fixture's meter before its lost rows: levels (dB) at
  /// 50 Hz from its first row, interpolated.
  struct Meter {
    var levels: [Double]
    func level(at seconds: Double) -> Double? {
      let k = seconds / 0.02
      let i = Int(k.rounded(.down))
      guard i >= 0, i + 1 < levels.count else { return nil }
      let f = k - Double(i)
      return levels[i] * (1 - f) + levels[i + 1] * f
    }
  }

  static func meter() throws -> Meter {
    let truth = MediaTruth.load.piecewise
    let text = try String(contentsOf: TestPaths.testMedia.appendingPathComponent(truth.csv), encoding: .utf8)
    let end = truth.segments[1].csvStart
    var levels: [Double] = []
    for line in text.split(separator: "\n").dropFirst() {
      let cells = line.split(separator: ",")
      guard let time = Double(cells[0]), time < end, let level = Double(cells[1]) else { continue }
      levels.append(level)
    }
    return Meter(levels: levels)
  }
}
