import Markup
import TimeSeries

/// The media element for Label Studio ≤ 1.4.1's HyperText recipe, with its
/// proportional mapping replaced by the measured clock map and sync both ways.
///
/// Label Studio inserts the task's `$video` HTML into the page; the inline
/// `onloadeddata` handler finds the `<TimeSeries>` through `Htx` (the
/// annotation store those versions expose), then
///
/// - time series → media: every 200 ms, when the brush (the visible window)
///   has moved, the media seeks to the map's time for the brush start;
/// - media → time series: on every `timeupdate` not caused by that seek, the
///   brush moves so that it starts at the sensor time of `currentTime`,
///   keeping its width.
///
/// The CSV's time column is `sensor_time` (the sensor's own seconds), mapped
/// through `map` (`t_media = offset + scale × (sensor_time − csvOrigin)`, per
/// piece when the map is piecewise).
public struct LegacyPlayer: Sendable, Equatable {
  public var media: MediaKind
  public var url: String
  /// The measured clock map (linear or piecewise).
  public var map: ClockMap

  public init(media: MediaKind, url: String, map: ClockMap) {
    self.media = media
    self.url = url
    self.map = map
  }

  /// The script run by `onloadeddata` (`this` is the media element).
  public var script: String {
    let n = Escape.number
    let name = Escape.javaScriptString(LabelConfig.timeSeriesName)
    let pieces = ClockMapScript.pieces(
      map.pieces.isEmpty
        ? [(map.csvOrigin, map.offset, map.scale)] : map.pieces.map { ($0.csvStart, $0.offset, $0.scale) })
    return """
      (function(v){\
      var P=\(pieces),C=\(n(map.csvOrigin)),tries=0;\
      \(ClockMapScript.functions)\
      function toMedia(t){return mapToMedia(P,C,t);}\
      function toSensor(t){return mapToSensor(P,C,t);}\
      function clamp(t){var d=isFinite(v.duration)?v.duration:t;return Math.min(Math.max(t,0),d);}\
      (function start(){\
      var ts=null;try{ts=Htx.annotationStore.selected.names.get(\(name));}catch(e){}\
      if(!ts||!ts.brushRange||ts.brushRange.length<2){if(tries++<300)setTimeout(start,100);return;}\
      var w0=(+ts.brushRange[1])-(+ts.brushRange[0]),shown=toSensor(v.currentTime),seeking=null;\
      ts.updateTR([shown,shown+w0],1.001);\
      setInterval(function(){\
      var b=+ts.brushRange[0];if(b===shown)return;shown=b;\
      seeking=clamp(toMedia(b));v.currentTime=seeking;},200);\
      v.addEventListener('timeupdate',function(){\
      if(seeking!==null&&Math.abs(v.currentTime-seeking)<0.05){seeking=null;return;}\
      seeking=null;var r=ts.brushRange,w=(+r[1])-(+r[0]),a=toSensor(v.currentTime);\
      shown=a;ts.updateTR([a,a+w],1.001);});\
      })();\
      })(this)
      """
  }

  /// The HTML for the task's `$video`/`$audio` field: every embedded value
  /// escaped for its attribute (and, inside the script, JavaScript) context.
  public var html: String {
    let tag = media == .video ? "video" : "audio"
    let width = media == .video ? " width=\"100%\"" : ""
    return "<\(tag) src=\"\(Escape.attribute(url))\"\(width) controls=\"controls\" preload=\"auto\" "
      + "onloadeddata=\"\(Escape.attribute(script))\"></\(tag)>"
  }
}
