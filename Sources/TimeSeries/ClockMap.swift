/// docs/clock-map.md: `t_media = offset + scale × (t_csv − csvOrigin)`, seconds; or,
/// piecewise, one such line per stretch of the CSV's clock.
public struct ClockMap: Sendable, Codable, Equatable {
  /// One stretch of a piecewise map: from `csvStart` (the CSV's own time,
  /// seconds) to the next piece's start.
  public struct Piece: Sendable, Codable, Equatable {
    public var csvStart: Double
    public var offset: Double
    public var scale: Double

    public init(csvStart: Double, offset: Double, scale: Double) {
      self.csvStart = csvStart
      self.offset = offset
      self.scale = scale
    }
  }

  /// Media time of the CSV's first row, seconds.
  public var offset: Double
  /// Media seconds per sensor second.
  public var scale: Double
  /// `t_csv0`: the time value of the CSV's first data row, seconds.
  public var csvOrigin: Double
  /// Empty for one line; otherwise in order, the first holding every time
  /// before the second's start (`offset`/`scale` are then the first's).
  public var pieces: [Piece]

  public init(offset: Double, scale: Double, csvOrigin: Double, pieces: [Piece] = []) {
    self.offset = offset
    self.scale = scale
    self.csvOrigin = csvOrigin
    self.pieces = pieces
  }

  /// The piece holding CSV time `t` (its line's offset and scale).
  private func line(at t: Double) -> (offset: Double, scale: Double) {
    guard var piece = pieces.first else { return (offset, scale) }
    for candidate in pieces.dropFirst() where candidate.csvStart <= t { piece = candidate }
    return (piece.offset, piece.scale)
  }

  public func mediaTime(_ csvTime: Double) -> Double {
    let (offset, scale) = line(at: csvTime)
    return offset + scale * (csvTime - csvOrigin)
  }

  /// The CSV time shown at `mediaTime`: the piece whose stretch holds it
  /// (after a jump back, where two do, the later one); in a jump forward's
  /// hole, the nearest end of a piece.
  public func csvTime(_ mediaTime: Double) -> Double {
    guard !pieces.isEmpty else { return csvOrigin + (mediaTime - offset) / scale }
    var nearest = (distance: Double.infinity, time: csvOrigin)
    for (k, piece) in pieces.enumerated() {
      let t = csvOrigin + (mediaTime - piece.offset) / piece.scale
      let lo = k == 0 ? -Double.infinity : piece.csvStart
      let hi = k + 1 < pieces.count ? pieces[k + 1].csvStart : Double.infinity
      if t >= lo && t < hi {
        nearest = (0, t)
        continue
      }
      let clamped = min(max(t, lo), hi)
      let distance = abs(piece.offset + piece.scale * (clamped - csvOrigin) - mediaTime)
      if nearest.distance > 0 && distance < nearest.distance { nearest = (distance, clamped) }
    }
    return nearest.time
  }
}
