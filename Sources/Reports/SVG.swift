/// A plot area in SVG user units: data ranges mapped onto a rectangle.
struct PlotFrame {
  var width = 960.0
  var height = 160.0
  var left = 56.0
  var right = 28.0
  var top = 10.0
  var bottom = 24.0
  var x: ClosedRange<Double>
  var y: ClosedRange<Double>

  var plotWidth: Double { width - left - right }
  var plotHeight: Double { height - top - bottom }

  func px(_ value: Double) -> Double {
    left + (value - x.lowerBound) / max(x.upperBound - x.lowerBound, 1e-12) * plotWidth
  }

  func py(_ value: Double) -> Double {
    top + (1 - (value - y.lowerBound) / max(y.upperBound - y.lowerBound, 1e-12)) * plotHeight
  }

  /// The opening `<svg>` with the frame's mapping as data attributes (the
  /// review player and the browser test read them), axes and ticks.
  func open(
    id: String? = nil, label: String, xUnit: String, yTicks: [Double] = [], yFormat: (Double) -> String = { _ in "" }
  )
    -> String
  {
    var out =
      "<svg class=\"plot\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(Escape.html(label))\""
    if let id { out += " id=\"\(id)\"" }
    out +=
      " data-x0=\"\(x.lowerBound)\" data-x1=\"\(x.upperBound)\" data-left=\"\(n(left))\" data-width=\"\(n(plotWidth))\">"
    out +=
      "<rect class=\"area\" x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotWidth))\" height=\"\(n(plotHeight))\"/>"
    for t in ticks(x, count: 8) {
      let p = px(t)
      out += "<line class=\"grid\" x1=\"\(n(p))\" x2=\"\(n(p))\" y1=\"\(n(top))\" y2=\"\(n(top + plotHeight))\"/>"
      out +=
        "<text class=\"tick\" x=\"\(n(p))\" y=\"\(n(height - 8))\" text-anchor=\"middle\">\(tickLabel(t))\(xUnit)</text>"
    }
    for t in yTicks {
      let p = py(t)
      out += "<line class=\"grid\" x1=\"\(n(left))\" x2=\"\(n(left + plotWidth))\" y1=\"\(n(p))\" y2=\"\(n(p))\"/>"
      out += "<text class=\"tick\" x=\"\(n(left - 4))\" y=\"\(n(p + 4))\" text-anchor=\"end\">\(yFormat(t))</text>"
    }
    return out
  }

  /// A filled min/max band (gaps, NaN columns, break it).
  func band(_ series: MinMaxSeries, cssClass: String) -> String {
    var out = ""
    var upper: [(Double, Double)] = []
    var lower: [(Double, Double)] = []
    func flush() {
      guard !upper.isEmpty else { return }
      var d = "M"
      for (i, p) in upper.enumerated() { d += (i == 0 ? "" : "L") + "\(n(p.0)) \(n(p.1))" }
      for p in lower.reversed() { d += "L\(n(p.0)) \(n(p.1))" }
      out += "<path class=\"\(cssClass)\" d=\"\(d)Z\"/>"
      upper.removeAll()
      lower.removeAll()
    }
    for i in series.mins.indices {
      let lo = series.mins[i]
      let hi = series.maxs[i]
      let t0 = series.start + Double(i) * series.step
      guard lo.isFinite, hi.isFinite, t0 + series.step > x.lowerBound, t0 < x.upperBound else {
        flush()
        continue
      }
      let centre = px(min(max(t0 + series.step / 2, x.lowerBound), x.upperBound))
      // Keep a band at least one unit thick so flat stretches stay visible.
      var yHi = py(clampY(hi))
      var yLo = py(clampY(lo))
      if yLo - yHi < 1 {
        yHi -= 0.5
        yLo += 0.5
      }
      upper.append((centre, yHi))
      lower.append((centre, yLo))
    }
    flush()
    return out
  }

  func line(_ curve: Curve, cssClass: String) -> String {
    var d = ""
    var pen = false
    for (x0, y0) in zip(curve.xs, curve.ys) {
      guard y0.isFinite, x.contains(x0) else {
        pen = false
        continue
      }
      d += (pen ? "L" : "M") + "\(n(px(x0))) \(n(py(clampY(y0))))"
      pen = true
    }
    return d.isEmpty ? "" : "<path class=\"\(cssClass)\" d=\"\(d)\"/>"
  }

  func clampY(_ v: Double) -> Double { min(max(v, y.lowerBound), y.upperBound) }
}

/// Round tick values covering `range`.
func ticks(_ range: ClosedRange<Double>, count: Int) -> [Double] {
  let span = range.upperBound - range.lowerBound
  guard span > 0, span.isFinite else { return [] }
  let raw = span / Double(count)
  var magnitude = 1.0
  while magnitude > raw { magnitude /= 10 }
  while magnitude * 10 <= raw { magnitude *= 10 }
  let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
  var t = (range.lowerBound / step).rounded(.up) * step
  var out: [Double] = []
  while t <= range.upperBound + step * 1e-9 {
    out.append(abs(t) < step * 1e-9 ? 0 : t)
    t += step
  }
  return out
}

func tickLabel(_ t: Double) -> String {
  if t == t.rounded() && abs(t) < 1e9 { return String(Int(t)) }
  return fixed(t, abs(t) < 1 ? 2 : 1)
}

/// SVG numbers: one decimal of a 960-unit-wide plot is finer than a pixel.
/// Integer arithmetic, not `String(format:)`: a long report writes millions.
func n(_ value: Double) -> String {
  let tenths = (value * 10).rounded()
  guard tenths.isFinite, abs(tenths) < 1e15 else { return fixed(value, 1) }
  let t = Int64(tenths)
  return "\(t < 0 ? "-" : "")\(t.magnitude / 10).\(t.magnitude % 10)"
}
