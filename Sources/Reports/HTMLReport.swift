import Foundation
import Markup
import Synchronization

/// The self-contained HTML report: inline CSS, SVG and one small script (the
/// summary table's sorting and the review players); nothing from the network.
public enum HTMLReport {
  public static func render(_ entries: [ReportEntry], title: String = "MediaAlign report") -> String {
    var html = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(Escape.html(title))</title>
      <style>\(css)</style>
      </head><body>
      <header><h1>\(Escape.html(title))</h1>
      """
    let aligned = entries.filter(\.aligned).count
    let warned = entries.filter { $0.aligned && !$0.warnings.isEmpty }.count
    html += "<p class=\"counts\">\(entries.count) result\(entries.count == 1 ? "" : "s"): "
    html += "<span class=\"ok\">\(aligned - warned) aligned</span>, "
    html += "<span class=\"warn\">\(warned) aligned with warnings</span>, "
    html += "<span class=\"bad\">\(entries.count - aligned) rejected</span></p></header>\n"
    let ordered = entries.enumerated().sorted { a, b in
      a.element.rank != b.element.rank ? a.element.rank < b.element.rank : a.element.confidence < b.element.confidence
    }
    if entries.count > 1 {
      html += summaryTable(ordered.map { ($0.offset, $0.element) })
      html += histograms(entries.filter(\.aligned))
    }
    // Sections are independent and most of the work (the plots' paths): on all cores.
    let sections = Mutex([String](repeating: "", count: ordered.count))
    DispatchQueue.concurrentPerform(iterations: ordered.count) { k in
      let text = section(ordered[k].element, index: ordered[k].offset)
      sections.withLock { $0[k] = text }
    }
    html += sections.withLock { $0.joined() }
    html += "<script>\(ClockMapScript.functions)\(script)</script>\n</body></html>\n"
    return html
  }

  // MARK: - Summary

  static func summaryTable(_ rows: [(Int, ReportEntry)]) -> String {
    var out = "<section><h2>Summary</h2><table class=\"summary sortable\"><thead><tr>"
    for (i, name) in [
      "Status", "Confidence", "Media", "Sensor / other", "Offset (s)", "Drift (ppm)", "± (ms)", "Warnings",
    ]
    .enumerated() {
      out += "<th data-col=\"\(i)\" title=\"Sort by \(name.lowercased())\">\(name)</th>"
    }
    out += "</tr></thead><tbody>"
    for (index, e) in rows {
      let status = statusWord(e)
      out += "<tr class=\"\(statusClass(e))\">"
      out += "<td data-v=\"\(e.rank)\"><a href=\"#r\(index)\">\(status)</a></td>"
      out += "<td data-v=\"\(e.confidence)\">\(fixed(e.confidence, 2))</td>"
      out += "<td>\(Escape.html(basename(e.mediaPath)))</td><td>\(Escape.html(basename(e.otherPath)))</td>"
      out +=
        "<td data-v=\"\(e.offset)\">\(fixed(e.offset, 3))</td><td data-v=\"\(e.driftPpm)\">\(fixed(e.driftPpm, 0))</td>"
      out += "<td data-v=\"\(e.uncertaintyMs ?? -1)\">\(e.uncertaintyMs.map { fixed($0, 1) } ?? "–")</td>"
      out += "<td data-v=\"\(e.warnings.count)\">\(e.warnings.count)</td></tr>"
    }
    return out + "</tbody></table></section>\n"
  }

  static func histograms(_ entries: [ReportEntry]) -> String {
    guard entries.count > 1 else { return "" }
    return "<section class=\"hists\"><div><h3>Offsets (s)</h3>\(histogram(entries.map(\.offset), unit: " s"))</div>"
      + "<div><h3>Drift (ppm)</h3>\(histogram(entries.map(\.driftPpm), unit: ""))</div></section>\n"
  }

  static func histogram(_ values: [Double], unit: String) -> String {
    let values = values.filter(\.isFinite)
    let lo = values.min() ?? 0
    let hi = values.max() ?? 1
    let range = lo == hi ? (lo - 1)...(hi + 1) : lo...hi
    let bins = min(20, max(5, values.count))
    var counts = [Int](repeating: 0, count: bins)
    for v in values {
      let position = (v - range.lowerBound) / (range.upperBound - range.lowerBound) * Double(bins)
      counts[Int(min(Double(bins - 1), max(0, position)))] += 1
    }
    let top = Double(counts.max() ?? 1)
    let frame = PlotFrame(width: 460, height: 140, left: 30, x: range, y: 0...top)
    var out = frame.open(label: "histogram", xUnit: unit, yTicks: [0, top], yFormat: { String(Int($0)) })
    let w = (range.upperBound - range.lowerBound) / Double(bins)
    for (i, c) in counts.enumerated() where c > 0 {
      let x0 = frame.px(range.lowerBound + Double(i) * w)
      let x1 = frame.px(range.lowerBound + Double(i + 1) * w)
      out +=
        "<rect class=\"bar\" x=\"\(n(x0 + 1))\" y=\"\(n(frame.py(Double(c))))\" width=\"\(n(max(1, x1 - x0 - 2)))\" height=\"\(n(frame.py(0) - frame.py(Double(c))))\"><title>\(c)</title></rect>"
    }
    return out + "</svg>"
  }

  // MARK: - One result

  static func section(_ e: ReportEntry, index: Int) -> String {
    var out = "<section class=\"result\" id=\"r\(index)\">"
    out += "<h2>\(Escape.html(basename(e.otherPath))) → \(Escape.html(basename(e.mediaPath)))</h2>"
    out += "<div class=\"verdict \(statusClass(e))\"><span class=\"big\">\(statusWord(e))</span>"
    out += "<span>confidence <b>\(fixed(e.confidence, 2))</b></span>"
    if let u = e.uncertaintyMs { out += "<span>sync within <b>±\(fixed(u, 1)) ms</b></span>" }
    out += "</div>"
    if e.aligned {
      out += "<p class=\"words\">\(Escape.html(e.plainWords))</p>"
    } else {
      out +=
        "<p class=\"words\">Not aligned: \(Escape.html(e.reason ?? "not confident")). The best guess below is not to be trusted.</p>"
    }
    var facts: [(String, String)] = [
      ("media", e.mediaPath), (e.otherIsMedia ? "other media" : "sensor CSV", e.otherPath),
    ]
    if let channel = e.channel { facts.append(("channel", channel)) }
    facts += [
      (
        "clock map",
        e.otherIsMedia
          ? "t_ref = \(fixed(e.offset, 4)) + \(fixed(e.scale, 7)) × t_other"
          : "t_media = \(fixed(e.offset, 4)) + \(fixed(e.scale, 7)) × (t_csv − \(e.csvOrigin))"
      ),
      ("drift", "\(fixed(e.driftPpm, 1)) ppm"),
      ("overlap", "media \(fixed(e.overlap.lowerBound, 2))–\(fixed(e.overlap.upperBound, 2)) s"),
      ("windows agreeing", "\(e.windows.filter(\.inlier).count) of \(e.windows.count)"),
      ("model", e.model), ("result file", e.resultPath),
    ]
    for (k, segment) in e.segments.enumerated() {
      facts.append(
        (
          "segment \(k + 1)",
          "t_csv \(fixed(segment.csvStart, 3))–\(fixed(segment.csvEnd, 3)) s: t_media = \(fixed(segment.offset, 4)) + \(fixed(segment.scale, 7)) × (t_csv − \(e.csvOrigin))"
            + (segment.jumpMs.map { "; jump \(fixed($0, 1)) ms" } ?? "")
        ))
    }
    facts += e.mediaFacts
    out += "<table class=\"facts\">"
    for (k, v) in facts { out += "<tr><th>\(Escape.html(k))</th><td>\(Escape.html(v))</td></tr>" }
    out += "</table>"
    if !e.warnings.isEmpty {
      out += "<ul class=\"warnings\">"
      for w in e.warnings { out += "<li>\(Escape.html(w))</li>" }
      out += "</ul>"
    }
    if let s = e.signals {
      out += player(e, s, index: index)
      out +=
        "<h3>Before correction <small>(the sensor's first row at media 0, its own rate: what Label Studio's native sync shows)</small></h3>"
      out += overlay(s.envelope, s.before, range: s.mediaRange, label: "before correction")
      out += "<h3>After correction</h3>"
      out += overlay(s.envelope, s.after, range: s.mediaRange, label: "after correction")
      if let first = s.zoomEnvelope.xs.first, let last = s.zoomEnvelope.xs.last, last > first {
        out += "<h3>Zoom on strong activity <small>(media \(fixed(first, 1))–\(fixed(last, 1)) s, 100 Hz)</small></h3>"
        let frame = PlotFrame(x: first...last, y: -0.05...1.05)
        out += frame.open(label: "zoom", xUnit: " s") + frame.line(s.zoomEnvelope, cssClass: "media-line")
        out += frame.line(s.zoomSensor, cssClass: "sensor-line") + "</svg>"
      }
      out += "<div class=\"two\"><div><h3>Correlation around the chosen map</h3>"
      out += correlationPlot(s.correlation) + "</div><div><h3>Local lag per window</h3>" + lagPlot(e) + "</div></div>"
    } else {
      if let note = e.signalNote { out += "<p class=\"note\">Signal plots left out: \(Escape.html(note))</p>" }
      out += "<h3>Local lag per window</h3>" + lagPlot(e)
    }
    out += legend
    return out + "</section>\n"
  }

  static let legend =
    "<p class=\"legend\"><span class=\"k media\"></span> media audio envelope <span class=\"k sensor\"></span> sensor / other channel "
    + "<span class=\"k in\"></span> window agreeing <span class=\"k out\"></span> window disagreeing</p>"

  static func overlay(_ envelope: MinMaxSeries, _ sensor: MinMaxSeries, range: ClosedRange<Double>, label: String)
    -> String
  {
    let frame = PlotFrame(x: range, y: -0.05...1.05)
    return frame.open(label: label, xUnit: " s") + frame.band(envelope, cssClass: "media-band")
      + frame.band(sensor, cssClass: "sensor-band") + "</svg>"
  }

  static func correlationPlot(_ curve: Curve) -> String {
    guard let lo = curve.xs.first, let hi = curve.xs.last, hi > lo else { return "" }
    let ys = curve.ys.filter(\.isFinite)
    let yLo = min(0, ys.min() ?? 0)
    let yHi = max(0.1, ys.max() ?? 1)
    let frame = PlotFrame(width: 470, height: 170, left: 44, x: lo...hi, y: yLo...yHi)
    var out = frame.open(label: "correlation", xUnit: " ms", yTicks: [yLo, 0, yHi], yFormat: { fixed($0, 2) })
    out += frame.line(curve, cssClass: "corr-line")
    out +=
      "<line class=\"zero\" x1=\"\(n(frame.px(0)))\" x2=\"\(n(frame.px(0)))\" y1=\"\(n(frame.top))\" y2=\"\(n(frame.top + frame.plotHeight))\"/>"
    if let peak = curve.ys.indices.max(by: { curve.ys[$0] < curve.ys[$1] }) {
      out +=
        "<circle class=\"peak\" cx=\"\(n(frame.px(curve.xs[peak])))\" cy=\"\(n(frame.py(curve.ys[peak])))\" r=\"4\"><title>peak at \(fixed(curve.xs[peak], 0)) ms</title></circle>"
    }
    return out + "</svg>"
  }

  static func lagPlot(_ e: ReportEntry) -> String {
    guard !e.windows.isEmpty else { return "<p class=\"note\">No windows.</p>" }
    let lags = e.windows.map(\.lagMs)
    let limit = min(max(20, (lags.map(abs).max() ?? 20) * 1.1), 2000)
    let times = e.windows.map(\.mediaTime)
    let x0 = min(times.min() ?? 0, e.overlap.lowerBound)
    let x1 = max(times.max() ?? 1, e.overlap.upperBound, x0 + 1)
    let frame = PlotFrame(width: 470, height: 170, left: 44, x: x0...x1, y: -limit...limit)
    var out = frame.open(label: "lag per window", xUnit: " s", yTicks: [-limit, 0, limit], yFormat: { fixed($0, 0) })
    out +=
      "<line class=\"fit\" x1=\"\(n(frame.left))\" x2=\"\(n(frame.left + frame.plotWidth))\" y1=\"\(n(frame.py(0)))\" y2=\"\(n(frame.py(0)))\"/>"
    if let u = e.uncertaintyMs, u < limit {
      out +=
        "<rect class=\"unc\" x=\"\(n(frame.left))\" y=\"\(n(frame.py(u)))\" width=\"\(n(frame.plotWidth))\" height=\"\(n(frame.py(-u) - frame.py(u)))\"/>"
    }
    for w in e.windows {
      out +=
        "<circle class=\"\(w.inlier ? "in" : "out")\" cx=\"\(n(frame.px(w.mediaTime)))\" cy=\"\(n(frame.py(frame.clampY(w.lagMs))))\" r=\"\(n(2 + 3 * max(0, min(1, w.quality))))\"><title>media \(fixed(w.mediaTime, 1)) s: \(fixed(w.lagMs, 1)) ms, quality \(fixed(w.quality, 2))</title></circle>"
    }
    return out
      + "</svg><p class=\"caption\">Residual of each window's own correlation peak from the fitted map (ms); the line is the map, the band its uncertainty.</p>"
  }

  /// The media with the corrected sensor plot under it; the cursor follows
  /// `currentTime`, and a click on the plot seeks the media.
  static func player(_ e: ReportEntry, _ s: ReportSignals, index: Int) -> String {
    guard let url = e.playerURL else { return "" }
    let tag = e.playerIsVideo ? "video" : "audio"
    let frame = PlotFrame(height: 120, x: s.mediaRange, y: -0.05...1.05)
    let pieces = ClockMapScript.pieces(
      e.segments.isEmpty ? [(e.csvOrigin, e.offset, e.scale)] : e.segments.map { ($0.csvStart, $0.offset, $0.scale) })
    var out =
      "<div class=\"player\" data-offset=\"\(e.offset)\" data-scale=\"\(e.scale)\" data-origin=\"\(e.csvOrigin)\" data-pieces=\"\(Escape.html(pieces))\" data-media=\"\(e.otherIsMedia ? 1 : 0)\">"
    out +=
      "<h3>Review player</h3><\(tag) src=\"\(Escape.html(Escape.urlPath(url)))\" controls preload=\"metadata\"></\(tag)>"
    out +=
      "<div class=\"readout\">media <b class=\"t-media\">0.000</b> s · \(e.otherIsMedia ? "other" : "sensor") <b class=\"t-sensor\">–</b> s</div>"
    out += frame.open(id: "player-plot-\(index)", label: "review plot", xUnit: " s")
    out += frame.band(s.envelope, cssClass: "media-band") + frame.band(s.after, cssClass: "sensor-band")
    out +=
      "<line class=\"cursor\" x1=\"\(n(frame.left))\" x2=\"\(n(frame.left))\" y1=\"\(n(frame.top))\" y2=\"\(n(frame.top + frame.plotHeight))\"/>"
    return out + "</svg></div>"
  }

  static func statusWord(_ e: ReportEntry) -> String {
    !e.aligned ? "✘ rejected" : (e.warnings.isEmpty ? "✔ aligned" : "⚠ aligned, with warnings")
  }

  static func statusClass(_ e: ReportEntry) -> String { !e.aligned ? "bad" : (e.warnings.isEmpty ? "ok" : "warn") }

  static func basename(_ path: String) -> String { (path as NSString).lastPathComponent }

  static let css = """
    body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1000px;padding:16px;color:#1d232a;background:#fff}
    h1{font-size:22px;margin:4px 0}h2{font-size:18px;margin:28px 0 8px;border-top:1px solid #ddd;padding-top:16px}
    h3{font-size:14px;margin:14px 0 4px;color:#333}small{font-weight:normal;color:#666}
    .counts .ok,.verdict.ok{color:#11692e}.counts .warn,.verdict.warn{color:#8a5a00}.counts .bad,.verdict.bad{color:#a1121c}
    .verdict{display:flex;gap:24px;align-items:baseline;padding:10px 14px;border-radius:6px;font-size:16px}
    .verdict.ok{background:#e5f5ea}.verdict.warn{background:#fff3d6}.verdict.bad{background:#fde4e4}
    .verdict .big{font-size:24px;font-weight:700}.words{font-size:17px;margin:8px 0}
    table{border-collapse:collapse}td,th{padding:3px 8px;text-align:left;vertical-align:top}
    .facts th{color:#555;font-weight:normal;white-space:nowrap}.facts td{word-break:break-all}
    .summary{width:100%}.summary th{cursor:pointer;border-bottom:2px solid #999;user-select:none}
    .summary td{border-bottom:1px solid #eee}.summary td:first-child{white-space:nowrap}.summary tr.bad{background:#fdeeee}.summary tr.warn{background:#fff8e6}
    .warnings li{color:#8a5a00}.note,.caption{color:#666;font-size:13px}
    svg.plot{width:100%;height:auto;display:block}.area{fill:#fafafa;stroke:#ccc}
    .grid{stroke:#e6e6e6}.tick{font-size:11px;fill:#666}
    .media-band{fill:#5b6b7c;fill-opacity:.55}.sensor-band{fill:#e8590c;fill-opacity:.55}
    .media-line{fill:none;stroke:#5b6b7c;stroke-width:1.2}.sensor-line{fill:none;stroke:#e8590c;stroke-width:1.2}
    .corr-line{fill:none;stroke:#1c6dd0;stroke-width:1.5}.zero{stroke:#999;stroke-dasharray:3 3}.peak{fill:#1c6dd0}
    .fit{stroke:#1c6dd0;stroke-width:1.5}.unc{fill:#1c6dd0;fill-opacity:.12}
    circle.in{fill:#11692e;fill-opacity:.8}circle.out{fill:#fff;stroke:#a1121c;stroke-width:1.5}
    .bar{fill:#1c6dd0}.two{display:grid;grid-template-columns:1fr 1fr;gap:16px}.hists{display:grid;grid-template-columns:1fr 1fr;gap:16px}
    .player video{max-width:100%;max-height:360px;display:block}.player audio{width:100%}
    .player svg{cursor:crosshair}.cursor{stroke:#d0021b;stroke-width:2}.readout{font-size:13px;color:#333;margin:4px 0}
    .legend{font-size:12px;color:#555}.k{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
    .k.media{background:#5b6b7c}.k.sensor{background:#e8590c}.k.in{background:#11692e;border-radius:6px}.k.out{border:1.5px solid #a1121c;border-radius:6px}
    """

  /// Sorting for the summary table; the review players.
  static let script = """
    (function(){
    document.querySelectorAll('table.sortable th').forEach(function(th){th.addEventListener('click',function(){
    var table=th.closest('table'),body=table.tBodies[0],col=+th.dataset.col,dir=th.dataset.dir==='asc'?'desc':'asc';
    table.querySelectorAll('th').forEach(function(h){delete h.dataset.dir;});th.dataset.dir=dir;
    var rows=Array.prototype.slice.call(body.rows);
    rows.sort(function(a,b){var x=a.cells[col],y=b.cells[col];
    var p=x.dataset.v!==undefined?+x.dataset.v:x.textContent,q=y.dataset.v!==undefined?+y.dataset.v:y.textContent;
    var c=p<q?-1:p>q?1:0;return dir==='asc'?c:-c;});
    rows.forEach(function(r){body.appendChild(r);});});});
    document.querySelectorAll('.player').forEach(function(box){
    var media=box.querySelector('video,audio'),svg=box.querySelector('svg'),cursor=box.querySelector('.cursor');
    var x0=+svg.dataset.x0,x1=+svg.dataset.x1,left=+svg.dataset.left,width=+svg.dataset.width;
    var pieces=JSON.parse(box.dataset.pieces),origin=+box.dataset.origin;
    var tm=box.querySelector('.t-media'),ts=box.querySelector('.t-sensor');
    function draw(){var t=media.currentTime,x=left+(t-x0)/(x1-x0)*width;x=Math.max(left,Math.min(left+width,x));
    cursor.setAttribute('x1',x);cursor.setAttribute('x2',x);tm.textContent=t.toFixed(3);
    ts.textContent=mapToSensor(pieces,origin,t).toFixed(3);}
    media.addEventListener('timeupdate',draw);media.addEventListener('seeked',draw);
    media.addEventListener('play',function loop(){draw();if(!media.paused)requestAnimationFrame(loop);});
    svg.addEventListener('click',function(ev){var r=svg.getBoundingClientRect(),vb=svg.viewBox.baseVal;
    var x=(ev.clientX-r.left)/r.width*vb.width;var t=x0+(x-left)/width*(x1-x0);
    media.currentTime=Math.max(0,Math.min(t,isFinite(media.duration)?media.duration:t));draw();});
    draw();});
    })();
    """
}
