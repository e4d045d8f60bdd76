#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Parses a decimal number from ASCII bytes, as `strtod` would, but without
/// copying: `[+-]digits[.digits][(e|E)[+-]digits]`. Returns nil if the
/// bytes are not exactly one finite number: `inf`, `nan` and numbers that
/// overflow (`1e400`) are not numbers here (a sensor value or a time
/// never is one; the readers count such cells as missing).
///
/// Implementation: Clinger's fast path — when the significand has at most
/// 19 digits, fits in 2^53 and the decimal exponent is within ±22, the
/// result `m · 10^e` (or `m / 10^-e`) is one correctly rounded IEEE
/// operation on exact operands, so it equals `strtod`'s. Everything else
/// (long significands, large exponents, special values) goes to `strtod`.
@inline(__always)
func parseDouble(_ bytes: UnsafeRawBufferPointer) -> Double? {
  let count = bytes.count
  guard count > 0, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
  guard let number = DecimalScan(base, 0, count) else { return nil }
  // No digits: `inf`, `nan` and the like (or nothing) are strtod's.
  guard number.digits > 0 else { return slowParse(bytes) }
  guard number.end == count else { return nil }
  return powersOfTen.withUnsafeBufferPointer { number.exactValue(powersOfTen: $0.baseAddress!) } ?? slowParse(bytes)
}

/// A plain decimal number `[+-]digits[.digits][(e|E)[+-]digits]` scanned
/// from `p[start..<n]` up to the first byte that cannot continue it: every
/// digit (leading zeros included) in `mantissa` (wrapping past 19 digits,
/// which `digits` tells), the decimal exponent, and where it stopped.
struct DecimalScan {
  var negative = false
  var mantissa: UInt64 = 0
  var digits = 0
  var exponent = 0
  var end: Int

  /// nil when an exponent marker has no digits (`1e`, `2E+`).
  @inline(__always)
  init?(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) {
    var i = start
    if i < n && (p[i] == 45 || p[i] == 43) {  // - +
      negative = p[i] == 45
      i += 1
    }
    digits = Self.appendDigits(p, &i, n, to: &mantissa)
    if i < n && p[i] == 46 {  // .
      i += 1
      let fraction = Self.appendDigits(p, &i, n, to: &mantissa)
      exponent = -fraction
      digits += fraction
    }
    if digits > 0 && i < n && p[i] | 0x20 == 101 {  // e E
      i += 1
      guard let value = Self.exponentDigits(p, &i, n) else { return nil }
      exponent += value
    }
    end = i
  }

  /// The same scan where the bytes end with a newline before `n` or a
  /// zero byte follows them (as in every `NumericBlocks.Piece`), so a
  /// number always stops at a byte that cannot continue it: the loops need
  /// no bounds checks, and the sign takes no branch.
  @inline(__always)
  init?(padded p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) {
    var i = start
    // The sign without a branch (signs of sensor values are random).
    let first = p[i]
    negative = first == 45
    i &+= first == 45 || first == 43 ? 1 : 0
    digits = Self.appendDigitsPadded(p, &i, to: &mantissa)
    if p[i] == 46 {  // .
      i += 1
      let fraction = Self.appendDigitsPadded(p, &i, to: &mantissa)
      exponent = -fraction
      digits += fraction
    }
    if p[i] | 0x20 == 101 && digits > 0 {  // e E
      i += 1
      guard let value = Self.exponentDigits(p, &i, n) else { return nil }
      exponent += value
    }
    end = i
  }

  /// The signed exponent after an `e`: `[+-]digits` at `p[i..<n]` (moves
  /// `i` past it); nil without digits. Saturates far beyond Double's range.
  @inline(__always)
  private static func exponentDigits(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Int? {
    var negative = false
    if i < n && (p[i] == 45 || p[i] == 43) {
      negative = p[i] == 45
      i += 1
    }
    var value = 0
    let start = i
    while i < n {
      let d = p[i] &- 48
      if d > 9 { break }
      if value < 100_000 { value = value * 10 + Int(d) }
      i += 1
    }
    guard i > start else { return nil }
    return negative ? -value : value
  }

  /// Appends the run of digits at `p[i..<n]` to `mantissa` (wrapping),
  /// moves `i` past it and returns its length.
  @inline(__always)
  private static func appendDigits(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, to mantissa: inout UInt64)
    -> Int
  {
    let start = i
    while i < n {
      let d = p[i] &- 48
      if d > 9 { break }
      mantissa = mantissa &* 10 &+ UInt64(d)
      i += 1
    }
    return i - start
  }

  /// `appendDigits` where a non-digit follows the run.
  @inline(__always)
  private static func appendDigitsPadded(_ p: UnsafePointer<UInt8>, _ i: inout Int, to mantissa: inout UInt64) -> Int {
    let start = i
    while true {
      let d = p[i] &- 48
      if d > 9 { break }
      mantissa = mantissa &* 10 &+ UInt64(d)
      i &+= 1
    }
    return i &- start
  }

  /// Clinger's fast path: with at most 19 digits, a significand within
  /// 2^53 and a decimal exponent within ±22, `m · 10^e` (or `m / 10^-e`) is
  /// one correctly rounded operation on exact operands, so it equals
  /// `strtod`'s result. nil outside that range.
  @inline(__always)
  func exactValue(powersOfTen: UnsafePointer<Double>) -> Double? {
    guard digits > 0, digits <= 19, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
    var value = Double(mantissa)
    if exponent < 0 {
      value /= powersOfTen[-exponent]
    } else if exponent > 0 {
      value *= powersOfTen[exponent]
    }
    return Double(bitPattern: value.bitPattern | (negative ? 1 << 63 : 0))
  }
}

let powersOfTen: [Double] = (0...22).map { (e: Int) -> Double in
  var p = 1.0
  for _ in 0..<e { p *= 10 }
  return p
}

/// `strtod` on a NUL-terminated copy, accepting only a full match of a
/// finite number.
private func slowParse(_ bytes: UnsafeRawBufferPointer) -> Double? {
  guard bytes.count < 64 else {
    return Double(String(decoding: bytes, as: UTF8.self)).flatMap { $0.isFinite ? $0 : nil }
  }
  var buffer = [CChar](repeating: 0, count: 65)
  for i in 0..<bytes.count { buffer[i] = CChar(bitPattern: bytes[i]) }
  return buffer.withUnsafeMutableBufferPointer { b -> Double? in
    var end: UnsafeMutablePointer<CChar>? = nil
    let value = strtod(b.baseAddress!, &end)
    guard let end, end - b.baseAddress! == bytes.count, value.isFinite else { return nil }
    return value
  }
}

/// Parses a signed decimal integer (no sign of a fraction), or nil.
@inline(__always)
func parseInt64(_ bytes: UnsafeRawBufferPointer) -> Int64? {
  guard bytes.count > 0 && bytes.count <= 19 else { return nil }
  var i = 0
  var negative = false
  if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
    negative = bytes[0] == UInt8(ascii: "-")
    i = 1
  }
  guard i < bytes.count else { return nil }
  var value: Int64 = 0
  while i < bytes.count {
    let d = bytes[i] &- 48
    if d > 9 { return nil }
    value = value * 10 + Int64(d)
    i += 1
  }
  return negative ? -value : value
}
