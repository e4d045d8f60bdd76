/// The clock map (docs/clock-map.md, linear or piecewise) in JavaScript, for the
/// web outputs that map times in the browser (the report's player, the
/// legacy Label Studio player): one definition for both.
///
/// A map is `P`, an array of `[csvStart, offset, scale]` pieces in order
/// (a linear map is one piece), and `C`, the CSV origin.
public enum ClockMapScript {
  /// `P` as a JavaScript array literal (numbers only).
  public static func pieces(_ pieces: [(csvStart: Double, offset: Double, scale: Double)]) -> String {
    "[" + pieces.map { "[\(number($0.csvStart)),\(number($0.offset)),\(number($0.scale))]" }.joined(separator: ",")
      + "]"
  }

  /// `mapToMedia(P,C,t)`: the media time of CSV time `t` (the piece whose
  /// stretch holds it; the first before any). `mapToSensor(P,C,m)`: the CSV
  /// time shown at media time `m` (where two pieces hold it after a jump
  /// back, the later; in a jump forward's hole, the nearest piece end).
  public static let functions =
    "function mapToMedia(P,C,t){var p=P[0];for(var i=1;i<P.length;i++)if(P[i][0]<=t)p=P[i];return p[1]+p[2]*(t-C);}"
    + "function mapToSensor(P,C,m){var best=C,bd=Infinity;for(var i=0;i<P.length;i++){"
    + "var p=P[i],t=C+(m-p[1])/p[2],lo=i?p[0]:-Infinity,hi=i+1<P.length?P[i+1][0]:Infinity;"
    + "if(t>=lo&&t<hi){best=t;bd=0;continue;}"
    + "if(bd>0){var c=Math.min(Math.max(t,lo),hi),d=Math.abs(p[1]+p[2]*(c-C)-m);if(d<bd){bd=d;best=c;}}}"
    + "return best;}"

  /// A finite number as JavaScript reads it back exactly (Swift's shortest
  /// round-trip form is valid JavaScript).
  public static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "0" }
}
