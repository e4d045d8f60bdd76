/// The unit of a numeric time column.
public enum TimeUnit: String, Sendable, CaseIterable, Codable {
  case s, ms, us, ns

  /// Units per second (exact).
  public var perSecond: Double {
    switch self {
    case .s: return 1
    case .ms: return 1e3
    case .us: return 1e6
    case .ns: return 1e9
    }
  }
}

/// Days from 1970-01-01 to the proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
  let y = month <= 2 ? year - 1 : year
  let era = (y >= 0 ? y : y - 399) / 400
  let yoe = y - era * 400
  let mp = (month + 9) % 12
  let doy = (153 * mp + 2) / 5 + day - 1
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
  return era * 146097 + doe - 719468
}

func isLeapYear(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

func daysInMonth(_ year: Int, _ month: Int) -> Int {
  switch month {
  case 2: return isLeapYear(year) ? 29 : 28
  case 4, 6, 9, 11: return 30
  default: return 31
  }
}

/// A cursor over ASCII bytes for the time parsers.
struct ByteCursor {
  let bytes: UnsafeRawBufferPointer
  var i = 0

  var atEnd: Bool { i >= bytes.count }
  var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

  mutating func take(_ byte: UInt8) -> Bool {
    if peek == byte {
      i += 1
      return true
    }
    return false
  }

  /// Exactly `count` digits.
  mutating func digits(_ count: Int) -> Int? {
    guard i + count <= bytes.count else { return nil }
    var value = 0
    for k in 0..<count {
      let d = bytes[i + k] &- 48
      if d > 9 { return nil }
      value = value * 10 + Int(d)
    }
    i += count
    return value
  }

  /// One to `max` digits.
  mutating func digits(upTo max: Int) -> (value: Int, count: Int)? {
    var value = 0
    var count = 0
    while count < max, let b = peek, b &- 48 <= 9 {
      value = value * 10 + Int(b &- 48)
      i += 1
      count += 1
    }
    return count > 0 ? (value, count) : nil
  }

  /// A fraction's digits (1 to 9 kept exactly, more ignored) as seconds.
  mutating func fraction() -> Double? {
    guard let (value, count) = digits(upTo: 9) else { return nil }
    while let b = peek, b &- 48 <= 9 { i += 1 }  // digits past nanoseconds
    var scale = 1.0
    for _ in 0..<count { scale *= 10 }
    return Double(value) / scale
  }

  /// `Z`, `±HH:MM`, `±HHMM` or `±HH`: the offset east of UTC in seconds.
  mutating func zone() -> Int? {
    if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) { return 0 }
    guard let sign = peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
    i += 1
    guard let hours = digits(2), hours <= 23 else { return nil }
    _ = take(UInt8(ascii: ":"))
    let minutes = digits(2) ?? 0
    guard minutes <= 59 else { return nil }
    let offset = hours * 3600 + minutes * 60
    return sign == UInt8(ascii: "-") ? -offset : offset
  }
}

/// Epoch seconds from whole calendar fields and a fraction; nil if a field
/// is out of range.
func epochSeconds(
  year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, fraction: Double, zone: Int
) -> Double? {
  guard (1...12).contains(month), day >= 1, day <= daysInMonth(year, month), (0...23).contains(hour),
    (0...59).contains(minute), (0...60).contains(second)
  else { return nil }
  let days = daysFromCivil(year: year, month: month, day: day)
  let whole = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(zone)
  return Double(whole) + fraction
}

/// ISO 8601 date-time: `YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][zone]`,
/// zone `Z`, `±HH:MM`, `±HHMM`, `±HH`, or none (= UTC). Returns UTC epoch
/// seconds; fractions of 1 to 9 digits.
func parseISO8601(_ bytes: UnsafeRawBufferPointer) -> Double? {
  var c = ByteCursor(bytes: bytes)
  guard let year = c.digits(4), c.take(UInt8(ascii: "-")), let month = c.digits(2),
    c.take(UInt8(ascii: "-")), let day = c.digits(2)
  else { return nil }
  var hour = 0
  var minute = 0
  var second = 0
  var fraction = 0.0
  var zone = 0
  if !c.atEnd {
    guard c.take(UInt8(ascii: "T")) || c.take(UInt8(ascii: " ")) || c.take(UInt8(ascii: "t")) else { return nil }
    guard let h = c.digits(2), c.take(UInt8(ascii: ":")), let m = c.digits(2) else { return nil }
    hour = h
    minute = m
    if c.take(UInt8(ascii: ":")) {
      guard let s = c.digits(2) else { return nil }
      second = s
      if c.take(UInt8(ascii: ".")) || c.take(UInt8(ascii: ",")) {
        guard let f = c.fraction() else { return nil }
        fraction = f
      }
    }
    if !c.atEnd {
      guard let z = c.zone() else { return nil }
      zone = z
    }
  }
  guard c.atEnd else { return nil }
  return epochSeconds(
    year: year, month: month, day: day, hour: hour, minute: minute, second: second, fraction: fraction, zone: zone)
}

/// A strftime-style time format, as Label Studio's TimeSeries `timeFormat`
/// (d3-time-format) reads it: `%Y` year, `%m` month, `%d` day, `%H` hour,
/// `%M` minute, `%S` second, `%L` milliseconds (3 digits), `%f` microseconds
/// (6 digits), `%Q` milliseconds since the epoch, `%s` seconds since the
/// epoch (with an optional fraction), `%z` zone (`Z`, `±HH:MM`, `±HHMM`),
/// `%y` two-digit year (1969–2068), `%j` day of the year, `%%` a percent sign;
/// any other character matches itself. Times without a zone are UTC.
public struct TimeFormat: Sendable, Equatable, CustomStringConvertible {
  enum Part: Equatable, Sendable {
    case literal(UInt8)
    case field(UInt8)
  }

  let parts: [Part]
  public let description: String

  /// Fails on an unknown directive, naming it.
  public init(_ format: String) throws(TimeFormatError) {
    var parts: [Part] = []
    let bytes = Array(format.utf8)
    var i = 0
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "%") {
        guard i + 1 < bytes.count else { throw TimeFormatError(format: format, directive: "%") }
        let d = bytes[i + 1]
        if d == UInt8(ascii: "%") {
          parts.append(.literal(d))
        } else if Array("YmdHMSLfQszyj".utf8).contains(d) {
          parts.append(.field(d))
        } else {
          throw TimeFormatError(format: format, directive: "%" + String(UnicodeScalar(d)))
        }
        i += 2
      } else {
        parts.append(.literal(bytes[i]))
        i += 1
      }
    }
    self.parts = parts
    self.description = format
  }

  /// UTC epoch seconds, or nil if `bytes` does not match.
  func parse(_ bytes: UnsafeRawBufferPointer) -> Double? {
    var c = ByteCursor(bytes: bytes)
    var year = 1970
    var month = 1
    var day = 1
    var hour = 0
    var minute = 0
    var second = 0
    var fraction = 0.0
    var zone = 0
    var dayOfYear: Int?
    var epoch: Double?
    for part in parts {
      switch part {
      case .literal(let b):
        guard c.take(b) else { return nil }
      case .field(let f):
        switch f {
        case UInt8(ascii: "Y"):
          guard let v = c.digits(4) else { return nil }
          year = v
        case UInt8(ascii: "y"):
          guard let v = c.digits(2) else { return nil }
          year = v < 69 ? 2000 + v : 1900 + v
        case UInt8(ascii: "m"):
          guard let v = c.digits(upTo: 2) else { return nil }
          month = v.value
        case UInt8(ascii: "d"):
          guard let v = c.digits(upTo: 2) else { return nil }
          day = v.value
        case UInt8(ascii: "j"):
          guard let v = c.digits(upTo: 3) else { return nil }
          dayOfYear = v.value
        case UInt8(ascii: "H"):
          guard let v = c.digits(upTo: 2) else { return nil }
          hour = v.value
        case UInt8(ascii: "M"):
          guard let v = c.digits(upTo: 2) else { return nil }
          minute = v.value
        case UInt8(ascii: "S"):
          guard let v = c.digits(upTo: 2) else { return nil }
          second = v.value
        case UInt8(ascii: "L"):
          guard let v = c.digits(3) else { return nil }
          fraction = Double(v) / 1e3
        case UInt8(ascii: "f"):
          guard let v = c.digits(6) else { return nil }
          fraction = Double(v) / 1e6
        case UInt8(ascii: "Q"):
          guard let v = c.digits(upTo: 18) else { return nil }
          epoch = Double(v.value) / 1e3
        case UInt8(ascii: "s"):
          guard let v = c.digits(upTo: 18) else { return nil }
          var seconds = Double(v.value)
          if c.take(UInt8(ascii: ".")), let f = c.fraction() { seconds += f }
          epoch = seconds
        case UInt8(ascii: "z"):
          guard let z = c.zone() else { return nil }
          zone = z
        default:
          return nil
        }
      }
    }
    guard c.atEnd else { return nil }
    if let epoch { return epoch - Double(zone) }
    if let dayOfYear {
      guard dayOfYear >= 1, dayOfYear <= (isLeapYear(year) ? 366 : 365) else { return nil }
      var remaining = dayOfYear
      month = 1
      while remaining > daysInMonth(year, month) {
        remaining -= daysInMonth(year, month)
        month += 1
      }
      day = remaining
    }
    return epochSeconds(
      year: year, month: month, day: day, hour: hour, minute: minute, second: second, fraction: fraction, zone: zone)
  }
}

public struct TimeFormatError: Error, Sendable, CustomStringConvertible {
  public var format: String
  public var directive: String
  public var description: String {
    "--time-format '\(format)': unknown directive '\(directive)'; use %Y %m %d %H %M %S %L %f %Q %s %z %y %j or %%"
  }
}

/// A `--start` value: seconds (`12.5`, epoch seconds `1709283600`) or an
/// ISO 8601 date-time (`2024-03-01T09:00:00Z`; no zone is UTC), as epoch
/// seconds; nil when it is neither.
public func parseStartTime(_ text: String) -> Double? {
  let trimmed = text.trimmingSpaces
  if let number = Double(trimmed), number.isFinite { return number }
  return trimmed.withBytes { parseISO8601($0) }
}
