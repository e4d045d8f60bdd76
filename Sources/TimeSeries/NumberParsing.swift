#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Parses a decimal number from ASCII bytes, as `strtod` would, but without
/// copying: `[+-]digits[.digits][(e|E)[+-]digits]`, plus `inf`/`nan` forms
/// via `strtod`. Returns nil if the bytes are not exactly one number.
///
/// Implementation: Clinger's fast path — when the significand has at most
/// 19 digits, fits in 2^53 and the decimal exponent is within ±22, the
/// result `m · 10^e` (or `m / 10^-e`) is one correctly rounded IEEE
/// operation on exact operands, so it equals `strtod`'s. Everything else
/// (long significands, large exponents, special values) goes to `strtod`.
@inline(__always)
func parseDouble(_ bytes: UnsafeRawBufferPointer) -> Double? {
  let count = bytes.count
  guard count > 0 else { return nil }
  var i = 0
  var negative = false
  let first = bytes[0]
  if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
    negative = first == UInt8(ascii: "-")
    i = 1
  }
  var mantissa: UInt64 = 0
  var digits = 0
  var exponent = 0
  var sawDigit = false
  while i < count {
    let d = bytes[i] &- 48
    if d > 9 { break }
    sawDigit = true
    if digits < 19 {
      mantissa = mantissa &* 10 &+ UInt64(d)
      if mantissa != 0 { digits += 1 }
    } else {
      exponent += 1
      digits += 1
    }
    i += 1
  }
  if i < count && bytes[i] == UInt8(ascii: ".") {
    i += 1
    while i < count {
      let d = bytes[i] &- 48
      if d > 9 { break }
      sawDigit = true
      if digits < 19 {
        mantissa = mantissa &* 10 &+ UInt64(d)
        if mantissa != 0 { digits += 1 }
        exponent -= 1
      } else {
        digits += 1
      }
      i += 1
    }
  }
  guard sawDigit else { return slowParse(bytes) }
  if i < count && (bytes[i] | 0x20) == UInt8(ascii: "e") {
    i += 1
    var expNegative = false
    if i < count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
      expNegative = bytes[i] == UInt8(ascii: "-")
      i += 1
    }
    var value = 0
    var sawExpDigit = false
    while i < count {
      let d = bytes[i] &- 48
      if d > 9 { break }
      sawExpDigit = true
      if value < 100_000 { value = value * 10 + Int(d) }
      i += 1
    }
    guard sawExpDigit else { return nil }
    exponent += expNegative ? -value : value
  }
  guard i == count else { return nil }
  if digits > 19 || mantissa > (1 << 53) || exponent < -22 || exponent > 22 {
    return slowParse(bytes)
  }
  var value = Double(mantissa)
  if exponent < 0 {
    value /= powersOfTen[-exponent]
  } else if exponent > 0 {
    value *= powersOfTen[exponent]
  }
  return negative ? -value : value
}

private let powersOfTen: [Double] = (0...22).map { (e: Int) -> Double in
  var p = 1.0
  for _ in 0..<e { p *= 10 }
  return p
}

/// `strtod` on a NUL-terminated copy, accepting only a full match.
private func slowParse(_ bytes: UnsafeRawBufferPointer) -> Double? {
  guard bytes.count < 64 else {
    return Double(String(decoding: bytes, as: UTF8.self))
  }
  var buffer = [CChar](repeating: 0, count: 65)
  for i in 0..<bytes.count { buffer[i] = CChar(bitPattern: bytes[i]) }
  return buffer.withUnsafeMutableBufferPointer { b -> Double? in
    var end: UnsafeMutablePointer<CChar>? = nil
    let value = strtod(b.baseAddress!, &end)
    guard let end, end - b.baseAddress! == bytes.count else { return nil }
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
